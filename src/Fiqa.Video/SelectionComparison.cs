using Fiqa.Face;

namespace Fiqa.Video;

/// <summary>How one way of choosing K frames serves recognition against reference stills of the same person.</summary>
/// <param name="MeanCosine">Mean cosine similarity over every (chosen frame, reference) pair.</param>
/// <param name="FalseNonMatches">Pairs below the verification threshold (for the random baseline: the mean over draws).</param>
/// <param name="Pairs">Pairs compared (per draw for the random baseline).</param>
public sealed record SelectionScore(double MeanCosine, double FalseNonMatches, int Pairs);

/// <summary>The best-K choice against K uniform and K random frames of the same track.</summary>
public sealed record SelectionComparison(int TrackId, int Observations, int K, SelectionScore Best, SelectionScore Uniform, SelectionScore Random, int RandomDraws)
{
    /// <summary>Compares the three choices for one track. <paramref name="best"/> is the method's picks; the baselines
    /// take as many frames; the random baseline averages <paramref name="draws"/> shuffles seeded
    /// <paramref name="seed"/>, <paramref name="seed"/> + 1, ….</summary>
    public static SelectionComparison Compare(FaceTrack track, IReadOnlyList<FaceObservation> best, IReadOnlyList<FaceEmbedding> references,
        double threshold = Verification.DefaultThreshold, int seed = 1, int draws = 20)
    {
        ArgumentNullException.ThrowIfNull(track);
        ArgumentNullException.ThrowIfNull(best);
        ArgumentNullException.ThrowIfNull(references);
        if (references.Count == 0) throw new ArgumentException("no reference embeddings", nameof(references));
        if (draws < 1) throw new ArgumentOutOfRangeException(nameof(draws), "at least one random draw");
        int k = best.Count;
        var uniform = Score(FrameSelection.Uniform(track.Observations, k), references, threshold);
        double cos = 0, fnm = 0;
        int pairs = 0;
        for (int d = 0; d < draws; d++)
        {
            var s = Score(FrameSelection.Random(track.Observations, k, seed + d), references, threshold);
            cos += s.MeanCosine; fnm += s.FalseNonMatches; pairs = s.Pairs;
        }
        return new SelectionComparison(track.Id, track.Observations.Count, k, Score(best, references, threshold), uniform,
            new SelectionScore(cos / draws, fnm / draws, pairs), draws);
    }

    private static SelectionScore Score(IReadOnlyList<FaceObservation> picks, IReadOnlyList<FaceEmbedding> references, double threshold)
    {
        double sum = 0;
        int below = 0, n = 0;
        foreach (var p in picks)
            foreach (var r in references)
            {
                double c = p.Embedding.CosineSimilarity(r);
                sum += c;
                if (c < threshold) below++;
                n++;
            }
        return new SelectionScore(n == 0 ? double.NaN : sum / n, below, n);
    }
}

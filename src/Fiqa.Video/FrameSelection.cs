using System.Numerics.Tensors;

namespace Fiqa.Video;

/// <summary>Options of the per-track frame choice.</summary>
public sealed record SelectionOptions
{
    /// <summary>Frames to choose per track (at most; a short track gives fewer).</summary>
    public int Top { get; init; } = 5;
    /// <summary>Least distance, in sampled frames, between two chosen frames, so the K frames are not near-duplicates
    /// of one moment (1 = adjacent frames allowed).</summary>
    public int MinGap { get; init; } = 2;
    /// <summary>Temporal aggregation, short window: a frame is ranked by the mean quality of the observations within
    /// this many places before and after it (0 = its own score). Off by default: on franck.mp4 the window chosen on the
    /// first half (±4) raised the second half's mean cosine to the references by only 0.002 (docs/video.md).</summary>
    public int ShortWindow { get; init; }
    /// <summary>Temporal aggregation, long window (half-width in observations, 0 = off): with both set, the rank score is
    /// the lower of the two window means, so a moment is chosen only when it is good and its stretch of video is too —
    /// in the spirit of the short- and long-range pooling of temporal-pyramid NR-VQA.</summary>
    public int LongWindow { get; init; }

    /// <summary>Throws for values out of range.</summary>
    public void Validate()
    {
        if (ShortWindow < 0 || LongWindow < 0) throw new ArgumentOutOfRangeException(nameof(ShortWindow), "window half-widths must be ≥ 0");
        if (Top < 1) throw new ArgumentOutOfRangeException(nameof(Top), $"top must be at least 1, got {Top}");
        if (MinGap < 1) throw new ArgumentOutOfRangeException(nameof(MinGap), $"min gap must be at least 1 frame, got {MinGap}");
    }
}

/// <summary>A track's recognition template from its chosen frames: the plain mean of their unit embeddings and the mean
/// weighted by quality, both renormalised to unit length.</summary>
public sealed record TrackTemplate(float[] Mean, float[] QualityWeighted);

/// <summary>Ways to pick K observations of a track: by quality with a minimum gap (the method), uniformly in time and at
/// random (the baselines it is measured against).</summary>
public static class FrameSelection
{
    /// <summary>The K best observations by quality (ties: earlier frame), greedily skipping any closer than
    /// <see cref="SelectionOptions.MinGap"/> frames to one already chosen; returned in frame order. Observations
    /// whose quality could not be assessed are never chosen.</summary>
    public static IReadOnlyList<FaceObservation> Best(IReadOnlyList<FaceObservation> observations, SelectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var score = Aggregate(observations, options.ShortWindow, options.LongWindow);
        var ranked = Enumerable.Range(0, observations.Count).Where(i => !double.IsNaN(score[i]))
            .OrderByDescending(i => score[i]).ThenBy(i => observations[i].Frame).ThenBy(i => observations[i].Face)
            .Select(i => observations[i]).ToList();
        var chosen = new List<FaceObservation>();
        foreach (var o in ranked)
        {
            if (chosen.Count == options.Top) break;
            if (chosen.All(c => Math.Abs(c.Frame - o.Frame) >= options.MinGap)) chosen.Add(o);
        }
        return chosen.OrderBy(o => o.Frame).ToList();
    }

    /// <summary>The rank score of each observation: its quality, or the lower of the short- and long-window means of the
    /// assessed qualities around it (NaN where the observation itself was not assessed).</summary>
    public static double[] Aggregate(IReadOnlyList<FaceObservation> observations, int shortWindow, int longWindow)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var result = new double[observations.Count];
        for (int i = 0; i < result.Length; i++)
        {
            double q = observations[i].Quality;
            if (double.IsNaN(q) || (shortWindow == 0 && longWindow == 0)) { result[i] = q; continue; }
            double s = shortWindow > 0 ? WindowMean(observations, i, shortWindow) : q;
            double l = longWindow > 0 ? WindowMean(observations, i, longWindow) : double.PositiveInfinity;
            result[i] = Math.Min(s, l);
        }
        return result;
    }

    private static double WindowMean(IReadOnlyList<FaceObservation> observations, int centre, int halfWidth)
    {
        double sum = 0;
        int n = 0;
        for (int j = Math.Max(0, centre - halfWidth); j <= Math.Min(observations.Count - 1, centre + halfWidth); j++)
        {
            if (double.IsNaN(observations[j].Quality)) continue;
            sum += observations[j].Quality;
            n++;
        }
        return sum / n;
    }

    /// <summary>K observations evenly spaced through the track (the centre of each of K equal parts).</summary>
    public static IReadOnlyList<FaceObservation> Uniform(IReadOnlyList<FaceObservation> observations, int k)
    {
        ArgumentNullException.ThrowIfNull(observations);
        int n = observations.Count;
        if (k >= n) return observations.ToList();
        return Enumerable.Range(0, k).Select(i => observations[(int)((i + 0.5) * n / k)]).ToList();
    }

    /// <summary>K observations drawn without replacement by a seeded shuffle (reproducible for a seed), in frame order.</summary>
    public static IReadOnlyList<FaceObservation> Random(IReadOnlyList<FaceObservation> observations, int k, int seed)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var index = Enumerable.Range(0, observations.Count).ToArray();
        new Random(seed).Shuffle(index);
        return index.Take(k).Order().Select(i => observations[i]).ToList();
    }

    /// <summary>The template of <paramref name="picks"/>; quality weights are the raw scores clamped to ≥ 0.</summary>
    public static TrackTemplate Template(IReadOnlyList<FaceObservation> picks)
    {
        ArgumentNullException.ThrowIfNull(picks);
        if (picks.Count == 0) throw new ArgumentException("no observations to build a template from", nameof(picks));
        int d = picks[0].Embedding.Dimensions;
        var mean = new float[d];
        var weighted = new float[d];
        var scaled = new float[d];
        foreach (var p in picks)
        {
            TensorPrimitives.Add(mean, p.Embedding.Vector, mean);
            TensorPrimitives.Multiply(p.Embedding.Vector, (float)Math.Max(0, p.Quality), scaled);
            TensorPrimitives.Add(weighted, scaled, weighted);
        }
        Normalise(mean);
        if (TensorPrimitives.Norm(weighted) == 0) mean.CopyTo(weighted, 0); else Normalise(weighted);
        return new TrackTemplate(mean, weighted);
    }

    private static void Normalise(float[] v)
    {
        float n = TensorPrimitives.Norm(v);
        if (n > 0) TensorPrimitives.Divide(v, n, v);
    }
}

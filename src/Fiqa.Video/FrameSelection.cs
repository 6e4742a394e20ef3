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

    /// <summary>Throws for values out of range.</summary>
    public void Validate()
    {
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
        var ranked = observations.Where(o => !double.IsNaN(o.Quality))
            .OrderByDescending(o => o.Quality).ThenBy(o => o.Frame).ThenBy(o => o.Face).ToList();
        var chosen = new List<FaceObservation>();
        foreach (var o in ranked)
        {
            if (chosen.Count == options.Top) break;
            if (chosen.All(c => Math.Abs(c.Frame - o.Frame) >= options.MinGap)) chosen.Add(o);
        }
        return chosen.OrderBy(o => o.Frame).ToList();
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

using Fiqa.Face;
using Fiqa.Imaging;

namespace Fiqa.Quality.Unified;

/// <summary>FaceQAN's quality explanation (Babnik et al., IEEE TIFS 2023, Sec. "explainability"): where on the face the
/// recogniser's similarity is most sensitive — the attack's input gradients |∂(1 − cos)/∂pixel|, summed over the k·l
/// iterates and the colour channels — drawn as a heat map over the aligned crop.</summary>
public static class FaceQanExplanation
{
    /// <summary>Probes the face of an analysis (aligned crop and embedding needed) with <paramref name="method"/>,
    /// measuring the symmetry term with <paramref name="embedder"/>.</summary>
    public static FaceQanProbe Probe(FaceQan method, IFaceEmbedder embedder, FaceAnalysis face)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(face);
        var aligned = face.Aligned?.Image ?? throw new ArgumentException("the analysis has no aligned face", nameof(face));
        var pass = face.Pass ?? throw new ArgumentException("the analysis has no embedding", nameof(face));
        double symmetry = embedder.Embed(Orientation.FlipHorizontal(aligned)).CosineSimilarity(pass.Embedding);
        return method.Probe(aligned, [.. pass.RawEmbedding], symmetry);
    }

    /// <summary>The crop (greyed, so the colours read as the map) under the attribution normalised to its 99th
    /// percentile, in a black–red–yellow–white ramp, enlarged <paramref name="scale"/> times (nearest neighbour).</summary>
    /// <param name="aligned">The aligned crop the attribution belongs to.</param>
    /// <param name="attribution">One value per crop pixel, row-major, ≥ 0.</param>
    /// <param name="scale">Enlargement, 1..16.</param>
    public static RgbImage HeatMap(RgbImage aligned, ReadOnlySpan<float> attribution, int scale = 4)
    {
        ArgumentNullException.ThrowIfNull(aligned);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, 16);
        int w = aligned.Width, h = aligned.Height;
        if (attribution.Length != w * h) throw new ArgumentException($"attribution has {attribution.Length} values, the crop {w * h} pixels");
        // The 99th percentile, not the maximum: a few saturated pixels would otherwise leave the rest of the map dark.
        var sorted = attribution.ToArray();
        Array.Sort(sorted);
        float top = Math.Max(sorted[(int)(0.99 * (sorted.Length - 1))], float.Epsilon);
        var map = new RgbImage(w * scale, h * scale);
        var src = aligned.Pixels;
        var dst = map.Pixels;
        for (int y = 0; y < h * scale; y++)
            for (int x = 0; x < w * scale; x++)
            {
                int i = (y / scale) * w + x / scale;
                double t = Math.Clamp(attribution[i] / top, 0, 1);
                double grey = (0.299 * src[3 * i] + 0.587 * src[3 * i + 1] + 0.114 * src[3 * i + 2]) / 255;
                // Ramp: black → red (t = 1/3) → yellow (2/3) → white (1).
                double r = Math.Clamp(3 * t, 0, 1), g = Math.Clamp(3 * t - 1, 0, 1), b = Math.Clamp(3 * t - 2, 0, 1);
                const double alpha = 0.65; // share of the map over the greyed crop
                int o = 3 * (y * w * scale + x);
                dst[o] = (byte)Math.Round(255 * (alpha * r + (1 - alpha) * grey));
                dst[o + 1] = (byte)Math.Round(255 * (alpha * g + (1 - alpha) * grey));
                dst[o + 2] = (byte)Math.Round(255 * (alpha * b + (1 - alpha) * grey));
            }
        return map;
    }
}

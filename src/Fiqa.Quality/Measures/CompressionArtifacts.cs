using Fiqa.Imaging;

namespace Fiqa.Quality.Measures;

/// <summary>ISO/IEC 29794-5 CompressionArtifacts. OFIQ v1.0.3 uses a CNN we do not have; ours is a JPEG-equivalent
/// quality, the lower of two estimates: the IJG quality of the file's own luminance quantisation table when it is a
/// JPEG, and one from the pixels — 8×8 blockiness around the face, how much larger the luminance steps across block
/// boundaries are than the steps inside blocks, as 100·exp(−1.5·blockiness) — which also sees JPEG damage in a file
/// re-saved losslessly. Blur and noise lower blockiness or leave it, so they never read as compression.</summary>
public sealed class CompressionArtifacts : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("CompressionArtifacts", "fidelity",
        "JPEG-equivalent quality 0..100: min(quality of the file's quantisation table, 100·exp(−1.5·blockiness of the face box))",
        MeasureNeeds.Image, MappingTable.Default.Measure("CompressionArtifacts"),
        "Quantisation-table quality and analytic 8×8 blockiness (grid from the image origin) instead of OFIQ's CNN; blind to non-JPEG codecs.");

    // exp(−1.5·b): b = 0 (no block edges) reads as quality 100; b ≈ 0.8, typical of quality ≤ 10, reads as ≈ 30.
    private const double BlockinessDecay = 1.5;

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        var region = face.Detection.Box.ToPixelRect(face.Image.Width, face.Image.Height);
        if (region.Width < 24 || region.Height < 24) return MeasureResult.Failure("face box smaller than 24 px: too few 8×8 blocks");
        // Grey levels of the face box only; coordinates stay absolute so the 8×8 grid is the encoder's.
        int w = region.Width;
        var g = new byte[region.Width * region.Height];
        for (int y = 0; y < region.Height; y++)
            ColorConversion.ToGray(face.Image.Row(region.Y + y).Slice(region.X * 3, w * 3), g.AsSpan(y * w, w));
        double bh = 0, ih = 0, bv = 0, iv = 0;
        long nbh = 0, nih = 0, nbv = 0, niv = 0;
        for (int y = region.Y; y < region.Bottom - 1; y++)
            for (int x = region.X; x < region.Right - 1; x++)
            {
                int o = (y - region.Y) * w + (x - region.X);
                double dx = Math.Abs(g[o] - g[o + 1]), dy = Math.Abs(g[o] - g[o + w]);
                if (x % 8 == 7) { bh += dx; nbh++; } else { ih += dx; nih++; }
                if (y % 8 == 7) { bv += dy; nbv++; } else { iv += dy; niv++; }
            }
        if (nbh == 0 || nbv == 0) return MeasureResult.Failure("no block boundary inside the face box");
        double inside = (ih / nih + iv / niv) / 2;
        if (inside < 1e-6) return MeasureResult.Failure("flat face region: blockiness undefined");
        double blockiness = Math.Max(0, (bh / nbh + bv / nbv) / 2 / inside - 1);
        double quality = 100 * Math.Exp(-BlockinessDecay * blockiness);
        if (face.Image.JpegQuality is int tables) quality = Math.Min(quality, tables);
        return Descriptor.Result(quality);
    }
}

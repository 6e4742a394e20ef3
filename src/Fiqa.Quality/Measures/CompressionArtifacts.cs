using Fiqa.Imaging;

namespace Fiqa.Quality.Measures;

/// <summary>ISO/IEC 29794-5 CompressionArtifacts. OFIQ v1.0.3 uses a CNN we do not have; ours measures JPEG
/// blockiness around the face in the original pixels: how much larger the luminance steps across 8×8 block
/// boundaries are than the steps inside blocks (1 = no blocking).</summary>
public sealed class CompressionArtifacts : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("CompressionArtifacts", "fidelity",
        "blockiness: mean |step| across 8-px block boundaries / mean |step| inside blocks − 1, face box, both directions",
        MeasureNeeds.Image, SigmoidMapping.Inverted(0.25, 0.08),
        "Analytic 8×8 blockiness on the original image (grid from the image origin) instead of OFIQ's CNN; blind to non-JPEG codecs.");

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
        double ratio = (bh / nbh + bv / nbv) / 2 / inside;
        return Descriptor.Result(Math.Max(0, ratio - 1));
    }
}

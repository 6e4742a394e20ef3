using Fiqa.Imaging;

namespace Fiqa.Quality.Measures;

/// <summary>ISO/IEC 29794-5 Sharpness. OFIQ v1.0.3 feeds 26 Laplacian/Sobel/blur statistics to a random forest we do
/// not have; ours is the mean absolute Laplacian of the portrait luminance inside the face region, a standard
/// focus measure (Pertuz et al. 2013, "LAP2"-family), divided by the region's mean luminance so that exposure does
/// not read as blur, with its own mapping calibrated on the installed photos.</summary>
public sealed class Sharpness : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("Sharpness", "fidelity",
        "mean |Laplacian| / mean luminance over the face region of the canonical portrait, ×100", MeasureNeeds.Landmarks,
        new SigmoidMapping(X0Sharpness, WSharpness),
        "Contrast-normalised Laplacian focus measure instead of OFIQ's random forest; own mapping.");

    private const double X0Sharpness = 1.6, WSharpness = 0.4;

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        var lum = face.PortraitLuminance;
        var lap = Filters.Laplacian(lum).Values;
        var mask = face.FaceRegion;
        double sum = 0, brightness = 0;
        long n = 0;
        for (int i = 0; i < lap.Length; i++)
        {
            if (!mask[i]) continue;
            sum += Math.Abs(lap[i]);
            brightness += lum.Values[i];
            n++;
        }
        if (n == 0) return MeasureResult.Failure("the face region lies outside the image");
        if (brightness / n < 2) return MeasureResult.Failure("face region practically black");
        return Descriptor.Result(100 * sum / brightness);
    }
}

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

/// <summary>ISO/IEC 29794-5 BackgroundUniformity: mean gradient magnitude of the background.</summary>
public sealed class BackgroundUniformity : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("BackgroundUniformity", "character",
        "mean Sobel gradient magnitude of portrait luminance over the background", MeasureNeeds.Landmarks,
        SigmoidMapping.Inverted(10, 100, 190),
        "Background = portrait pixels from inside the image, outside the face outline grown 1.6× (head and hair), above the chin (OFIQ: parsing class background).");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        var lm = face.Portrait.Landmarks;
        var outline = FaceContext.FaceOutline(lm);
        var centre = outline.Aggregate(System.Numerics.Vector2.Zero, (s, p) => s + p) / outline.Length;
        // Grow about a centre raised towards the crown so the hair falls inside the head region.
        centre.Y -= 0.25f * (lm[8].Y - centre.Y);
        var head = PolygonMask.Fill(outline.Select(p => centre + (p - centre) * 1.6f).ToArray(), FaceContext.PortraitSize, FaceContext.PortraitSize);
        var inside = face.Portrait.Inside;
        float chin = lm[8].Y;
        var grad = Filters.SobelMagnitude(face.PortraitLuminance).Values;
        double sum = 0;
        long n = 0;
        for (int y = 0; y < (int)chin && y < FaceContext.PortraitSize; y++)
            for (int x = 0; x < FaceContext.PortraitSize; x++)
            {
                int i = y * FaceContext.PortraitSize + x;
                if (!inside[i] || head[i]) continue;
                sum += grad[i];
                n++;
            }
        return n < 100 ? MeasureResult.Failure("too little background visible around the head") : Descriptor.Result(sum / n);
    }
}

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

using Fiqa.Imaging;
namespace Fiqa.Quality.Measures;

// Eyes and mouth (OFIQ v1.0.3 EyesOpen.cpp, MouthClosed.cpp use ADNet's 98 points). MouthClosed uses the 68-point
// inner-lip pairs 61–67, 62–66, 63–65.

/// <summary>ISO/IEC 29794-5 EyesOpen. OFIQ measures eyelid gaps on ADNet's 98 points; our 68-point model (64×64 input)
/// cannot resolve the lids (a shut eye still shows a gap of 0.04 T), so the native value is the eye-state model's
/// open probability of the less open eye. The CNN calls eyes it cannot see "closed"; so when the eye zones are too dark
/// (mean linear luminance under <see cref="MinEyeLuminance"/>) or the face too blurred (Sharpness raw under
/// <see cref="MinSharpness"/>, about a σ = 3 px blur of a 100-px face), the result is failure to assess with the
/// reason, not "closed".</summary>
public sealed class EyesOpen : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("EyesOpen", "character",
        "min over both eyes of P(open) from the eye-state model, 0..1", MeasureNeeds.Eyes,
        MappingTable.Default.Measure("EyesOpen"),
        "Eye-state CNN on 24×24 eye crops instead of OFIQ's eyelid distance / T with 98 landmarks (68-point lids are too coarse).");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        var lum = face.PortraitLuminance.Values;
        double sum = 0;
        long n = 0;
        foreach (var first in (ReadOnlySpan<bool>)[true, false])
        {
            var zone = Zones.Eye(face, first);
            var (zoneFrom, zoneTo) = PolygonMask.Extent(zone);
            for (int i = zoneFrom; i < zoneTo; i++)
                if (zone[i]) { sum += lum[i]; n++; }
        }
        if (n == 0) return Zones.EmptyZone;
        double eyeLuminance = sum / n / 255;
        if (eyeLuminance < MinEyeLuminance)
            return MeasureResult.Failure(FormattableString.Invariant($"eye region too dark to judge (mean luminance {eyeLuminance:F3} < {MinEyeLuminance})"));
        if (Sharpness.Contrast(face) is double sharpness && sharpness < MinSharpness)
            return MeasureResult.Failure(FormattableString.Invariant($"face too blurred to judge the eyes (Sharpness {sharpness:F2} < {MinSharpness})"));
        return Descriptor.Result(Math.Min(face.Eyes.Left, face.Eyes.Right));
    }

    /// <summary>Mean linear luminance (0..1) of the eye zones below which the eye state is not judged.</summary>
    public const double MinEyeLuminance = 0.02;

    /// <summary>Sharpness raw value below which the eye state is not judged.</summary>
    public const double MinSharpness = 0.3;
}

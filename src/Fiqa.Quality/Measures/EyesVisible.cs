namespace Fiqa.Quality.Measures;

// Occlusion components. OFIQ v1.0.3 segments occlusions with a dedicated network (and BiSeNet parsing for head
// coverings); neither is available here, so these are analytic estimates on the canonical portrait:
// - eye zones: pixels far darker than the face's median luminance (dark bars, sunglasses) or saturated (glare);
// - mouth, face, forehead: pixels whose chroma is not skin or lip (masks, hands, hats, scarves).
// Chroma-based estimates need colour: on greyscale images they report failure to assess.

/// <summary>ISO/IEC 29794-5 EyesVisible: occluded share of the eye zones.</summary>
public sealed class EyesVisible : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("EyesVisible", "character",
        "largest occluded fraction of the two eye zones", MeasureNeeds.Landmarks,
        MappingTable.Default.Measure("EyesVisible"),
        "Eye zone = eye contour grown 1.5× in the portrait; occluded = luminance below 0.1× the face median or above 250 (OFIQ: occlusion segmentation network).");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        if (face.FaceLuminanceHistogram is not { } h) return Zones.EmptyZone;
        double cumulative = 0;
        int median = 0;
        while (median < 255 && (cumulative += h[median]) < 0.5) median++;
        float dark = 0.1f * median;
        double worst = 0;
        foreach (var first in new[] { true, false })
        {
            var zone = Zones.Eye(face, first);
            long n = 0, occluded = 0;
            var lum = face.PortraitLuminance.Values;
            for (int i = 0; i < zone.Length; i++)
            {
                if (!zone[i]) continue;
                n++;
                if (lum[i] < dark || lum[i] > 250) occluded++;
            }
            if (n == 0) return Zones.EmptyZone;
            worst = Math.Max(worst, (double)occluded / n);
        }
        return Descriptor.Result(worst);
    }
}

using Fiqa.Imaging;

namespace Fiqa.Quality.Measures;

// Cheek-based components (OFIQ v1.0.3 IlluminationUniformity.cpp, NaturalColour.cpp). OFIQ's cheek zones come from
// its 98 landmarks; ours are the 68-point polygons below the eyes, between the jaw and the nose.

/// <summary>ISO/IEC 29794-5 IlluminationUniformity: overlap of the two cheeks' luminance histograms.</summary>
public sealed class IlluminationUniformity : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("IlluminationUniformity", "fidelity",
        "Σ bin-wise min of the normalised luminance histograms of the two cheek zones (0..1)", MeasureNeeds.Landmarks,
        MappingTable.Default.Measure("IlluminationUniformity"), "As OFIQ with 68-point cheek zones.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        var left = RegionStatistics.Histogram(face.PortraitLuminance, Cheeks.Zone(face, true));
        var right = RegionStatistics.Histogram(face.PortraitLuminance, Cheeks.Zone(face, false));
        if (left is null || right is null) return MeasureResult.Failure("a cheek zone lies outside the image");
        double overlap = 0;
        for (int i = 0; i < 256; i++) overlap += Math.Min(left[i], right[i]);
        return Descriptor.Result(overlap);
    }
}

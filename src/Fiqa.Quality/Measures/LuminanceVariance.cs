namespace Fiqa.Quality.Measures;

// The luminance family (OFIQ v1.0.3 Luminance.cpp, UnderExposurePrevention.cpp, OverExposurePrevention.cpp,
// DynamicRange.cpp): statistics of the luminance histogram inside the face region of the canonical portrait.
// OFIQ's face region comes from its BiSeNet parsing; ours is the landmark outline (jaw line and eyebrows).

/// <summary>ISO/IEC 29794-5 LuminanceVariance: variance of face luminance (fractions of 255).</summary>
public sealed class LuminanceVariance : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("LuminanceVariance", "fidelity",
        "variance of the face-region luminance histogram (values as fractions of 255)", MeasureNeeds.Landmarks,
        MappingTable.Default.Measure("LuminanceVariance"),
        "Same region and luminance as LuminanceMean.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) =>
        FaceHistogram.Of(face) is { } h ? Descriptor.Result(RegionStatistics.Variance(h)) : FaceHistogram.Empty;
}

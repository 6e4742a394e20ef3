namespace Fiqa.Quality.Measures;

// The luminance family (OFIQ v1.0.3 Luminance.cpp, UnderExposurePrevention.cpp, OverExposurePrevention.cpp,
// DynamicRange.cpp): statistics of the luminance histogram inside the face region of the canonical portrait.
// OFIQ's face region comes from its BiSeNet parsing; ours is the landmark outline (jaw line and eyebrows).

/// <summary>ISO/IEC 29794-5 UnderExposurePrevention: share of very dark face pixels.</summary>
public sealed class UnderExposurePrevention : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("UnderExposurePrevention", "fidelity",
        "fraction of face-region luminance in [0, 25]", MeasureNeeds.Landmarks,
        MappingTable.Default.Measure("UnderExposurePrevention"),
        "Same region and luminance as LuminanceMean.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) =>
        FaceHistogram.Of(face) is { } h ? Descriptor.Result(RegionStatistics.Mass(h, 0, 25)) : FaceHistogram.Empty;
}

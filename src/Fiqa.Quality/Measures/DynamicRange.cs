namespace Fiqa.Quality.Measures;

// The luminance family (OFIQ v1.0.3 Luminance.cpp, UnderExposurePrevention.cpp, OverExposurePrevention.cpp,
// DynamicRange.cpp): statistics of the luminance histogram inside the face region of the canonical portrait.
// OFIQ's face region comes from its BiSeNet parsing; ours is the landmark outline (jaw line and eyebrows).

/// <summary>ISO/IEC 29794-5 DynamicRange: entropy of face luminance.</summary>
public sealed class DynamicRange : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("DynamicRange", "fidelity",
        "Shannon entropy of the face-region luminance histogram, bits (0..8)", MeasureNeeds.Landmarks,
        MappingTable.Default.Measure("DynamicRange"),
        "Same region and luminance as LuminanceMean.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) =>
        FaceHistogram.Of(face) is { } h ? Descriptor.Result(RegionStatistics.Entropy(h)) : FaceHistogram.Empty;
}

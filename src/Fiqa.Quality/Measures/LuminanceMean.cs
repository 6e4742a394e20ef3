namespace Fiqa.Quality.Measures;

// The luminance family (OFIQ v1.0.3 Luminance.cpp, UnderExposurePrevention.cpp, OverExposurePrevention.cpp,
// DynamicRange.cpp): statistics of the luminance histogram inside the face region of the canonical portrait.
// OFIQ's face region comes from its BiSeNet parsing; ours is the landmark outline (jaw line and eyebrows).

/// <summary>ISO/IEC 29794-5 LuminanceMean: mean face luminance as a fraction of 255. The value is linear light, where a
/// well-exposed face lies near 0.2 (sRGB ≈ 0.5); the mapping is Fiqa's, set on the calibration identities' exposure
/// ladder (docs/measures.md): full marks from ≈ 0.13 to ≈ 0.6, half at 0.08 (a gain of ≈ 0.4 on a typical face).</summary>
public sealed class LuminanceMean : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("LuminanceMean", "fidelity",
        "mean of the face-region luminance histogram, 0..1", MeasureNeeds.Landmarks,
        MappingTable.Default.Measure("LuminanceMean"),
        "Linearised-sRGB luminance Y·255 of the canonical portrait inside the landmark face outline (OFIQ: parsing mask).");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) =>
        FaceHistogram.Of(face) is { } h ? Descriptor.Result(RegionStatistics.Mean(h)) : FaceHistogram.Empty;
}

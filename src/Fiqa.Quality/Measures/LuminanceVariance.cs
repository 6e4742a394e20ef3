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
        new FormulaMapping("100·sin(π·60x / (60x + 1))", x => 100 * Math.Sin(Math.PI * 60 * x / (60 * x + 1))),
        "Same region and luminance as LuminanceMean.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) =>
        FaceHistogram.Of(face) is { } h ? Descriptor.Result(RegionStatistics.Variance(h)) : FaceHistogram.Empty;
}

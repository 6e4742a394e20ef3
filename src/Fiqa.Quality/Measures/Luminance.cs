namespace Fiqa.Quality.Measures;

// The luminance family (OFIQ v1.0.3 Luminance.cpp, UnderExposurePrevention.cpp, OverExposurePrevention.cpp,
// DynamicRange.cpp): statistics of the luminance histogram inside the face region of the canonical portrait.
// OFIQ's face region comes from its BiSeNet parsing; ours is the landmark outline (jaw line and eyebrows).

/// <summary>ISO/IEC 29794-5 LuminanceMean: mean face luminance as a fraction of 255.</summary>
public sealed class LuminanceMean : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("LuminanceMean", "fidelity",
        "mean of the face-region luminance histogram, 0..1", MeasureNeeds.Landmarks,
        new FormulaMapping("100·σ(x; 0.2, 0.05)·(1 − σ(x; 0.8, 0.05))",
            x => 100 * QualityMapping.Sigmoid(x, 0.2, 0.05) * (1 - QualityMapping.Sigmoid(x, 0.8, 0.05))),
        "Linearised-sRGB luminance Y·255 of the canonical portrait inside the landmark face outline (OFIQ: parsing mask).");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) =>
        FaceHistogram.Of(face) is { } h ? Descriptor.Result(RegionStatistics.Mean(h)) : FaceHistogram.Empty;
}

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

/// <summary>ISO/IEC 29794-5 UnderExposurePrevention: share of very dark face pixels.</summary>
public sealed class UnderExposurePrevention : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("UnderExposurePrevention", "fidelity",
        "fraction of face-region luminance in [0, 25]", MeasureNeeds.Landmarks,
        new SigmoidMapping(0.92, 0.05, H: 120, A: 0.832, S: -1),
        "Same region and luminance as LuminanceMean.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) =>
        FaceHistogram.Of(face) is { } h ? Descriptor.Result(RegionStatistics.Mass(h, 0, 25)) : FaceHistogram.Empty;
}

/// <summary>ISO/IEC 29794-5 OverExposurePrevention: share of saturated face pixels.</summary>
public sealed class OverExposurePrevention : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("OverExposurePrevention", "fidelity",
        "fraction of face-region luminance in [247, 255]", MeasureNeeds.Landmarks,
        new FormulaMapping("1 / (x + 0.01)", x => 1 / (x + 0.01)),
        "Same region and luminance as LuminanceMean.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) =>
        FaceHistogram.Of(face) is { } h ? Descriptor.Result(RegionStatistics.Mass(h, 247, 255)) : FaceHistogram.Empty;
}

/// <summary>ISO/IEC 29794-5 DynamicRange: entropy of face luminance.</summary>
public sealed class DynamicRange : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("DynamicRange", "fidelity",
        "Shannon entropy of the face-region luminance histogram, bits (0..8)", MeasureNeeds.Landmarks,
        new FormulaMapping("12.5·x", x => 12.5 * x),
        "Same region and luminance as LuminanceMean.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) =>
        FaceHistogram.Of(face) is { } h ? Descriptor.Result(RegionStatistics.Entropy(h)) : FaceHistogram.Empty;
}

internal static class FaceHistogram
{
    public static MeasureResult Empty { get; } = MeasureResult.Failure("the face region lies outside the image");

    public static double[]? Of(FaceContext face) => face.FaceLuminanceHistogram;
}

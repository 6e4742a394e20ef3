namespace Fiqa.Quality.Measures;

/// <summary>ISO/IEC 29794-5 UnifiedQualityScore. OFIQ uses the MagFace magnitude; until the unified-score methods
/// land, Fiqa uses the embedding norm of its FR model, mapped with its own calibration.</summary>
public sealed class UnifiedQualityScore : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("UnifiedQualityScore", "utility",
        "L2 norm of the raw embedding of the default FR model", MeasureNeeds.Embedding, new SigmoidMapping(2.9, 0.3),
        "Embedding-magnitude proxy (AdaFace-style) instead of MagFace; own mapping, 50 at norm 2.9.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Descriptor.Result(face.Embedding.Norm);
}

namespace Fiqa.Quality.Measures;

/// <summary>ISO/IEC 29794-5 ExpressionNeutrality from the expression model's neutral probability (OFIQ v1.0.3: AdaBoost
/// over two HSEmotion embeddings, not available here).</summary>
public sealed class ExpressionNeutrality : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("ExpressionNeutrality", "character",
        "probability of the \"neutral\" class, 0..1", MeasureNeeds.Expression, new SigmoidMapping(0.35, 0.1),
        "7-class expression model (FER order); own mapping, 50 at P(neutral) = 0.35.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) =>
        face.Expression.TryGetValue("neutral", out var p) ? Descriptor.Result(p) : MeasureResult.Failure("the expression model has no \"neutral\" class");
}

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

/// <summary>Presentation-attack detection as a quality component (not part of ISO/IEC 29794-5; reported beside it).</summary>
public sealed class Liveness : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("Liveness", "character",
        "probability that the capture is live, 0..1", MeasureNeeds.Liveness,
        new FormulaMapping("100·x", x => 100 * x), "Silent-Face-style liveness model on the face box grown 2.7×.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Descriptor.Result(face.Liveness);
}

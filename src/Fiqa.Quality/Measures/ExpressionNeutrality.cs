namespace Fiqa.Quality.Measures;

/// <summary>ISO/IEC 29794-5 ExpressionNeutrality from the expression model's neutral probability (OFIQ v1.0.3: AdaBoost
/// over two HSEmotion embeddings, not available here).</summary>
public sealed class ExpressionNeutrality : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("ExpressionNeutrality", "character",
        "probability of the \"neutral\" class, 0..1", MeasureNeeds.Expression, MappingTable.Default.Measure("ExpressionNeutrality"),
        "7-class expression model (FER order); own mapping, 50 at P(neutral) = 0.35.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) =>
        face.Expression.TryGetValue("neutral", out var p) ? Descriptor.Result(p) : MeasureResult.Failure("the expression model has no \"neutral\" class");
}

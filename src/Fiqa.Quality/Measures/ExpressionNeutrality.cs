namespace Fiqa.Quality.Measures;

/// <summary>ISO/IEC 29794-5 ExpressionNeutrality: P(neutral) from the expression network and the mouth's shape in the
/// landmarks (<see cref="ExpressionFusion"/>). OFIQ v1.0.3 runs AdaBoost over two HSEmotion embeddings, not available
/// here.</summary>
public sealed class ExpressionNeutrality : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("ExpressionNeutrality", "character",
        "probability of a neutral expression, 0..1", MeasureNeeds.Expression, MappingTable.Default.Measure("ExpressionNeutrality"),
        "7-class expression model (FER order) fused with the mouth's width, corner lift and opening and the jaw's drop from the landmarks; fitted on labelled LFW photos.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        if (!face.Expression.TryGetValue("neutral", out var network)) return MeasureResult.Failure("the expression model has no \"neutral\" class");
        double p = ExpressionFusion.Default.NeutralProbability(network, face.Landmarks);
        return double.IsFinite(p) ? Descriptor.Result(p) : MeasureResult.Failure("degenerate landmarks: the eye centres coincide");
    }
}

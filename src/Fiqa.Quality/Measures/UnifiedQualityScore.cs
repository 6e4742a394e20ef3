using Fiqa.Face;
using Fiqa.Quality.Unified;

namespace Fiqa.Quality.Measures;

/// <summary>ISO/IEC 29794-5 UnifiedQualityScore. OFIQ uses the MagFace magnitude; Fiqa uses its <c>distilled</c>
/// method — a quality head on the default FR model's activation norms, trained by <c>fiqa train-quality</c> on
/// perturbation robustness labels (see <see cref="DistilledQuality"/>). Other unified methods: <c>assess --unified</c>.</summary>
public sealed class UnifiedQualityScore(QualitySettings settings) : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("UnifiedQualityScore", "utility",
        "output of the distilled quality head (≈0..1)", MeasureNeeds.Embedding, MappingTable.Default.Measure("UnifiedQualityScore"),
        "eDifFIQA-style head distilled from perturbation robustness (DifFIQA's forward-only part) instead of MagFace; " +
        "the head file comes from provisioning (scripts/provision-quality-head.sh).");

    private readonly DistilledQuality _method = new(settings);

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public IReadOnlyList<TensorObservation> Observations => _method.Observations;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        var score = _method.Score(face);
        return score.Raw is double raw ? Descriptor.Result(raw) : score;
    }
}

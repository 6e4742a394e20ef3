namespace Fiqa.Quality.Unified;

/// <summary><c>distilled</c>: an eDifFIQA-style quality head (see <see cref="QualityHead"/>) on the activation norms of
/// one embedder pass (the observed tensors' L1 norms, reduced inside the graph), so it costs one embedding pass with
/// extra reductions plus one small MLP. The head file comes from <c>fiqa train-quality</c>; provisioning trains the
/// default one (<see cref="DefaultFileName"/> in the models folder).</summary>
public sealed class DistilledQuality(string? headPath = null) : IUnifiedQualityMethod, IProvidesEmbedding, IDisposable
{
    /// <summary>The default head's file name, in the models folder.</summary>
    public const string DefaultFileName = "fiqa_quality_head.json";

    /// <summary>The command that (re)creates the default head.</summary>
    public const string TrainCommand = "scripts/provision-quality-head.sh";

    /// <summary>The descriptor. The scalar is 100 × the head's output clamped to [0, 1]: the output estimates the
    /// teacher's label min–max normalised over the training set (0 = the worst training sample, 1 = the best).</summary>
    public static UnifiedMethodDescriptor Info { get; } = new("distilled",
        "eDifFIQA-style MLP on the embedder's activation norms, trained on teacher labels (≈0..1)", new FormulaMapping("100·clamp(x, 0, 1)", x => 100 * x), "Babnik et al. 2024 (eDifFIQA)");

    private readonly Lock _lock = new();
    private QualityHead? _head;
    private Face.Onnx.OnnxActivationObserver? _observer;

    /// <inheritdoc />
    public UnifiedMethodDescriptor Descriptor => Info;

    /// <inheritdoc />
    public UnifiedScore Score(FaceContext face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var (head, observer) = Load(face);
        double q = head.Predict(QualityHead.Features([.. face.Observe(observer)]));
        return new UnifiedScore(q, Info.Mapping.ToScalar(q));
    }

    private (QualityHead, Face.Onnx.OnnxActivationObserver) Load(FaceContext face)
    {
        lock (_lock)
        {
            if (_head is not null) return (_head, _observer!);
            var (head, manifest) = EmbedderBoundFile.Load(face, headPath, DefaultFileName, QualityHead.Load, h => h.EmbedderSha256, "trained",
                $"Train the default quality head with: {TrainCommand} (or fiqa train-quality)", "train a head for it with fiqa train-quality");
            _observer = new Face.Onnx.OnnxActivationObserver(manifest, head.ObservedTensors, face.AnalyzerOptions.Session, Face.Onnx.ActivationStatistic.L1);
            _head = head;
            return (_head, _observer);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _observer?.Dispose();
}

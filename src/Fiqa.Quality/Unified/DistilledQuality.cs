using Fiqa.Face;

namespace Fiqa.Quality.Unified;

/// <summary><c>distilled</c>: an eDifFIQA-style quality head (see <see cref="QualityHead"/>) on what the face's embedder
/// pass yields (the observed tensors' L1 norms reduced inside the graph, the embedding norm, SER-FIQ's dropout score on
/// the penultimate tensor), so it costs the reductions, the dropout re-runs of the last layer and one small MLP. The head file comes from <c>fiqa train-quality</c>; provisioning trains the default one
/// (<see cref="DefaultFileName"/> in the models folder).</summary>
public sealed class DistilledQuality : IUnifiedQualityMethod
{
    /// <summary>The default head's file name, in the models folder.</summary>
    public const string DefaultFileName = "fiqa_quality_head.json";

    /// <summary>The command that (re)creates the default head.</summary>
    public const string TrainCommand = "scripts/provision-quality-head.sh";

    /// <summary>The descriptor. By default the scalar is 100 × the head's output clamped to [0, 1]: the output estimates
    /// the teacher's label min–max normalised over the training set (0 = the worst training sample, 1 = the best).</summary>
    public static UnifiedMethodDescriptor Info { get; } = new("distilled",
        "eDifFIQA-style MLP on the embedder pass (activation norms, embedding norm, SER-FIQ), trained on recognition-grounded teachers (≈0..1)", MappingTable.Default.Method("distilled"), "Babnik et al. 2024 (eDifFIQA)");

    private readonly QualityHead _head;
    private readonly HeadInputs _inputs;

    /// <summary>Loads the head (settings' file, else the default in the models folder) and checks it was trained on the
    /// settings' embedder.</summary>
    public DistilledQuality(QualitySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _head = EmbedderBoundFile.Load(settings, settings.Methods.QualityHead, DefaultFileName, QualityHead.Load, h => h.EmbedderSha256, "trained",
            $"Train the default quality head with: {TrainCommand} (or fiqa train-quality)", "train a head for it with fiqa train-quality");
        _inputs = HeadInputs.For(_head, settings.Embedder);
        Descriptor = settings.Mapped(Info);
    }

    /// <summary>The head in use.</summary>
    public QualityHead Head => _head;

    /// <inheritdoc />
    public UnifiedMethodDescriptor Descriptor { get; }

    /// <inheritdoc />
    public IReadOnlyList<TensorObservation> Observations => _inputs.Observations;

    /// <inheritdoc />
    public MeasureResult Score(FaceContext face)
    {
        ArgumentNullException.ThrowIfNull(face);
        double q = _head.Predict(_inputs.Features(face.Pass));
        return Descriptor.Result(q);
    }
}

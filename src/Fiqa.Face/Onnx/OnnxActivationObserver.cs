using Fiqa.Face.Models;
using Fiqa.Imaging;

namespace Fiqa.Face.Onnx;

/// <summary>The embedder with intermediate tensors exposed as extra outputs, returning the L2 (Frobenius) norm of each
/// for an aligned face — what FROQ observes. Without a tensor list every activation-producing node output is observed
/// (for calibration); a calibrated method passes its few chosen tensors.</summary>
public sealed class OnnxActivationObserver : IDisposable
{
    // Operators whose outputs are activations (not shapes, constants or indices).
    private static readonly HashSet<string> ActivationOps = new(StringComparer.Ordinal)
    {
        "Conv", "BatchNormalization", "PRelu", "Relu", "LeakyRelu", "Sigmoid", "Add", "Mul", "Gemm", "MatMul",
        "Flatten", "MaxPool", "AveragePool", "GlobalAveragePool", "Concat",
    };

    private readonly OnnxModel _model;

    /// <summary>Opens the embedder a manifest describes with the given tensors (default: every candidate) as outputs.</summary>
    public OnnxActivationObserver(ModelManifest manifest, IReadOnlyList<string>? tensors = null, OnnxSessionOptions? session = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var bytes = File.ReadAllBytes(manifest.ModelPath);
        var candidates = CandidateTensors(bytes, manifest.Outputs);
        if (tensors is not null)
        {
            var known = candidates.ToHashSet(StringComparer.Ordinal);
            var missing = tensors.Where(t => !known.Contains(t)).ToList();
            if (missing.Count > 0)
                throw new ModelConfigurationException($"{manifest.Name}: no activation tensor named {string.Join(", ", missing.Select(m => $"'{m}'"))} (calibrated for another model?)");
        }
        Tensors = tensors ?? candidates;
        if (Tensors.Count == 0) throw new ModelConfigurationException($"{manifest.Name}: no activation tensors to observe");
        _model = new OnnxModel(manifest, session, [manifest.Outputs[0], .. Tensors], OnnxGraph.WithExtraOutputs(bytes, Tensors));
    }

    /// <summary>Observed tensors, in the order of <see cref="Norms"/>.</summary>
    public IReadOnlyList<string> Tensors { get; }

    /// <summary>Outputs of activation-producing nodes, in graph order, excluding the model's own outputs.</summary>
    public static IReadOnlyList<string> CandidateTensors(byte[] model, IReadOnlyList<string> modelOutputs)
    {
        var excluded = modelOutputs.ToHashSet(StringComparer.Ordinal);
        return OnnxGraph.Nodes(model).Where(n => ActivationOps.Contains(n.OpType))
            .SelectMany(n => n.Outputs).Where(o => o.Length > 0 && !excluded.Contains(o)).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The L2 norm of every observed tensor for an aligned face.</summary>
    public double[] Norms(RgbImage alignedFace)
    {
        var outputs = _model.Run(InputTensor.FromImage(alignedFace, _model.Manifest.Input));
        var norms = new double[Tensors.Count];
        for (int i = 0; i < norms.Length; i++) norms[i] = System.Numerics.Tensors.TensorPrimitives.Norm(outputs[i + 1]);
        return norms;
    }

    /// <inheritdoc />
    public void Dispose() => _model.Dispose();
}

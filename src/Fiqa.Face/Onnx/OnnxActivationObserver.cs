using Fiqa.Face.Models;
using Fiqa.Imaging;

namespace Fiqa.Face.Onnx;

/// <summary>A whole-tensor statistic of an activation, computed inside the ONNX graph.</summary>
public enum ActivationStatistic
{
    /// <summary>L2 (Frobenius) norm — what FROQ observes (ONNX ReduceL2).</summary>
    L2,
    /// <summary>L1 norm, the sum of absolute values (ONNX ReduceL1).</summary>
    L1,
}

/// <summary>The embedder with one statistic of each observed intermediate tensor added to the graph as a reduction node
/// (placed right after the tensor's producer), so one pass returns the embedding and one number per tensor — FROQ's
/// observer and the distilled head's input. Without a tensor list every activation-producing node output is observed.</summary>
public sealed class OnnxActivationObserver : IDisposable
{
    // Operators whose outputs are activations (not shapes, constants or indices).
    private static readonly HashSet<string> ActivationOps = new(StringComparer.Ordinal)
    {
        "Conv", "BatchNormalization", "PRelu", "Relu", "LeakyRelu", "Sigmoid", "Add", "Mul", "Gemm", "MatMul",
        "Flatten", "MaxPool", "AveragePool", "GlobalAveragePool", "Concat",
    };

    private readonly OnnxModel _model;

    /// <summary>Opens the embedder a manifest describes with the statistic of the given tensors (default: every candidate) as outputs.</summary>
    public OnnxActivationObserver(ModelManifest manifest, IReadOnlyList<string>? tensors = null, OnnxSessionOptions? session = null,
        ActivationStatistic statistic = ActivationStatistic.L2)
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
        Statistic = statistic;
        if (Tensors.Count == 0) throw new ModelConfigurationException($"{manifest.Name}: no activation tensors to observe");
        string op = statistic == ActivationStatistic.L2 ? "ReduceL2" : "ReduceL1";
        var added = Tensors.Select(t => new OnnxGraph.AddedNode(op, t, $"{t}__fiqa_{op}")).ToList();
        _model = new OnnxModel(manifest, session, [manifest.Outputs[0], .. added.Select(n => n.Output)], OnnxGraph.WithAddedNodes(bytes, added));
    }

    /// <summary>Observed tensors, in the order of <see cref="Observe"/>'s values.</summary>
    public IReadOnlyList<string> Tensors { get; }

    /// <summary>The statistic observed.</summary>
    public ActivationStatistic Statistic { get; }

    /// <summary>Outputs of activation-producing nodes, in graph order, excluding the model's own outputs.</summary>
    public static IReadOnlyList<string> CandidateTensors(byte[] model, IReadOnlyList<string> modelOutputs)
    {
        var excluded = modelOutputs.ToHashSet(StringComparer.Ordinal);
        return OnnxGraph.Nodes(model).Where(n => ActivationOps.Contains(n.OpType))
            .SelectMany(n => n.Outputs).Where(o => o.Length > 0 && !excluded.Contains(o)).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The raw embedding and the statistic of every observed tensor for an aligned face, from one pass.</summary>
    public (float[] Embedding, double[] Values) Observe(RgbImage alignedFace)
    {
        var outputs = _model.Run(InputTensor.FromImage(alignedFace, _model.Manifest.Input));
        var values = new double[Tensors.Count];
        for (int i = 0; i < values.Length; i++) values[i] = outputs[i + 1][0];
        return (outputs[0], values);
    }

    /// <inheritdoc />
    public void Dispose() => _model.Dispose();
}

namespace Fiqa.Onnx;

/// <summary>Facts about an embedder's graph that quality methods build on.</summary>
public static class ActivationGraph
{
    // Operators whose outputs are activations (not shapes, constants or indices).
    private static readonly HashSet<string> ActivationOps = new(StringComparer.Ordinal)
    {
        "Conv", "BatchNormalization", "PRelu", "Relu", "LeakyRelu", "Sigmoid", "Add", "Mul", "Gemm", "MatMul",
        "Flatten", "MaxPool", "AveragePool", "GlobalAveragePool", "Concat",
    };

    /// <summary>Outputs of activation-producing nodes, in graph order, excluding the model's own outputs — what FROQ's
    /// calibration and the distilled head observe.</summary>
    public static IReadOnlyList<string> ActivationTensors(ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var excluded = manifest.Outputs.ToHashSet(StringComparer.Ordinal);
        return OnnxGraph.Nodes(File.ReadAllBytes(manifest.ModelPath)).Where(n => ActivationOps.Contains(n.OpType))
            .SelectMany(n => n.Outputs).Where(o => o.Length > 0 && !excluded.Contains(o)).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every tensor a node of the graph produces.</summary>
    public static IReadOnlySet<string> TensorNames(ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return OnnxGraph.Nodes(File.ReadAllBytes(manifest.ModelPath)).SelectMany(n => n.Outputs).ToHashSet(StringComparer.Ordinal);
    }
}

using System.Runtime.InteropServices;
using Fiqa.Onnx.Proto;
using Google.Protobuf;

namespace Fiqa.Onnx;

public static partial class OnnxGraph
{
    /// <summary>Name of the symbolic leading dimension <see cref="WithDynamicBatch"/> declares.</summary>
    public const string BatchDimension = "batch";

    /// <summary>The model with the first dimension of <paramref name="inputName"/> and of every graph output declared
    /// symbolic (<see cref="BatchDimension"/>), so that one run takes several images stacked along it. The exporter
    /// fixed it at 1; a graph that builds on that — a Reshape or Flatten that folds the batch into another axis, a Squeeze
    /// or reduction over axis 0, a Transpose that moves it — would mix the images, and is refused with the node named.
    /// Intermediate shape annotations (value_info) are dropped: the runtime infers them again.</summary>
    public static byte[] WithDynamicBatch(byte[] model, string inputName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputName);
        var proto = Parse(model);
        var graph = proto.Graph;
        if (BatchPinnedBy(graph) is { } reason) throw new ModelConfigurationException($"cannot make the batch dimension dynamic: {reason}");
        graph.ValueInfo.Clear();
        bool replaced = false;
        for (int i = 0; i < graph.Input.Count; i++)
        {
            if (graph.Input[i].Name != inputName) continue;
            graph.Input[i] = WithSymbolicFirstDimension(graph.Input[i])
                ?? throw new ModelConfigurationException($"cannot make the batch dimension dynamic: input '{inputName}' declares no tensor shape");
            replaced = true;
        }
        if (!replaced) throw new ModelConfigurationException($"the model has no graph input named '{inputName}'");
        // An output without a declared shape is inferred by the runtime, batch included: kept as it is.
        for (int i = 0; i < graph.Output.Count; i++)
            graph.Output[i] = WithSymbolicFirstDimension(graph.Output[i]) ?? graph.Output[i];
        return proto.ToByteArray();
    }

    /// <summary>Why the graph's computation depends on a batch of 1 (the first node found that does), or null when no
    /// node does. Shape constants are read from initializers and Constant nodes; a shape computed at run time (Shape →
    /// Gather → Concat) follows the batch and is not a pin.</summary>
    public static string? BatchPinnedBy(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return BatchPinnedBy(Parse(model).Graph);
    }

    private static string? BatchPinnedBy(GraphProto graph)
    {
        var constants = ConstantInt64Values(graph);
        var nodes = FullNodes(graph);
        var computed = nodes.Where(n => n.OpType != "Constant").SelectMany(n => n.Outputs).ToHashSet(StringComparer.Ordinal);
        // Axes as an attribute (before opset 13/18) or as a constant second input (after).
        long[]? Axes(FullNode node) => node.Inputs.Count > 1 ? constants.GetValueOrDefault(node.Inputs[1]) : node.IntegersOr("axes", []);
        foreach (var node in nodes)
        {
            string label = $"{node.OpType} node '{(node.Outputs.Count > 0 ? node.Outputs[0] : "")}'";
            switch (node.OpType)
            {
                // A constant target shape must keep axis 0 as it is (0, opset 5+) or inferred (-1); any other value
                // either pins it (1) or folds the images together.
                case "Reshape" when (node.Inputs.Count > 1 ? constants.GetValueOrDefault(node.Inputs[1]) : node.IntegersOr("shape", [])) is { } shape:
                    if (shape.Length == 0 || shape[0] is not (0 or -1))
                        return $"{label} reshapes to the constant shape [{string.Join(",", shape)}], whose first dimension is not the batch (0 or -1)";
                    break;
                case "Reshape" when node.Inputs.Count > 1 && !computed.Contains(node.Inputs[1]):
                    return $"{label} takes its shape from '{node.Inputs[1]}', which is neither a constant nor computed from a Shape";
                case "Flatten" when node.IntegerOr("axis", 1) == 0:
                    return $"{label} flattens from axis 0, folding the batch into the features";
                case "Squeeze" when Axes(node) is { } axes && (axes.Length == 0 || axes.Contains(0)):
                    return $"{label} squeezes {(axes.Length == 0 ? "every axis of size 1" : "axis 0")}, which removes a batch of 1";
                case "Transpose" when node.IntegersOr("perm", []) is var perm && (perm.Length == 0 || perm[0] != 0):
                    return $"{label} moves the batch axis ({(perm.Length == 0 ? "no perm: every axis reversed" : $"perm [{string.Join(",", perm)}]")})";
                case var op when op.StartsWith("Reduce", StringComparison.Ordinal) &&
                                 Axes(node) is { } reduced && (reduced.Length == 0 || reduced.Contains(0)):
                    return $"{label} reduces over {(reduced.Length == 0 ? "every axis" : "axis 0")}, mixing the images of a batch";
            }
        }
        return null;
    }

    /// <summary>Every int64 constant of the graph by tensor name: initializers and Constant nodes' <c>value</c>.</summary>
    private static Dictionary<string, long[]> ConstantInt64Values(GraphProto graph)
    {
        var values = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
            if (t.HasName && Int64Values(t) is { } longs) values[t.Name] = longs;
        foreach (var node in graph.Node.Where(n => n.OpType == "Constant" && n.Output.Count > 0))
            if (node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } t && Int64Values(t) is { } constant)
                values[node.Output[0]] = constant;
        return values;
    }

    // An int64 tensor's values (raw_data, little-endian, or int64_data); null when it is not int64.
    private static long[]? Int64Values(TensorProto t) =>
        t.DataType != Int64 ? null : t.HasRawData ? MemoryMarshal.Cast<byte, long>(t.RawData.Span).ToArray() : [.. t.Int64Data];

    // The ValueInfoProto with its tensor shape's first dimension replaced by the symbolic BatchDimension, everything else
    // as it is; null when it declares no shape with a dimension.
    private static ValueInfoProto? WithSymbolicFirstDimension(ValueInfoProto valueInfo)
    {
        if (valueInfo.Type?.TensorType?.Shape is not { Dim.Count: > 0 }) return null;
        var rewritten = valueInfo.Clone();
        rewritten.Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = BatchDimension };
        return rewritten;
    }
}

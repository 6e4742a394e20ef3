using System.Text;

namespace Fiqa.Onnx;

// Field numbers from onnx.proto (IR v7): ValueInfoProto.type = 2; TypeProto.tensor_type = 1; TypeProto.Tensor.shape = 2;
// TensorShapeProto.dim = 1; Dimension.dim_param = 2; AttributeProto.t = 5.
public static partial class OnnxGraph
{
    private const int ValueInfoType = 2, TypeTensor = 1, TensorTypeShape = 2, ShapeDim = 1, DimParam = 2, AttrTensor = 5;

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
        if (BatchPinnedBy(model) is { } reason) throw new ModelConfigurationException($"cannot make the batch dimension dynamic: {reason}");
        var result = new MemoryStream();
        bool replaced = false;
        foreach (var f in Fields(model))
        {
            if (f.Number != ModelGraph || f.WireType != 2)
            {
                result.Write(model.AsSpan(f.Start, f.End - f.Start));
                continue;
            }
            var graph = model.AsSpan(f.ValueStart, f.ValueLength).ToArray();
            var rewritten = new MemoryStream();
            foreach (var g in Fields(graph))
            {
                if (g.Number == GraphValueInfo) continue;
                var name = g.WireType == 2 && g.Number is GraphInput or GraphOutput ? ValueInfoNameOf(graph, g) : null;
                if (g.Number == GraphInput && name == inputName)
                {
                    WriteBytesField(rewritten, GraphInput, WithSymbolicFirstDimension(graph.AsSpan(g.ValueStart, g.ValueLength).ToArray())
                        ?? throw new ModelConfigurationException($"cannot make the batch dimension dynamic: input '{name}' declares no tensor shape"));
                    replaced = true;
                    continue;
                }
                if (g.Number == GraphOutput && name is not null)
                {
                    // An output without a declared shape is inferred by the runtime, batch included: kept as it is.
                    var info = graph.AsSpan(g.ValueStart, g.ValueLength).ToArray();
                    WriteBytesField(rewritten, GraphOutput, WithSymbolicFirstDimension(info) ?? info);
                    continue;
                }
                rewritten.Write(graph.AsSpan(g.Start, g.End - g.Start));
            }
            WriteBytesField(result, ModelGraph, rewritten.ToArray());
        }
        if (!replaced) throw new ModelConfigurationException($"the model has no graph input named '{inputName}'");
        return result.ToArray();
    }

    /// <summary>Why the graph's computation depends on a batch of 1 (the first node found that does), or null when no
    /// node does. Shape constants are read from initializers and Constant nodes; a shape computed at run time (Shape →
    /// Gather → Concat) follows the batch and is not a pin.</summary>
    public static string? BatchPinnedBy(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var constants = ConstantInt64Values(model);
        var nodes = FullNodes(model);
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
    private static Dictionary<string, long[]> ConstantInt64Values(byte[] model)
    {
        var graph = Graph(model);
        var values = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var f in Fields(graph).Where(f => f.WireType == 2 && f.Number is GraphInitializer or GraphNode))
        {
            var bytes = graph.AsSpan(f.ValueStart, f.ValueLength).ToArray();
            if (f.Number == GraphInitializer)
            {
                if (ReadInt64Tensor(bytes) is ({ } name, { } longs)) values[name] = longs;
                continue;
            }
            string op = "", output = "";
            byte[]? tensor = null;
            foreach (var g in Fields(bytes))
            {
                if (g.WireType != 2) continue;
                if (g.Number == NodeOpType) op = Encoding.UTF8.GetString(bytes, g.ValueStart, g.ValueLength);
                else if (g.Number == NodeOutput) output = Encoding.UTF8.GetString(bytes, g.ValueStart, g.ValueLength);
                else if (g.Number == NodeAttribute)
                {
                    var attribute = bytes.AsSpan(g.ValueStart, g.ValueLength).ToArray();
                    foreach (var a in Fields(attribute))
                        if (a.Number == AttrTensor && a.WireType == 2) tensor = attribute.AsSpan(a.ValueStart, a.ValueLength).ToArray();
                }
            }
            if (op == "Constant" && tensor is not null && ReadInt64Tensor(tensor) is (_, { } constant)) values[output] = constant;
        }
        return values;
    }

    // An int64 TensorProto's name and values (raw_data or int64_data); null values when it is not int64.
    private static (string? Name, long[]? Values) ReadInt64Tensor(byte[] t)
    {
        string? name = null;
        long dataType = 0;
        var values = new List<long>();
        foreach (var g in Fields(t))
        {
            switch (g.Number)
            {
                case TensorName when g.WireType == 2: name = Encoding.UTF8.GetString(t, g.ValueStart, g.ValueLength); break;
                case TensorDataType when g.WireType == 0: dataType = g.Varint; break;
                case TensorRawData when g.WireType == 2:
                    for (int p = g.ValueStart; p + 8 <= g.ValueStart + g.ValueLength; p += 8) values.Add(BitConverter.ToInt64(t, p));
                    break;
                case TensorInt64Data when g.WireType == 2:
                    for (int p = g.ValueStart; p < g.ValueStart + g.ValueLength;) values.Add((long)ReadVarint(t, ref p));
                    break;
                case TensorInt64Data when g.WireType == 0: values.Add(g.Varint); break;
            }
        }
        return (name, dataType == 7 ? values.ToArray() : null); // TensorProto.DataType INT64 = 7
    }

    // The ValueInfoProto with its tensor shape's first Dimension replaced by the symbolic BatchDimension, every other
    // field copied as it is; null when it declares no shape with a dimension.
    private static byte[]? WithSymbolicFirstDimension(byte[] valueInfo)
    {
        bool done = false;
        byte[] Rewrite(byte[] message, int level)
        {
            var output = new MemoryStream();
            bool first = true;
            foreach (var f in Fields(message))
            {
                // ValueInfo.type → TypeProto.tensor_type → Tensor.shape → TensorShapeProto.dim (the first only)
                int wanted = level switch { 0 => ValueInfoType, 1 => TypeTensor, 2 => TensorTypeShape, _ => ShapeDim };
                if (f.Number != wanted || f.WireType != 2 || (level == 3 && !first))
                {
                    output.Write(message.AsSpan(f.Start, f.End - f.Start));
                    continue;
                }
                if (level == 3)
                {
                    first = false;
                    done = true;
                    var dim = new MemoryStream();
                    WriteBytesField(dim, DimParam, Encoding.UTF8.GetBytes(BatchDimension));
                    WriteBytesField(output, ShapeDim, dim.ToArray());
                    continue;
                }
                WriteBytesField(output, wanted, Rewrite(message.AsSpan(f.ValueStart, f.ValueLength).ToArray(), level + 1));
            }
            return output.ToArray();
        }
        var rewritten = Rewrite(valueInfo, 0);
        return done ? rewritten : null;
    }
}

using System.Text;

namespace Fiqa.Onnx;

/// <summary>Just enough of the ONNX protobuf format (onnx.proto3) to expose an intermediate tensor as an extra graph
/// output, add simple nodes, and read a node's float initializers — what SER-FIQ-, FROQ- and eDifFIQA-style methods need
/// from an FR model. Everything else in the file is copied byte for byte.</summary>
public static partial class OnnxGraph
{
    // Field numbers from onnx.proto: ModelProto.graph = 7; GraphProto.node = 1, initializer = 5, output = 12;
    // NodeProto.input = 1, output = 2, name = 3, op_type = 4; TensorProto.dims = 1, data_type = 2, float_data = 4, name = 8,
    // raw_data = 9; ValueInfoProto.name = 1.
    private const int ModelGraph = 7, GraphNode = 1, GraphInitializer = 5, GraphOutput = 12;
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4;
    private const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorName = 8, TensorRawData = 9;

    /// <summary>A node of the graph: operator, inputs, outputs.</summary>
    public sealed record Node(string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs);

    /// <summary>A float initializer: its shape and values.</summary>
    public sealed record Initializer(long[] Dims, float[] Values);

    /// <summary>The model with <paramref name="tensorName"/> appended to the graph outputs.</summary>
    public static byte[] WithExtraOutput(byte[] model, string tensorName) => WithExtraOutputs(model, [tensorName]);

    /// <summary>The model with <paramref name="tensorNames"/> appended to the graph outputs (name only; the runtime
    /// infers type and shape).</summary>
    public static byte[] WithExtraOutputs(byte[] model, IReadOnlyList<string> tensorNames) => WithAdditions(model, [], tensorNames);

    /// <summary>A one-input node to append: <c>Output = OpType(Input)</c> with the operator's default attributes.</summary>
    public sealed record AddedNode(string OpType, string Input, string Output);

    /// <summary>The model with <paramref name="nodes"/> added (each right after the node producing its input) and their
    /// outputs added to the graph outputs. With reduction operators (ReduceL2, ReduceL1, …: by default over every
    /// axis) a statistic of a large activation leaves the runtime as one number instead of the whole tensor.</summary>
    public static byte[] WithAddedNodes(byte[] model, IReadOnlyList<AddedNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return WithAdditions(model, nodes, nodes.Select(n => n.Output).ToList());
    }

    /// <summary>The model with <paramref name="nodes"/> added (each right after the node producing its input) and
    /// <paramref name="tensorNames"/> appended to the graph outputs.</summary>
    public static byte[] WithAdditions(byte[] model, IReadOnlyList<AddedNode> nodes, IReadOnlyList<string> tensorNames)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tensorNames);
        var output = new MemoryStream();
        bool found = false;
        foreach (var f in Fields(model))
        {
            if (f.Number == ModelGraph && f.WireType == 2)
            {
                var graph = model.AsSpan(f.ValueStart, f.ValueLength).ToArray();
                var byInput = nodes.ToLookup(n => n.Input, StringComparer.Ordinal);
                var placed = new HashSet<AddedNode>();
                var extended = new MemoryStream();
                // Each added node goes right after the node producing its input: the runtime then tends to run it while
                // that activation is still in cache, instead of keeping every observed tensor alive to the end.
                foreach (var g in Fields(graph))
                {
                    extended.Write(graph.AsSpan(g.Start, g.End - g.Start));
                    if (g.Number != GraphNode || g.WireType != 2) continue;
                    foreach (var produced in NodeOf(graph, g).Outputs)
                        foreach (var node in byInput[produced])
                            if (placed.Add(node)) WriteNode(extended, node);
                }
                foreach (var node in nodes)
                    if (placed.Add(node)) WriteNode(extended, node); // inputs that are graph inputs or initializers
                foreach (var name in tensorNames)
                {
                    var info = new MemoryStream();
                    WriteBytesField(info, 1, Encoding.UTF8.GetBytes(name));
                    WriteBytesField(extended, GraphOutput, info.ToArray());
                }
                WriteBytesField(output, ModelGraph, extended.ToArray());
                found = true;
            }
            else
            {
                output.Write(model.AsSpan(f.Start, f.End - f.Start));
            }
        }
        if (!found) throw new ModelConfigurationException("not an ONNX model: no graph");
        return output.ToArray();
    }

    private static void WriteNode(Stream graph, AddedNode node)
    {
        var proto = new MemoryStream();
        WriteBytesField(proto, NodeInput, Encoding.UTF8.GetBytes(node.Input));
        WriteBytesField(proto, NodeOutput, Encoding.UTF8.GetBytes(node.Output));
        WriteBytesField(proto, NodeName, Encoding.UTF8.GetBytes(node.Output));
        WriteBytesField(proto, NodeOpType, Encoding.UTF8.GetBytes(node.OpType));
        WriteBytesField(graph, GraphNode, proto.ToArray());
    }

    /// <summary>The graph's nodes, in order.</summary>
    public static IReadOnlyList<Node> Nodes(byte[] model)
    {
        var graph = Graph(model);
        return Fields(graph).Where(f => f.Number == GraphNode && f.WireType == 2).Select(f => NodeOf(graph, f)).ToList();
    }

    private static Node NodeOf(byte[] graph, Field field)
    {
        var bytes = graph.AsSpan(field.ValueStart, field.ValueLength).ToArray();
        var inputs = new List<string>();
        var outputs = new List<string>();
        string op = "";
        foreach (var g in Fields(bytes))
        {
            if (g.WireType != 2) continue;
            var text = Encoding.UTF8.GetString(bytes, g.ValueStart, g.ValueLength);
            if (g.Number == NodeInput) inputs.Add(text);
            else if (g.Number == NodeOutput) outputs.Add(text);
            else if (g.Number == NodeOpType) op = text;
        }
        return new Node(op, inputs, outputs);
    }

    /// <summary>A float32 initializer by name.</summary>
    public static Initializer FloatInitializer(byte[] model, string name)
    {
        var graph = Graph(model);
        foreach (var f in Fields(graph).Where(f => f.Number == GraphInitializer && f.WireType == 2))
        {
            var t = ReadTensor(graph.AsSpan(f.ValueStart, f.ValueLength).ToArray());
            if (t.Name != name) continue;
            if (t.DataType != 1) throw new ModelConfigurationException($"initializer {name} is not float32 (data type {t.DataType})");
            return new Initializer(t.Dims, t.Values ?? []);
        }
        throw new ModelConfigurationException($"no initializer named '{name}'");
    }

    /// <summary>A TensorProto's name, dims, data type and its values when float32 (raw_data or float_data; null when not
    /// float32 or stored elsewhere).</summary>
    private static (string? Name, long[] Dims, long DataType, float[]? Values) ReadTensor(byte[] t)
    {
        string? name = null;
        var dims = new List<long>();
        long dataType = 0;
        float[]? raw = null;
        List<float>? packed = null;
        foreach (var g in Fields(t))
        {
            switch (g.Number)
            {
                case TensorName when g.WireType == 2: name = Encoding.UTF8.GetString(t, g.ValueStart, g.ValueLength); break;
                case TensorDataType when g.WireType == 0: dataType = g.Varint; break;
                case TensorDims when g.WireType == 0: dims.Add(g.Varint); break;
                case TensorDims when g.WireType == 2:
                    for (int p = g.ValueStart; p < g.ValueStart + g.ValueLength;) dims.Add((long)ReadVarint(t, ref p));
                    break;
                case TensorRawData when g.WireType == 2:
                    raw = new float[g.ValueLength / 4];
                    Buffer.BlockCopy(t, g.ValueStart, raw, 0, raw.Length * 4);
                    break;
                case TensorFloatData when g.WireType == 2:
                    packed ??= [];
                    for (int p = g.ValueStart; p < g.ValueStart + g.ValueLength; p += 4) packed.Add(BitConverter.ToSingle(t, p));
                    break;
            }
        }
        return (name, dims.ToArray(), dataType, dataType == 1 ? raw ?? packed?.ToArray() : null);
    }

    private static byte[] Graph(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var f = Fields(model).FirstOrDefault(f => f.Number == ModelGraph && f.WireType == 2);
        if (f.End == 0) throw new ModelConfigurationException("not an ONNX model: no graph");
        return model.AsSpan(f.ValueStart, f.ValueLength).ToArray();
    }

    private readonly record struct Field(int Number, int WireType, int Start, int End, int ValueStart, int ValueLength, long Varint);

    private static List<Field> Fields(byte[] data)
    {
        var fields = new List<Field>();
        int p = 0;
        while (p < data.Length)
        {
            int start = p;
            ulong tag = ReadVarint(data, ref p);
            int number = (int)(tag >> 3), wire = (int)(tag & 7);
            switch (wire)
            {
                case 0:
                    long v = (long)ReadVarint(data, ref p);
                    fields.Add(new Field(number, wire, start, p, p, 0, v));
                    break;
                case 1:
                    p += 8;
                    fields.Add(new Field(number, wire, start, p, p - 8, 8, 0));
                    break;
                case 2:
                    int len = checked((int)ReadVarint(data, ref p));
                    if (len < 0 || p + len > data.Length) throw new ModelConfigurationException("corrupt ONNX protobuf");
                    fields.Add(new Field(number, wire, start, p + len, p, len, 0));
                    p += len;
                    break;
                case 5:
                    p += 4;
                    fields.Add(new Field(number, wire, start, p, p - 4, 4, 0));
                    break;
                default:
                    throw new ModelConfigurationException($"unsupported protobuf wire type {wire}");
            }
        }
        return fields;
    }

    private static ulong ReadVarint(byte[] data, ref int p)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (p >= data.Length) throw new ModelConfigurationException("corrupt ONNX protobuf (truncated varint)");
            byte b = data[p++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new ModelConfigurationException("corrupt ONNX protobuf (varint too long)");
    }

    private static void WriteBytesField(Stream s, int number, byte[] value)
    {
        WriteVarint(s, ((ulong)number << 3) | 2);
        WriteVarint(s, (ulong)value.Length);
        s.Write(value);
    }

    private static void WriteVarint(Stream s, ulong v)
    {
        while (v >= 0x80)
        {
            s.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        s.WriteByte((byte)v);
    }
}

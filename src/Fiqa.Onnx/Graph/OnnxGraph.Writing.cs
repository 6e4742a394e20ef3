using System.Text;

namespace Fiqa.Onnx;

// The writing half of the graph editor: whole nodes with attributes, initializers, typed inputs — what the input-gradient
// builder emits. Field numbers from onnx.proto (ONNX IR v7): NodeProto.attribute = 5; AttributeProto.name = 1, f = 2,
// i = 3, floats = 7, ints = 8, type = 20; TensorProto.int64_data = 7; GraphProto.input = 11; ValueInfoProto.type = 2;
// TypeProto.tensor_type = 1; TypeProto.Tensor.elem_type = 1, shape = 2; TensorShapeProto.dim = 1; Dimension.dim_value = 1.
public static partial class OnnxGraph
{
    private const int NodeAttribute = 5, GraphInput = 11, TensorInt64Data = 7;
    private const int AttrName = 1, AttrFloat = 2, AttrInt = 3, AttrFloats = 7, AttrInts = 8, AttrType = 20;
    private const int AttrTypeFloat = 1, AttrTypeInt = 2, AttrTypeInts = 7;

    /// <summary>A node with its attributes (ints, int and float attributes; others are kept out of <see cref="Ints"/>).</summary>
    public sealed record FullNode(string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
        IReadOnlyDictionary<string, long[]> Ints, IReadOnlyDictionary<string, float> Floats)
    {
        /// <summary>An integer attribute, or <paramref name="fallback"/> when absent.</summary>
        public long IntegerOr(string name, long fallback) => Ints.TryGetValue(name, out var v) && v.Length == 1 ? v[0] : fallback;
        /// <summary>An integer-list attribute, or <paramref name="fallback"/> when absent.</summary>
        public long[] IntegersOr(string name, long[] fallback) => Ints.TryGetValue(name, out var v) ? v : fallback;
        /// <summary>A float attribute, or <paramref name="fallback"/> when absent.</summary>
        public float RealOr(string name, float fallback) => Floats.TryGetValue(name, out var v) ? v : fallback;
        /// <summary>Names of string attributes that are set (e.g. <c>auto_pad</c>), which builders that ignore them must reject.</summary>
        public IReadOnlySet<string> Strings { get; init; } = new HashSet<string>();
    }

    /// <summary>A node to write: operator, inputs, outputs and integer, integer-list or float attributes.</summary>
    public sealed record NewNode(string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs)
    {
        /// <summary>Integer-list attributes (written as INTS).</summary>
        public IReadOnlyDictionary<string, long[]> IntLists { get; init; } = new Dictionary<string, long[]>();
        /// <summary>Integer attributes.</summary>
        public IReadOnlyDictionary<string, long> IntValues { get; init; } = new Dictionary<string, long>();
        /// <summary>Float attributes.</summary>
        public IReadOnlyDictionary<string, float> FloatValues { get; init; } = new Dictionary<string, float>();
    }

    /// <summary>A tensor to add as an initializer: float32 (<see cref="Floats"/>) or int64 (<see cref="Longs"/>).</summary>
    public sealed record NewInitializer(string Name, long[] Dims, float[]? Floats = null, long[]? Longs = null);

    /// <summary>Every node with its attributes, in graph order.</summary>
    public static IReadOnlyList<FullNode> FullNodes(byte[] model)
    {
        var graph = Graph(model);
        var nodes = new List<FullNode>();
        foreach (var f in Fields(graph).Where(f => f.Number == GraphNode && f.WireType == 2))
        {
            var bytes = graph.AsSpan(f.ValueStart, f.ValueLength).ToArray();
            var inputs = new List<string>();
            var outputs = new List<string>();
            var ints = new Dictionary<string, long[]>(StringComparer.Ordinal);
            var floats = new Dictionary<string, float>(StringComparer.Ordinal);
            var strings = new HashSet<string>(StringComparer.Ordinal);
            string op = "";
            foreach (var g in Fields(bytes))
            {
                if (g.WireType != 2) continue;
                if (g.Number == NodeAttribute) { ReadAttribute(bytes.AsSpan(g.ValueStart, g.ValueLength).ToArray(), ints, floats, strings); continue; }
                var text = Encoding.UTF8.GetString(bytes, g.ValueStart, g.ValueLength);
                if (g.Number == NodeInput) inputs.Add(text);
                else if (g.Number == NodeOutput) outputs.Add(text);
                else if (g.Number == NodeOpType) op = text;
            }
            nodes.Add(new FullNode(op, inputs, outputs, ints, floats) { Strings = strings });
        }
        return nodes;
    }

    private static void ReadAttribute(byte[] a, Dictionary<string, long[]> ints, Dictionary<string, float> floats, HashSet<string> strings)
    {
        string name = "";
        var list = new List<long>();
        float? f = null;
        bool hasString = false;
        foreach (var g in Fields(a))
        {
            switch (g.Number)
            {
                case AttrName when g.WireType == 2: name = Encoding.UTF8.GetString(a, g.ValueStart, g.ValueLength); break;
                case AttrFloat when g.WireType == 5: f = BitConverter.ToSingle(a, g.ValueStart); break;
                case AttrInt when g.WireType == 0: list.Add(g.Varint); break;
                case AttrInts when g.WireType == 0: list.Add(g.Varint); break;
                case AttrInts when g.WireType == 2:
                    for (int p = g.ValueStart; p < g.ValueStart + g.ValueLength;) list.Add((long)ReadVarint(a, ref p));
                    break;
                case 4 when g.WireType == 2: hasString = g.ValueLength > 0; break; // AttributeProto.s
            }
        }
        if (list.Count > 0) ints[name] = list.ToArray();
        if (f is { } value) floats[name] = value;
        if (hasString) strings.Add(name);
    }

    /// <summary>The dims of every initializer, by name.</summary>
    public static IReadOnlyDictionary<string, long[]> InitializerShapes(byte[] model)
    {
        var graph = Graph(model);
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var f in Fields(graph).Where(f => f.Number == GraphInitializer && f.WireType == 2))
        {
            var t = graph.AsSpan(f.ValueStart, f.ValueLength).ToArray();
            string? name = null;
            var dims = new List<long>();
            foreach (var g in Fields(t))
            {
                if (g.Number == TensorName && g.WireType == 2) name = Encoding.UTF8.GetString(t, g.ValueStart, g.ValueLength);
                else if (g.Number == TensorDims && g.WireType == 0) dims.Add(g.Varint);
                else if (g.Number == TensorDims && g.WireType == 2)
                    for (int p = g.ValueStart; p < g.ValueStart + g.ValueLength;) dims.Add((long)ReadVarint(t, ref p));
            }
            if (name is not null) shapes[name] = dims.ToArray();
        }
        return shapes;
    }

    /// <summary>An int64 initializer's values (e.g. a Reshape's target shape).</summary>
    public static long[] Int64Initializer(byte[] model, string name)
    {
        var graph = Graph(model);
        foreach (var f in Fields(graph).Where(f => f.Number == GraphInitializer && f.WireType == 2))
        {
            var t = graph.AsSpan(f.ValueStart, f.ValueLength).ToArray();
            string? tensorName = null;
            long dataType = 0;
            var values = new List<long>();
            foreach (var g in Fields(t))
            {
                switch (g.Number)
                {
                    case TensorName when g.WireType == 2: tensorName = Encoding.UTF8.GetString(t, g.ValueStart, g.ValueLength); break;
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
            if (tensorName != name) continue;
            if (dataType != 7) throw new ModelConfigurationException($"initializer {name} is not int64 (data type {dataType})");
            return values.ToArray();
        }
        throw new ModelConfigurationException($"no initializer named '{name}'");
    }

    /// <summary>The model with nodes and initializers appended to its graph, float32 inputs of fixed shape added, and the
    /// graph outputs replaced by <paramref name="outputs"/> (names only; the runtime infers type and shape).</summary>
    public static byte[] Extended(byte[] model, IReadOnlyList<NewNode> nodes, IReadOnlyList<NewInitializer> initializers,
        IReadOnlyList<(string Name, long[] Shape)> inputs, IReadOnlyList<string> outputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(initializers);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        var result = new MemoryStream();
        bool found = false;
        foreach (var f in Fields(model))
        {
            if (f.Number != ModelGraph || f.WireType != 2)
            {
                result.Write(model.AsSpan(f.Start, f.End - f.Start));
                continue;
            }
            var graph = model.AsSpan(f.ValueStart, f.ValueLength).ToArray();
            var extended = new MemoryStream();
            foreach (var g in Fields(graph))
                if (g.Number != GraphOutput) extended.Write(graph.AsSpan(g.Start, g.End - g.Start));
            foreach (var node in nodes) WriteBytesField(extended, GraphNode, NodeBytes(node));
            foreach (var init in initializers) WriteBytesField(extended, GraphInitializer, TensorBytes(init));
            foreach (var (name, shape) in inputs) WriteBytesField(extended, GraphInput, FloatValueInfo(name, shape));
            foreach (var name in outputs)
            {
                var info = new MemoryStream();
                WriteBytesField(info, 1, Encoding.UTF8.GetBytes(name));
                WriteBytesField(extended, GraphOutput, info.ToArray());
            }
            WriteBytesField(result, ModelGraph, extended.ToArray());
            found = true;
        }
        if (!found) throw new ModelConfigurationException("not an ONNX model: no graph");
        return result.ToArray();
    }

    /// <summary>A model from scratch (IR v7, the given opset): one float32 input, nodes, initializers, outputs — for
    /// graphs the project writes itself (e.g. to test the gradient builder on operators the installed models lack).</summary>
    public static byte[] NewModel(int opset, string input, long[] inputShape, IReadOnlyList<NewNode> nodes,
        IReadOnlyList<NewInitializer> initializers, IReadOnlyList<string> outputs)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(initializers);
        ArgumentNullException.ThrowIfNull(outputs);
        var graph = new MemoryStream();
        foreach (var node in nodes) WriteBytesField(graph, GraphNode, NodeBytes(node));
        WriteBytesField(graph, 2, Encoding.UTF8.GetBytes("fiqa")); // GraphProto.name
        foreach (var init in initializers) WriteBytesField(graph, GraphInitializer, TensorBytes(init));
        WriteBytesField(graph, GraphInput, FloatValueInfo(input, inputShape));
        foreach (var name in outputs)
        {
            var info = new MemoryStream();
            WriteBytesField(info, 1, Encoding.UTF8.GetBytes(name));
            WriteBytesField(graph, GraphOutput, info.ToArray());
        }
        var model = new MemoryStream();
        WriteVarintField(model, 1, 7); // ModelProto.ir_version
        WriteBytesField(model, 2, Encoding.UTF8.GetBytes("fiqa")); // producer_name
        WriteBytesField(model, ModelGraph, graph.ToArray());
        var opsetId = new MemoryStream();
        WriteVarintField(opsetId, 2, (ulong)opset); // OperatorSetIdProto.version (default domain)
        WriteBytesField(model, 8, opsetId.ToArray()); // ModelProto.opset_import
        return model.ToArray();
    }

    private static byte[] NodeBytes(NewNode node)
    {
        var proto = new MemoryStream();
        foreach (var i in node.Inputs) WriteBytesField(proto, NodeInput, Encoding.UTF8.GetBytes(i));
        foreach (var o in node.Outputs) WriteBytesField(proto, NodeOutput, Encoding.UTF8.GetBytes(o));
        WriteBytesField(proto, NodeName, Encoding.UTF8.GetBytes(node.Outputs[0]));
        WriteBytesField(proto, NodeOpType, Encoding.UTF8.GetBytes(node.OpType));
        foreach (var (name, values) in node.IntLists)
        {
            var a = new MemoryStream();
            WriteBytesField(a, AttrName, Encoding.UTF8.GetBytes(name));
            foreach (var v in values) WriteVarintField(a, AttrInts, (ulong)v);
            WriteVarintField(a, AttrType, AttrTypeInts);
            WriteBytesField(proto, NodeAttribute, a.ToArray());
        }
        foreach (var (name, value) in node.IntValues)
        {
            var a = new MemoryStream();
            WriteBytesField(a, AttrName, Encoding.UTF8.GetBytes(name));
            WriteVarintField(a, AttrInt, (ulong)value);
            WriteVarintField(a, AttrType, AttrTypeInt);
            WriteBytesField(proto, NodeAttribute, a.ToArray());
        }
        foreach (var (name, value) in node.FloatValues)
        {
            var a = new MemoryStream();
            WriteBytesField(a, AttrName, Encoding.UTF8.GetBytes(name));
            WriteVarint(a, ((ulong)AttrFloat << 3) | 5);
            a.Write(BitConverter.GetBytes(value));
            WriteVarintField(a, AttrType, AttrTypeFloat);
            WriteBytesField(proto, NodeAttribute, a.ToArray());
        }
        return proto.ToArray();
    }

    private static byte[] TensorBytes(NewInitializer init)
    {
        var t = new MemoryStream();
        foreach (var d in init.Dims) WriteVarintField(t, TensorDims, (ulong)d);
        WriteVarintField(t, TensorDataType, init.Longs is null ? 1UL : 7UL); // FLOAT = 1, INT64 = 7
        WriteBytesField(t, TensorName, Encoding.UTF8.GetBytes(init.Name));
        var raw = init.Longs is { } longs ? new byte[longs.Length * 8] : new byte[(init.Floats ?? []).Length * 4];
        if (init.Longs is { } l) Buffer.BlockCopy(l, 0, raw, 0, raw.Length);
        else if (init.Floats is { } fl) Buffer.BlockCopy(fl, 0, raw, 0, raw.Length);
        WriteBytesField(t, TensorRawData, raw);
        return t.ToArray();
    }

    private static byte[] FloatValueInfo(string name, long[] shape)
    {
        var shapeProto = new MemoryStream();
        foreach (var d in shape)
        {
            var dim = new MemoryStream();
            WriteVarintField(dim, 1, (ulong)d);
            WriteBytesField(shapeProto, 1, dim.ToArray());
        }
        var tensorType = new MemoryStream();
        WriteVarintField(tensorType, 1, 1); // elem_type FLOAT
        WriteBytesField(tensorType, 2, shapeProto.ToArray());
        var type = new MemoryStream();
        WriteBytesField(type, 1, tensorType.ToArray());
        var info = new MemoryStream();
        WriteBytesField(info, 1, Encoding.UTF8.GetBytes(name));
        WriteBytesField(info, 2, type.ToArray());
        return info.ToArray();
    }

    /// <summary>The version of the default-domain operator set the model imports (ModelProto.opset_import = 8;
    /// OperatorSetIdProto.domain = 1, version = 2).</summary>
    public static long Opset(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var f in Fields(model).Where(f => f.Number == 8 && f.WireType == 2))
        {
            var bytes = model.AsSpan(f.ValueStart, f.ValueLength).ToArray();
            string domain = "";
            long version = 0;
            foreach (var g in Fields(bytes))
            {
                if (g.Number == 1 && g.WireType == 2) domain = Encoding.UTF8.GetString(bytes, g.ValueStart, g.ValueLength);
                else if (g.Number == 2 && g.WireType == 0) version = g.Varint;
            }
            if (domain is "" or "ai.onnx") return version;
        }
        throw new ModelConfigurationException("the model imports no default-domain operator set");
    }

    private static void WriteVarintField(Stream s, int number, ulong value)
    {
        WriteVarint(s, (ulong)number << 3);
        WriteVarint(s, value);
    }
}

using System.Runtime.InteropServices;
using Fiqa.Onnx.Proto;
using Google.Protobuf;

namespace Fiqa.Onnx;

// The writing half of the graph editor: whole nodes with attributes, initializers, typed inputs — what the input-gradient
// builder emits.
public static partial class OnnxGraph
{
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
    public static IReadOnlyList<FullNode> FullNodes(byte[] model) => FullNodes(Parse(model).Graph);

    internal static IReadOnlyList<FullNode> FullNodes(GraphProto graph)
    {
        var nodes = new List<FullNode>(graph.Node.Count);
        foreach (var n in graph.Node)
        {
            var ints = new Dictionary<string, long[]>(StringComparer.Ordinal);
            var floats = new Dictionary<string, float>(StringComparer.Ordinal);
            var strings = new HashSet<string>(StringComparer.Ordinal);
            foreach (var a in n.Attribute)
            {
                // An INT attribute reads as a one-element list, so IntegerOr and IntegersOr serve either form.
                long[] list = a.HasI ? [a.I, .. a.Ints] : [.. a.Ints];
                if (list.Length > 0) ints[a.Name] = list;
                if (a.HasF) floats[a.Name] = a.F;
                if (a.HasS && a.S.Length > 0) strings.Add(a.Name);
            }
            nodes.Add(new FullNode(n.OpType, [.. n.Input], [.. n.Output], ints, floats) { Strings = strings });
        }
        return nodes;
    }

    /// <summary>The dims of every initializer, by name.</summary>
    public static IReadOnlyDictionary<string, long[]> InitializerShapes(byte[] model) => InitializerShapes(Parse(model).Graph);

    internal static IReadOnlyDictionary<string, long[]> InitializerShapes(GraphProto graph)
    {
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
            if (t.HasName) shapes[t.Name] = [.. t.Dims];
        return shapes;
    }

    /// <summary>An int64 initializer's values (e.g. a Reshape's target shape).</summary>
    public static long[] Int64Initializer(byte[] model, string name) => Int64Initializer(Parse(model).Graph, name);

    internal static long[] Int64Initializer(GraphProto graph, string name)
    {
        var t = graph.Initializer.FirstOrDefault(t => t.Name == name)
            ?? throw new ModelConfigurationException($"no initializer named '{name}'");
        if (t.DataType != Int64) throw new ModelConfigurationException($"initializer {name} is not int64 (data type {t.DataType})");
        return t.HasRawData ? MemoryMarshal.Cast<byte, long>(t.RawData.Span).ToArray() : [.. t.Int64Data];
    }

    /// <summary>The model with nodes and initializers appended to its graph, float32 inputs of fixed shape added, and the
    /// graph outputs replaced by <paramref name="outputs"/> (names only; the runtime infers type and shape).</summary>
    public static byte[] Extended(byte[] model, IReadOnlyList<NewNode> nodes, IReadOnlyList<NewInitializer> initializers,
        IReadOnlyList<(string Name, long[] Shape)> inputs, IReadOnlyList<string> outputs) =>
        Extended(Parse(model), nodes, initializers, inputs, outputs);

    /// <summary><see cref="Extended(byte[], IReadOnlyList{NewNode}, IReadOnlyList{NewInitializer}, IReadOnlyList{ValueTuple{string, long[]}}, IReadOnlyList{string})"/>
    /// on a parsed model, which it changes.</summary>
    internal static byte[] Extended(ModelProto model, IReadOnlyList<NewNode> nodes, IReadOnlyList<NewInitializer> initializers,
        IReadOnlyList<(string Name, long[] Shape)> inputs, IReadOnlyList<string> outputs)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(initializers);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        var graph = model.Graph;
        graph.Output.Clear();
        graph.Node.Add(nodes.Select(ToProto));
        graph.Initializer.Add(initializers.Select(ToProto));
        graph.Input.Add(inputs.Select(i => FloatValueInfo(i.Name, i.Shape)));
        graph.Output.Add(outputs.Select(name => new ValueInfoProto { Name = name }));
        return model.ToByteArray();
    }

    /// <summary>A model from scratch (IR v7, the given opset): one float32 input, nodes, initializers, outputs — for
    /// graphs the project writes itself (e.g. to test the gradient builder on operators the installed models lack).</summary>
    public static byte[] NewModel(int opset, string input, long[] inputShape, IReadOnlyList<NewNode> nodes,
        IReadOnlyList<NewInitializer> initializers, IReadOnlyList<string> outputs)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(initializers);
        ArgumentNullException.ThrowIfNull(outputs);
        var graph = new GraphProto { Name = "fiqa" };
        graph.Node.Add(nodes.Select(ToProto));
        graph.Initializer.Add(initializers.Select(ToProto));
        graph.Input.Add(FloatValueInfo(input, inputShape));
        graph.Output.Add(outputs.Select(name => new ValueInfoProto { Name = name }));
        var model = new ModelProto { IrVersion = 7, ProducerName = "fiqa", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = opset }); // no domain: the default one
        return model.ToByteArray();
    }

    private static NodeProto ToProto(NewNode node)
    {
        var proto = new NodeProto { Name = node.Outputs[0], OpType = node.OpType };
        proto.Input.Add(node.Inputs);
        proto.Output.Add(node.Outputs);
        // Attribute order is the dictionaries' insertion order, so the same node gives the same bytes.
        foreach (var (name, values) in node.IntLists)
        {
            var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
            a.Ints.Add(values);
            proto.Attribute.Add(a);
        }
        foreach (var (name, value) in node.IntValues)
            proto.Attribute.Add(new AttributeProto { Name = name, I = value, Type = AttributeProto.Types.AttributeType.Int });
        foreach (var (name, value) in node.FloatValues)
            proto.Attribute.Add(new AttributeProto { Name = name, F = value, Type = AttributeProto.Types.AttributeType.Float });
        return proto;
    }

    private static TensorProto ToProto(NewInitializer init) => init.Longs is { } longs
        ? Tensor(init.Name, init.Dims, Int64, MemoryMarshal.AsBytes(longs.AsSpan()))
        : Tensor(init.Name, init.Dims, Float32, MemoryMarshal.AsBytes((init.Floats ?? []).AsSpan()));

    /// <summary>A tensor with its values as raw_data (little-endian, as the specification requires; so is every machine
    /// .NET runs these models on).</summary>
    private static TensorProto Tensor(string name, long[] dims, int dataType, ReadOnlySpan<byte> raw)
    {
        var t = new TensorProto { DataType = dataType, Name = name, RawData = ByteString.CopyFrom(raw) };
        t.Dims.Add(dims);
        return t;
    }

    private static ValueInfoProto FloatValueInfo(string name, long[] shape)
    {
        var tensorShape = new TensorShapeProto();
        tensorShape.Dim.Add(shape.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = Float32, Shape = tensorShape } },
        };
    }

    /// <summary>The version of the default-domain operator set the model imports.</summary>
    public static long Opset(byte[] model) => Opset(Parse(model));

    internal static long Opset(ModelProto model)
    {
        foreach (var o in model.OpsetImport)
            if (o.Domain is "" or "ai.onnx") return o.Version;
        throw new ModelConfigurationException("the model imports no default-domain operator set");
    }
}

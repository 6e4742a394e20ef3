using System.Runtime.InteropServices;
using Fiqa.Onnx.Proto;
using Google.Protobuf;

namespace Fiqa.Onnx;

/// <summary>Reads and edits ONNX model files through classes generated from <c>Graph/onnx.proto</c> (the ONNX IR
/// specification's messages): expose an intermediate tensor as an extra graph output, add nodes, read initializers —
/// what SER-FIQ-, FROQ- and eDifFIQA-style methods need from an FR model. Parts of the file the schema leaves out are
/// kept as unknown fields and written back, so an edited model keeps everything it had.</summary>
public static partial class OnnxGraph
{
    // TensorProto.DataType numbers (ONNX IR specification).
    private const int Float32 = 1, Uint8 = 2, Int8 = 3, Int32 = 6, Int64 = 7;

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
        ArgumentNullException.ThrowIfNull(tensorNames);
        var proto = Parse(model);
        var graph = proto.Graph;
        var byInput = nodes.ToLookup(n => n.Input, StringComparer.Ordinal);
        var placed = new HashSet<AddedNode>();
        var ordered = new List<NodeProto>(graph.Node.Count + nodes.Count);
        // Each added node goes right after the node producing its input: the runtime then tends to run it while that
        // activation is still in cache, instead of keeping every observed tensor alive to the end.
        foreach (var n in graph.Node)
        {
            ordered.Add(n);
            foreach (var produced in n.Output)
                foreach (var node in byInput[produced])
                    if (placed.Add(node)) ordered.Add(ToProto(new NewNode(node.OpType, [node.Input], [node.Output])));
        }
        foreach (var node in nodes) // inputs that are graph inputs or initializers
            if (placed.Add(node)) ordered.Add(ToProto(new NewNode(node.OpType, [node.Input], [node.Output])));
        graph.Node.Clear();
        graph.Node.Add(ordered);
        foreach (var name in tensorNames) graph.Output.Add(new ValueInfoProto { Name = name });
        return proto.ToByteArray();
    }

    /// <summary>The graph's nodes, in order.</summary>
    public static IReadOnlyList<Node> Nodes(byte[] model) =>
        Parse(model).Graph.Node.Select(n => new Node(n.OpType, [.. n.Input], [.. n.Output])).ToList();

    /// <summary>A float32 initializer by name.</summary>
    public static Initializer FloatInitializer(byte[] model, string name) => FloatInitializer(Parse(model).Graph, name);

    internal static Initializer FloatInitializer(GraphProto graph, string name)
    {
        var t = graph.Initializer.FirstOrDefault(t => t.Name == name)
            ?? throw new ModelConfigurationException($"no initializer named '{name}'");
        if (t.DataType != Float32) throw new ModelConfigurationException($"initializer {name} is not float32 (data type {t.DataType})");
        return new Initializer([.. t.Dims], FloatValues(t));
    }

    /// <summary>A float32 tensor's values: raw_data (little-endian) when present, else float_data.</summary>
    private static float[] FloatValues(TensorProto t) =>
        t.HasRawData ? MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray() : [.. t.FloatData];

    /// <summary>The model file parsed; a file that is not protobuf, or has no graph, is a
    /// <see cref="ModelConfigurationException"/>.</summary>
    internal static ModelProto Parse(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelConfigurationException($"corrupt ONNX protobuf: {e.Message}", e);
        }
        return proto.Graph is null ? throw new ModelConfigurationException("not an ONNX model: no graph") : proto;
    }
}

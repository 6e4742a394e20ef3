using System.Runtime.InteropServices;
using Fiqa.Onnx.Proto;
using Google.Protobuf;

namespace Fiqa.Onnx;

/// <summary>The range a float activation took on calibration inputs (min ≤ max).</summary>
public readonly record struct ActivationRange(float Min, float Max);

/// <summary>How <see cref="OnnxGraph.QdqQuantized"/> quantises a graph.</summary>
public sealed record QdqOptions
{
    /// <summary>Bits of the symmetric per-output-channel weights, 2..8. The default 7 keeps every uint8 × int8 pair sum
    /// inside int16 (255·64·2 &lt; 32768), so the AVX2 kernels without VNNI (VPMADDUBSW, which saturates at int16)
    /// compute exactly what the VNNI kernels do: the same graph gives the same numbers on either machine.</summary>
    public int WeightBits { get; init; } = 7;

    /// <summary>Operators whose float weights are quantised (Conv, Gemm, MatMul).</summary>
    public IReadOnlySet<string> Operators { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "Conv", "Gemm", "MatMul" };
}

// The QDQ quantiser (ONNX Runtime's "QDQ format": QuantizeLinear → DequantizeLinear pairs around float operators, which the
// runtime's CPU graph optimiser fuses into QLinearConv / QGemm / MatMulIntegerToFloat). Scheme after Jacob et al., "Quantization
// and Training of Neural Networks for Efficient Integer-Arithmetic-Only Inference", CVPR 2018: activations uint8 asymmetric
// from calibrated ranges (zero exactly representable), weights int8 symmetric per output channel, bias int32 at scale
// s_x·s_w. The Q/DQ operators are written in the com.microsoft domain, whose version 1 takes a per-axis scale at any
// default-domain opset (the default domain's needs opset 13, and the installed models are opset 9).
public static partial class OnnxGraph
{
    private const string QdqDomain = "com.microsoft";

    /// <summary>The activation tensors whose ranges <see cref="QdqQuantized"/> needs: each quantised operator's input, and a
    /// Conv's output (after its ReLU when a ReLU is its only consumer: the runtime then drops the ReLU into the
    /// quantised convolution). Names are tensors of the float graph, in graph order.</summary>
    public static IReadOnlyList<string> QdqCalibrationTensors(byte[] model, QdqOptions? options = null)
    {
        var plan = QdqPlan.Make(Parse(model).Graph, options ?? new QdqOptions());
        return plan.Tensors;
    }

    /// <summary>The model with its Conv/Gemm/MatMul weights stored as int8 (per output channel) behind DequantizeLinear, and
    /// Quantize/DequantizeLinear pairs on the activations <see cref="QdqCalibrationTensors"/> names, scaled from
    /// <paramref name="ranges"/>. An operator whose activations have no range stays float. The output is a function of
    /// the inputs alone (same bytes every time).</summary>
    public static byte[] QdqQuantized(byte[] model, IReadOnlyDictionary<string, ActivationRange> ranges, QdqOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        options ??= new QdqOptions();
        if (options.WeightBits is < 2 or > 8) throw new ArgumentOutOfRangeException(nameof(options), "weight bits must be 2..8");
        var proto = Parse(model);
        var graph = proto.Graph;
        // The fused operators (QLinearConv, …) exist from default-domain opset 10 on. From 9 to 10 only these operators
        // changed meaning (onnx/docs/Changelog.md), so a graph without them imports 10 instead of 9 unchanged.
        long opsetVersion = Opset(proto);
        if (opsetVersion < 10 && graph.Node.FirstOrDefault(n => n.OpType is "Slice" or "TopK" or "Upsample" or "Dropout" or "Resize") is { } blocking)
            throw new ModelConfigurationException($"cannot quantise an opset-{opsetVersion} graph holding {blocking.OpType}: its meaning changes at opset 10, which the quantised operators need");
        var plan = QdqPlan.Make(graph, options);

        // Float initialisers by name, read once (the graph holds tens of MB of them).
        var initializers = new Dictionary<string, (long[] Dims, float[]? Values)>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
            if (t.HasName) initializers[t.Name] = ([.. t.Dims], t.DataType == Float32 && (t.HasRawData || t.FloatData.Count > 0) ? FloatValues(t) : null);

        var added = new List<(string Name, long[] Dims, int DataType, byte[] Raw)>();
        var dropped = new HashSet<string>(StringComparer.Ordinal);
        var rename = new Dictionary<string, string>(StringComparer.Ordinal); // tensor → its dequantised copy
        var activation = new Dictionary<string, (float Scale, byte ZeroPoint)>(StringComparer.Ordinal);
        foreach (var name in plan.Tensors)
        {
            if (!ranges.TryGetValue(name, out var r)) continue;
            activation[name] = ActivationScale(r);
        }

        // Per quantised node: the new DQ inputs of its weight (and bias), and the Q/DQ pairs it needs before it.
        var nodeInputs = new Dictionary<int, string[]>();
        foreach (var q in plan.Operators)
        {
            if (!activation.TryGetValue(q.Input, out var x)) continue;
            if (q.Output is { } o && !activation.ContainsKey(o)) continue; // a Conv without its output Q would not fuse
            var (dims, w) = initializers[q.Weight];
            if (w is null) continue;
            int channels = (int)dims[q.Axis];
            var (qw, scales) = QuantizeWeights(w, dims, q.Axis, options.WeightBits);
            string prefix = "fiqa_qdq/" + q.Weight;
            added.Add((prefix + "/int8", dims, Int8, (byte[])(Array)qw));
            added.Add((prefix + "/scale", [channels], Float32, FloatBytes(scales)));
            added.Add((prefix + "/zero_point", [channels], Int8, new byte[channels]));
            var inputs = q.Node.Inputs.ToArray();
            inputs[q.WeightIndex] = prefix;
            plan.AddDequantize(q.NodeIndex, prefix, prefix + "/int8", prefix + "/scale", prefix + "/zero_point", axis: q.Axis);
            if (q.Bias is { } bias && initializers.TryGetValue(bias, out var b) && b.Values is { } bv && bv.Length == channels)
            {
                var biasScales = new float[channels];
                var qb = new int[channels];
                for (int c = 0; c < channels; c++)
                {
                    biasScales[c] = x.Scale * scales[c];
                    qb[c] = (int)Math.Clamp(Math.Round(bv[c] / (double)biasScales[c], MidpointRounding.ToEven), int.MinValue + 1, int.MaxValue);
                }
                string bp = "fiqa_qdq/" + bias;
                added.Add((bp + "/int32", [channels], Int32, IntBytes(qb)));
                added.Add((bp + "/scale", [channels], Float32, FloatBytes(biasScales)));
                added.Add((bp + "/zero_point", [channels], Int32, new byte[channels * 4]));
                plan.AddDequantize(q.NodeIndex, bp, bp + "/int32", bp + "/scale", bp + "/zero_point", axis: 0);
                inputs[2] = bp;
            }
            nodeInputs[q.NodeIndex] = inputs;
            // Every initializer a quantised node read is replaced (the model's weights are used by one node each;
            // one that is still read elsewhere is kept below).
            dropped.Add(q.Weight);
            if (q.Bias is { } db && inputs[2] != db) dropped.Add(db);
        }
        foreach (var (name, (scale, zero)) in activation)
        {
            string prefix = "fiqa_qdq/" + name;
            added.Add((prefix + "/scale", [], Float32, FloatBytes([scale])));
            added.Add((prefix + "/zero_point", [], Uint8, [zero]));
            rename[name] = prefix + "/dequantized";
        }

        // Initialisers still read by a node that stays float are kept.
        for (int i = 0; i < plan.Nodes.Count; i++)
        {
            if (nodeInputs.ContainsKey(i)) continue;
            foreach (var input in plan.Nodes[i].Inputs) dropped.Remove(input);
        }

        var nodes = new List<NodeProto>(graph.Node.Count);
        var emitted = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            var inputs = nodeInputs.TryGetValue(i, out var replaced) ? replaced : [.. node.Input];
            // Q/DQ of each activation this node reads, placed before its first reader (after its producer).
            for (int k = 0; k < inputs.Length; k++)
            {
                if (!rename.TryGetValue(inputs[k], out var dq)) continue;
                if (emitted.Add(inputs[k]))
                {
                    string prefix = "fiqa_qdq/" + inputs[k];
                    nodes.Add(QdqNode("QuantizeLinear", [inputs[k], prefix + "/scale", prefix + "/zero_point"], prefix + "/quantized", null));
                    nodes.Add(QdqNode("DequantizeLinear", [prefix + "/quantized", prefix + "/scale", prefix + "/zero_point"], dq, null));
                }
                inputs[k] = dq;
            }
            foreach (var (output, qi, scale, zero, axis) in plan.Dequantizers(i))
                nodes.Add(QdqNode("DequantizeLinear", [qi, scale, zero], output, axis));
            node.Input.Clear();
            node.Input.Add(inputs);
            nodes.Add(node);
        }
        graph.Node.Clear();
        graph.Node.Add(nodes);
        var kept = graph.Initializer.Where(t => !t.HasName || !dropped.Contains(t.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.Add(kept);
        foreach (var (name, dims, dataType, raw) in added) graph.Initializer.Add(Tensor(name, dims, dataType, raw));
        graph.ValueInfo.Clear(); // intermediate shape notes: the runtime infers them again

        bool hasDomain = false;
        foreach (var o in proto.OpsetImport)
        {
            if (o.Domain == QdqDomain) hasDomain = true;
            if (o.Domain is "" or "ai.onnx" && opsetVersion < 10) o.Version = 10;
        }
        if (!hasDomain) proto.OpsetImport.Add(new OperatorSetIdProto { Domain = QdqDomain, Version = 1 });
        return proto.ToByteArray();
    }

    /// <summary>uint8 scale and zero point of a range widened to hold 0 (zero must be exact: padding and ReLU produce it).</summary>
    private static (float Scale, byte ZeroPoint) ActivationScale(ActivationRange r)
    {
        double lo = Math.Min(0, r.Min), hi = Math.Max(0, r.Max);
        if (!(hi > lo) || !double.IsFinite(hi - lo)) return (1f, 0);
        float scale = (float)((hi - lo) / 255);
        return (scale, (byte)Math.Clamp(Math.Round(-lo / scale, MidpointRounding.ToEven), 0, 255));
    }

    private static (sbyte[] Values, float[] Scales) QuantizeWeights(float[] w, long[] dims, int axis, int bits)
    {
        // Element (…, c, …) of a tensor laid out row-major: c = (i / inner) % channels.
        int channels = (int)dims[axis];
        long inner = 1;
        for (int d = axis + 1; d < dims.Length; d++) inner *= dims[d];
        int qmax = (1 << (bits - 1)) - 1;
        var max = new float[channels];
        for (long i = 0; i < w.Length; i++)
        {
            int c = (int)(i / inner % channels);
            max[c] = Math.Max(max[c], Math.Abs(w[i]));
        }
        var scales = new float[channels];
        for (int c = 0; c < channels; c++) scales[c] = max[c] > 0 ? max[c] / qmax : 1f;
        var q = new sbyte[w.Length];
        for (long i = 0; i < w.Length; i++)
        {
            int c = (int)(i / inner % channels);
            q[i] = (sbyte)Math.Clamp(Math.Round(w[i] / scales[c], MidpointRounding.ToEven), -qmax, qmax);
        }
        return (q, scales);
    }

    private static byte[] FloatBytes(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static byte[] IntBytes(int[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static NodeProto QdqNode(string op, string[] inputs, string output, int? axis)
    {
        var node = new NodeProto { Name = output, OpType = op, Domain = QdqDomain };
        node.Input.Add(inputs);
        node.Output.Add(output);
        if (axis is int a) node.Attribute.Add(new AttributeProto { Name = "axis", I = a, Type = AttributeProto.Types.AttributeType.Int });
        return node;
    }

    /// <summary>Which nodes are quantised and which activations need a range.</summary>
    private sealed class QdqPlan
    {
        public required IReadOnlyList<FullNode> Nodes { get; init; }
        public required List<QuantisedOperator> Operators { get; init; }
        public required List<string> Tensors { get; init; }
        private readonly Dictionary<int, List<(string, string, string, string, int?)>> _dequantizers = [];

        public sealed record QuantisedOperator(int NodeIndex, FullNode Node, string Input, string Weight, int WeightIndex, int Axis, string? Bias, string? Output);

        public void AddDequantize(int node, string output, string input, string scale, string zero, int? axis)
        {
            if (!_dequantizers.TryGetValue(node, out var list)) _dequantizers[node] = list = [];
            list.Add((output, input, scale, zero, axis));
        }

        public List<(string Output, string Input, string Scale, string Zero, int? Axis)> Dequantizers(int node) =>
            _dequantizers.TryGetValue(node, out var list) ? list : [];

        public static QdqPlan Make(GraphProto graph, QdqOptions options)
        {
            var nodes = FullNodes(graph);
            var shapes = InitializerShapes(graph);
            var consumers = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            for (int i = 0; i < nodes.Count; i++)
                foreach (var input in nodes[i].Inputs)
                {
                    if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = [];
                    list.Add(i);
                }
            var operators = new List<QuantisedOperator>();
            var tensors = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            void Need(string t) { if (seen.Add(t)) tensors.Add(t); }
            for (int i = 0; i < nodes.Count; i++)
            {
                var n = nodes[i];
                if (!options.Operators.Contains(n.OpType) || n.Inputs.Count < 2) continue;
                string x = n.Inputs[0], w = n.Inputs[1];
                if (shapes.ContainsKey(x) || !shapes.TryGetValue(w, out var wd)) continue; // weight must be a constant
                int axis;
                switch (n.OpType)
                {
                    case "Conv" when wd.Length >= 3: axis = 0; break;
                    case "Gemm" when wd.Length == 2 && n.IntegerOr("transA", 0) == 0: axis = n.IntegerOr("transB", 0) == 1 ? 0 : 1; break;
                    case "MatMul" when wd.Length == 2: axis = 1; break;
                    default: continue;
                }
                string? bias = null;
                if (n.Inputs.Count > 2)
                {
                    // Conv's bias is per output channel; Gemm's C is too only when it is a vector of that length.
                    if (!shapes.TryGetValue(n.Inputs[2], out var bd) || bd.Length != 1 || bd[0] != wd[axis]) continue;
                    if (n.OpType == "Gemm" && (n.RealOr("alpha", 1f) != 1f || n.RealOr("beta", 1f) != 1f)) continue;
                    bias = n.Inputs[2];
                }
                string? output = null;
                if (n.OpType == "Conv")
                {
                    // The runtime fuses DQ → Conv → Q; a ReLU between Conv and Q is folded in when Q's zero point is 0.
                    output = n.Outputs[0];
                    if (consumers.TryGetValue(output, out var c) && c.Count == 1 && nodes[c[0]].OpType == "Relu") output = nodes[c[0]].Outputs[0];
                }
                operators.Add(new QuantisedOperator(i, n, x, w, 1, axis, bias, output));
                Need(x);
                if (output is not null) Need(output);
            }
            return new QdqPlan { Nodes = nodes, Operators = operators, Tensors = tensors };
        }
    }
}

using Fiqa.Onnx.Proto;
using static Fiqa.Onnx.OnnxGraph;

namespace Fiqa.Onnx;

/// <summary>Builds, with the project's graph editor, the reverse-mode (vector–Jacobian) pass of a feed-forward ONNX model
/// with respect to its input, as more ONNX nodes appended to the same graph — ONNX Runtime's inference package has no
/// gradient API. Each supported operator has a hand-written rule emitted as ONNX operators: ConvTranspose with the same
/// weights, group, strides, pads and dilations for Conv; a masked product for PRelu, Relu and LeakyRelu; fan-out sums
/// for tensors read twice (residual branches); the inverse Reshape for Reshape and Flatten; and so on. An operator on
/// the path from input to output without a rule is a <see cref="ModelConfigurationException"/> naming it.</summary>
public static class InputGradientGraph
{
    /// <summary>The added input holding the reference embedding of <see cref="CosineLoss"/> (any norm; shape of the output).</summary>
    public const string TargetInput = "fiqa_target";
    /// <summary>The added input holding the vector v of <see cref="VectorJacobian"/> (shape of the output).</summary>
    public const string OutputGradientInput = "fiqa_output_gradient";
    /// <summary>The added output: cos(output, target), shape [1, 1].</summary>
    public const string CosineOutput = "fiqa_cosine";
    /// <summary>The added output: the loss's gradient with respect to the model input (shape of the input).</summary>
    public const string InputGradientOutput = "fiqa_input_gradient";

    /// <summary>Operators with a rule.</summary>
    public static IReadOnlySet<string> SupportedOperators { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Conv", "BatchNormalization", "PRelu", "Relu", "LeakyRelu", "Sigmoid", "Add", "Mul", "Reshape", "Flatten",
        "Gemm", "MatMul", "GlobalAveragePool", "Identity",
    };

    /// <summary>The model extended with the loss 1 − cos(output, <see cref="TargetInput"/>) and its gradient with respect
    /// to <paramref name="input"/>. Outputs: the model's <paramref name="output"/>, <see cref="CosineOutput"/>,
    /// <see cref="InputGradientOutput"/>. The output must be [1, E].</summary>
    public static byte[] CosineLoss(byte[] model, string input, long[] inputShape, string output) => Build(model, input, inputShape, output, cosine: true);

    /// <summary>The model extended with vᵀ·∂output/∂input for a vector v given as <see cref="OutputGradientInput"/>.
    /// Outputs: the model's <paramref name="output"/>, <see cref="InputGradientOutput"/>.</summary>
    public static byte[] VectorJacobian(byte[] model, string input, long[] inputShape, string output) => Build(model, input, inputShape, output, cosine: false);

    private static byte[] Build(byte[] model, string input, long[] inputShape, string output, bool cosine)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(output);
        // Parsed once: the builder reads nodes, shapes and weights from it, and the extension is written into it.
        var proto = Parse(model);
        var b = new Builder(proto);
        b.Forward(input, inputShape);
        if (!b.Shapes.TryGetValue(output, out var outShape))
            throw new ModelConfigurationException($"no tensor '{output}' is computed from input '{input}'");
        string seed;
        (string, long[])[] inputs;
        string[] outputs;
        if (cosine)
        {
            if (outShape.Length != 2 || outShape[0] != 1)
                throw new ModelConfigurationException($"the cosine loss needs an output of shape [1, E]; '{output}' is [{string.Join(",", outShape)}]");
            seed = b.CosineHead(output, TargetInput);
            inputs = [(TargetInput, outShape)];
            outputs = [output, CosineOutput, InputGradientOutput];
        }
        else
        {
            seed = OutputGradientInput;
            inputs = [(OutputGradientInput, outShape)];
            outputs = [output, InputGradientOutput];
        }
        b.Backward(input, output, seed, InputGradientOutput);
        return Extended(proto, b.Nodes, b.Initializers, inputs, outputs);
    }

    private sealed class Builder(ModelProto model)
    {
        private readonly IReadOnlyList<FullNode> _graph = FullNodes(model.Graph);
        private readonly IReadOnlyDictionary<string, long[]> _initShapes = InitializerShapes(model.Graph);
        private readonly long _opset = Opset(model);
        private readonly Dictionary<string, List<string>> _contributions = new(StringComparer.Ordinal);
        private int _counter;

        public Dictionary<string, long[]> Shapes { get; } = new(StringComparer.Ordinal);
        public List<NewNode> Nodes { get; } = [];
        public List<NewInitializer> Initializers { get; } = [];

        private bool Active(string tensor) => Shapes.ContainsKey(tensor) && !_initShapes.ContainsKey(tensor);

        private long[] ShapeOf(string tensor) =>
            Shapes.TryGetValue(tensor, out var s) ? s
            : _initShapes.TryGetValue(tensor, out var i) ? i
            : throw new ModelConfigurationException($"the gradient builder cannot tell the shape of '{tensor}' (not an initializer, not computed from the input)");

        // Forward shape inference over the nodes that depend on the input (the others — constants, shape arithmetic —
        // have no gradient to carry).
        public void Forward(string input, long[] inputShape)
        {
            if (_opset < 9) throw new ModelConfigurationException($"the gradient builder needs operator set 9 or later (Where); the model has {_opset}");
            Shapes[input] = inputShape;
            foreach (var n in _graph)
            {
                if (!n.Inputs.Any(Active)) continue;
                if (!SupportedOperators.Contains(n.OpType))
                    throw new ModelConfigurationException(
                        $"operator {n.OpType} (node producing '{n.Outputs[0]}') has no gradient rule; supported: {string.Join(", ", SupportedOperators.Order(StringComparer.Ordinal))}");
                Shapes[n.Outputs[0]] = OutputShape(n);
            }
        }

        private long[] OutputShape(FullNode n)
        {
            var x = ShapeOf(n.Inputs[0]);
            switch (n.OpType)
            {
                case "Conv":
                {
                    if (n.Strings.Contains("auto_pad")) throw new ModelConfigurationException($"Conv '{n.Outputs[0]}': auto_pad is not supported by the gradient builder");
                    var w = ShapeOf(n.Inputs[1]);
                    int spatial = x.Length - 2;
                    var (strides, pads, dilations) = ConvGeometry(n, spatial);
                    var y = new long[x.Length];
                    y[0] = x[0];
                    y[1] = w[0];
                    for (int d = 0; d < spatial; d++)
                        y[2 + d] = (x[2 + d] + pads[d] + pads[spatial + d] - dilations[d] * (w[2 + d] - 1) - 1) / strides[d] + 1;
                    return y;
                }
                case "Add" or "Mul":
                    return Broadcast(x, ShapeOf(n.Inputs[1]));
                case "Reshape":
                {
                    var target = Int64Initializer(model.Graph, n.Inputs[1]);
                    long total = x.Aggregate(1L, (a, v) => a * v), known = 1;
                    var y = new long[target.Length];
                    int unknown = -1;
                    for (int i = 0; i < y.Length; i++)
                    {
                        y[i] = target[i] == 0 ? x[i] : target[i];
                        if (y[i] == -1) unknown = i;
                        else known *= y[i];
                    }
                    if (unknown >= 0) y[unknown] = total / known;
                    return y;
                }
                case "Flatten":
                {
                    long axis = n.IntegerOr("axis", 1);
                    if (axis < 0) axis += x.Length;
                    return [x.Take((int)axis).Aggregate(1L, (a, v) => a * v), x.Skip((int)axis).Aggregate(1L, (a, v) => a * v)];
                }
                case "Gemm":
                {
                    var w = ShapeOf(n.Inputs[1]);
                    long m = n.IntegerOr("transA", 0) == 0 ? x[0] : x[1];
                    long cols = n.IntegerOr("transB", 0) == 0 ? w[1] : w[0];
                    return [m, cols];
                }
                case "MatMul":
                    return [x[0], ShapeOf(n.Inputs[1])[^1]];
                case "GlobalAveragePool":
                    return [x[0], x[1], .. Enumerable.Repeat(1L, x.Length - 2)];
                default: // element-wise: BatchNormalization, PRelu, Relu, LeakyRelu, Sigmoid, Identity
                    return x;
            }
        }

        private static (long[] Strides, long[] Pads, long[] Dilations) ConvGeometry(FullNode n, int spatial) =>
            (n.IntegersOr("strides", [.. Enumerable.Repeat(1L, spatial)]), n.IntegersOr("pads", new long[2 * spatial]),
             n.IntegersOr("dilations", [.. Enumerable.Repeat(1L, spatial)]));

        private static long[] Broadcast(long[] a, long[] b)
        {
            int rank = Math.Max(a.Length, b.Length);
            var y = new long[rank];
            for (int i = 0; i < rank; i++)
            {
                long da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1, db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
                y[i] = Math.Max(da, db);
            }
            return y;
        }

        private string Name(string hint) => $"fiqa_grad/{_counter++}/{hint}";

        private string Emit(string op, string[] inputs, Func<NewNode, NewNode>? attributes = null, string? output = null)
        {
            var node = new NewNode(op, inputs, [output ?? Name(op)]);
            Nodes.Add(attributes is null ? node : attributes(node));
            return node.Outputs[0];
        }

        private string Constant(float[] values, long[] dims)
        {
            var name = Name("const");
            Initializers.Add(new NewInitializer(name, dims, Floats: values));
            return name;
        }

        private string LongConstant(long[] values)
        {
            var name = Name("shape");
            Initializers.Add(new NewInitializer(name, [values.Length], Longs: values));
            return name;
        }

        // Reductions over axis 1 with keepdims: axes are an attribute before opset 13 (ReduceSum) or 18 (ReduceL2).
        private string Reduce(string op, string x)
        {
            bool axesAsInput = op == "ReduceSum" ? _opset >= 13 : _opset >= 18;
            return axesAsInput
                ? Emit(op, [x, LongConstant([1])], n => n with { IntValues = new Dictionary<string, long> { ["keepdims"] = 1 } })
                : Emit(op, [x], n => n with { IntLists = new Dictionary<string, long[]> { ["axes"] = [1] }, IntValues = new Dictionary<string, long> { ["keepdims"] = 1 } });
        }

        /// <summary>cos(e, t) as <see cref="CosineOutput"/>, and ∂(1 − cos)/∂e = (u·c − v)/‖e‖ with u = e/‖e‖, v = t/‖t‖.</summary>
        public string CosineHead(string e, string t)
        {
            var en = Reduce("ReduceL2", e);
            var tn = Reduce("ReduceL2", t);
            var u = Emit("Div", [e, en]);
            var v = Emit("Div", [t, tn]);
            var c = Reduce("ReduceSum", Emit("Mul", [u, v]));
            Emit("Identity", [c], output: CosineOutput);
            return Emit("Div", [Emit("Sub", [Emit("Mul", [u, c]), v]), en]);
        }

        private string GradientOf(string tensor)
        {
            var list = _contributions[tensor];
            return list.Count == 1 ? list[0] : Emit("Sum", [.. list]);
        }

        private void Contribute(string tensor, string gradient)
        {
            if (!Active(tensor)) return;
            if (!_contributions.TryGetValue(tensor, out var list)) _contributions[tensor] = list = [];
            list.Add(gradient);
        }

        public void Backward(string input, string output, string seed, string result)
        {
            _contributions[output] = [seed];
            for (int i = _graph.Count - 1; i >= 0; i--)
            {
                var n = _graph[i];
                if (!Shapes.ContainsKey(n.Outputs[0]) || !_contributions.ContainsKey(n.Outputs[0])) continue;
                Rule(n, GradientOf(n.Outputs[0]));
            }
            if (!_contributions.ContainsKey(input)) throw new ModelConfigurationException($"'{output}' does not depend on '{input}'");
            Emit("Identity", [GradientOf(input)], output: result);
        }

        private void Rule(FullNode n, string g)
        {
            string x = n.Inputs[0], y = n.Outputs[0];
            var xs = ShapeOf(x);
            switch (n.OpType)
            {
                case "Conv":
                {
                    if (Active(n.Inputs[1])) throw new ModelConfigurationException($"Conv '{y}': weights computed in the graph are not supported");
                    var w = ShapeOf(n.Inputs[1]);
                    int spatial = xs.Length - 2;
                    var (strides, pads, dilations) = ConvGeometry(n, spatial);
                    var ys = Shapes[y];
                    // ConvTranspose's output size is (in − 1)·s − pads + d·(k − 1) + 1 + output_padding; output_padding
                    // restores the rows a strided Conv dropped.
                    var outputPadding = new long[spatial];
                    for (int d = 0; d < spatial; d++)
                        outputPadding[d] = xs[2 + d] - ((ys[2 + d] - 1) * strides[d] - pads[d] - pads[spatial + d] + dilations[d] * (w[2 + d] - 1) + 1);
                    var ints = new Dictionary<string, long[]>
                    {
                        ["strides"] = strides, ["pads"] = pads, ["dilations"] = dilations, ["kernel_shape"] = w[2..],
                    };
                    if (outputPadding.Any(p => p != 0)) ints["output_padding"] = outputPadding;
                    Contribute(x, Emit("ConvTranspose", [g, n.Inputs[1]], nd => nd with
                    {
                        IntLists = ints, IntValues = new Dictionary<string, long> { ["group"] = n.IntegerOr("group", 1) },
                    }));
                    break;
                }
                case "BatchNormalization":
                {
                    // Inference form: y = (x − mean)·scale/√(var + ε) + bias, so ∂y/∂x is the per-channel factor.
                    var scale = FloatInitializer(model.Graph, n.Inputs[1]).Values;
                    var variance = FloatInitializer(model.Graph, n.Inputs[4]).Values;
                    float eps = n.RealOr("epsilon", 1e-5f);
                    var factor = new float[scale.Length];
                    for (int c = 0; c < factor.Length; c++) factor[c] = (float)(scale[c] / Math.Sqrt(variance[c] + eps));
                    Contribute(x, Emit("Mul", [g, Constant(factor, [factor.Length, .. Enumerable.Repeat(1L, xs.Length - 2)])]));
                    break;
                }
                case "PRelu":
                    Contribute(x, Emit("Where", [Emit("Greater", [x, Constant([0f], [])]), g, Emit("Mul", [g, n.Inputs[1]])]));
                    break;
                case "LeakyRelu":
                    Contribute(x, Emit("Where", [Emit("Greater", [x, Constant([0f], [])]), g, Emit("Mul", [g, Constant([n.RealOr("alpha", 0.01f)], [])])]));
                    break;
                case "Relu":
                {
                    var mask = Emit("Cast", [Emit("Greater", [y, Constant([0f], [])])], nd => nd with { IntValues = new Dictionary<string, long> { ["to"] = 1 } });
                    Contribute(x, Emit("Mul", [g, mask]));
                    break;
                }
                case "Sigmoid":
                    Contribute(x, Emit("Mul", [g, Emit("Mul", [y, Emit("Sub", [Constant([1f], []), y])])]));
                    break;
                case "Identity":
                    Contribute(x, g);
                    break;
                case "Add":
                    foreach (var a in n.Inputs.Distinct())
                    {
                        if (!Active(a)) continue;
                        RequireFullShape(n, a);
                        Contribute(a, n.Inputs[0] == n.Inputs[1] ? Emit("Add", [g, g]) : g);
                    }
                    break;
                case "Mul":
                    for (int k = 0; k < 2; k++)
                    {
                        var a = n.Inputs[k];
                        if (!Active(a)) continue;
                        RequireFullShape(n, a);
                        Contribute(a, Emit("Mul", [g, n.Inputs[1 - k]]));
                    }
                    break;
                case "Reshape" or "Flatten":
                    Contribute(x, Emit("Reshape", [g, LongConstant(xs)]));
                    break;
                case "Gemm":
                {
                    if (n.IntegerOr("transA", 0) != 0) throw new ModelConfigurationException($"Gemm '{y}': transA = 1 is not supported by the gradient builder");
                    if (Active(n.Inputs[1])) throw new ModelConfigurationException($"Gemm '{y}': weights computed in the graph are not supported");
                    // y = α·A·op(B) + β·C, so ∂/∂A = α·g·op(B)ᵀ; with transB = 1, op(B)ᵀ is B itself.
                    string bt = n.IntegerOr("transB", 0) != 0 ? n.Inputs[1] : Transposed(n.Inputs[1]);
                    var d = Emit("MatMul", [g, bt]);
                    float alpha = n.RealOr("alpha", 1f);
                    Contribute(x, alpha == 1f ? d : Emit("Mul", [d, Constant([alpha], [])]));
                    break;
                }
                case "MatMul":
                    if (xs.Length != 2 || Active(n.Inputs[1])) throw new ModelConfigurationException($"MatMul '{y}': only a 2-D input times a constant matrix is supported");
                    Contribute(x, Emit("MatMul", [g, Transposed(n.Inputs[1])]));
                    break;
                case "GlobalAveragePool":
                {
                    long area = xs.Skip(2).Aggregate(1L, (a, v) => a * v);
                    var spread = new float[area];
                    Array.Fill(spread, 1f / area);
                    Contribute(x, Emit("Mul", [g, Constant(spread, [1, 1, .. xs[2..]])]));
                    break;
                }
                default:
                    throw new ModelConfigurationException($"operator {n.OpType} has no gradient rule");
            }
        }

        private void RequireFullShape(FullNode n, string a)
        {
            if (!ShapeOf(a).SequenceEqual(Shapes[n.Outputs[0]]))
                throw new ModelConfigurationException($"{n.OpType} '{n.Outputs[0]}': broadcasting an activation is not supported by the gradient builder");
        }

        private string Transposed(string matrix)
        {
            var m = FloatInitializer(model.Graph, matrix);
            if (m.Dims.Length != 2) throw new ModelConfigurationException($"'{matrix}' is not a matrix");
            int rows = (int)m.Dims[0], cols = (int)m.Dims[1];
            var t = new float[m.Values.Length];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) t[c * rows + r] = m.Values[r * cols + c];
            return Constant(t, [cols, rows]);
        }
    }
}

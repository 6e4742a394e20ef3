using Fiqa.Onnx;
using static Fiqa.Onnx.OnnxGraph;

namespace Fiqa.Quality.Unified;

/// <summary>A quality head and its embedder as one image-in, score-out ONNX model: the embedder graph with the head's
/// inputs computed inside it (L1 norms of the observed tensors, the embedding norm, SER-FIQ's masked re-runs of the last
/// layer with the head's own masks), then standardisation, the MLP and its GELU. Its manifest (task <c>quality</c>)
/// takes the embedder's input and alignment, so <c>onnx:MANIFEST</c> runs it like any other exported quality model —
/// and the export can be checked against the in-process head.</summary>
public static class QualityHeadOnnx
{
    /// <summary>The exported model's output: the head's score, shape [1].</summary>
    public const string Output = "fiqa_quality";

    /// <summary>The model bytes for <paramref name="head"/> on <paramref name="embedder"/>.</summary>
    public static byte[] Export(QualityHead head, ModelManifest embedder)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(embedder);
        var nodes = new List<NewNode>();
        var inits = new List<NewInitializer>();
        int next = 0;
        string Name(string what) => $"fiqa_head_{what}_{next++}";
        string Constant(float[] values, params long[] dims)
        {
            var name = Name("const");
            inits.Add(new NewInitializer(name, dims, values));
            return name;
        }
        var toVector = Name("shape");
        inits.Add(new NewInitializer(toVector, [1], Longs: [1]));
        var toFlat = Name("shape");
        inits.Add(new NewInitializer(toFlat, [1], Longs: [-1]));
        var toRow = Name("shape");
        inits.Add(new NewInitializer(toRow, [2], Longs: [1, -1]));
        string Op(string op, IReadOnlyList<string> inputs, Func<NewNode, NewNode>? attributes = null)
        {
            var output = Name(op.ToLowerInvariant());
            var node = new NewNode(op, inputs, [output]);
            nodes.Add(attributes is null ? node : attributes(node));
            return output;
        }
        var tiny = Constant([1e-30f], 1);
        string LogOf(string scalar) => Op("Reshape", [Op("Log", [Op("Max", [scalar, tiny])]), toVector]);
        // ‖v‖₂ of each row of a [rows, width] tensor as [rows, 1]: sum of squares by a ones column (no axes, so any opset).
        string RowNorms(string matrix, int width) => Op("Sqrt", [Op("MatMul", [Op("Mul", [matrix, matrix]), Constant(Enumerable.Repeat(1f, width).ToArray(), width, 1)])]);

        var features = new List<string>();
        foreach (var tensor in head.ObservedTensors)
            features.Add(LogOf(Op("ReduceL1", [tensor])));
        var embedding = embedder.Outputs[0];
        foreach (var extra in head.ExtraInputs)
        {
            features.Add(extra switch
            {
                QualityHead.EmbeddingNormInput => LogOf(Op("ReduceL2", [embedding])), // no axes: the whole [1, D] embedding
                QualityHead.SerFiqInput => Op("Reshape", [SerFiqScore(head.SerFiq), toVector]),
                // The unit embedding as D inputs, normalised as FaceEmbedding does.
                QualityHead.EmbeddingInput => Op("Reshape", [Op("Div", [embedding, RowNorms(embedding, head.EmbeddingWidth)]), toFlat]),
                var other => throw new ModelConfigurationException($"cannot export the head input '{other}'"),
            });
        }

        string SerFiqScore(SerFiqOptions options)
        {
            var layer = Face.Onnx.PenultimateLayer.Read(embedder);
            var masks = SerFiq.Masks(layer.InputSize, options);
            int t = masks.Length;
            var x = Op("Reshape", [layer.Tensor, toRow]);
            var masked = Op("Mul", [x, Constant(masks.SelectMany(m => m).ToArray(), t, layer.InputSize)]);
            var e = Op("Gemm", [masked, Constant(layer.Weights, layer.OutputSize, layer.InputSize), Constant(layer.Bias, layer.OutputSize)],
                n => n with { IntValues = new Dictionary<string, long> { ["transB"] = 1 } });
            var unit = Op("Div", [e, RowNorms(e, layer.OutputSize)]);
            var gram = Op("MatMul", [unit, Op("Transpose", [unit], n => n with { IntLists = new Dictionary<string, long[]> { ["perm"] = [1, 0] } })]);
            // ‖a − b‖ = √(2 − 2 a·b) for unit rows; the mean over pairs i < j, summed in double as the C# does.
            var squared = Op("Relu", [Op("Add", [Op("Mul", [gram, Constant([-2f], 1)]), Constant([2f], 1)])]);
            var upper = new float[t * t];
            for (int i = 0; i < t; i++)
                for (int j = i + 1; j < t; j++) upper[i * t + j] = 1;
            var distances = Op("Mul", [Op("Sqrt", [squared]), Constant(upper, t, t)]);
            var sum = Op("Cast", [Op("ReduceSum", [Op("Cast", [distances], n => n with { IntValues = new Dictionary<string, long> { ["to"] = 11 } })])],
                n => n with { IntValues = new Dictionary<string, long> { ["to"] = 1 } });
            long pairs = (long)t * (t - 1) / 2;
            var mean = Op("Mul", [sum, Constant([pairs == 0 ? 0f : (float)(1.0 / pairs)], 1)]);
            return Op("Mul", [Op("Sigmoid", [Op("Neg", [mean])]), Constant([2f], 1)]); // 2 / (1 + e^mean)
        }

        int n = head.InputSize, h = head.HiddenSize;
        var weights = head.Weights;
        var input = features.Count == 1 ? features[0] : Op("Concat", features, node => node with { IntValues = new Dictionary<string, long> { ["axis"] = 0 } });
        var standard = Op("Reshape", [Op("Mul", [Op("Sub", [input, Constant([.. weights.InputMean], n)]), Constant([.. weights.InputScale], n)]), toRow]);
        var w1t = new float[n * h];
        for (int j = 0; j < h; j++)
            for (int i = 0; i < n; i++) w1t[i * h + j] = weights.W1[j * n + i];
        var pre = Op("Add", [Op("MatMul", [standard, Constant(w1t, n, h)]), Constant([.. weights.B1], h)]);
        // GELU, tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), as QualityHeadWeights.Gelu.
        var cube = Op("Mul", [Op("Mul", [pre, pre]), pre]);
        var inner = Op("Mul", [Op("Add", [pre, Op("Mul", [cube, Constant([QualityHeadWeights.GeluCubic], 1)])]), Constant([QualityHeadWeights.GeluScale], 1)]);
        var act = Op("Mul", [Op("Mul", [pre, Constant([0.5f], 1)]), Op("Add", [Op("Tanh", [inner]), Constant([1f], 1)])]);
        var score = Op("Add", [Op("MatMul", [act, Constant([.. weights.W2], h, 1)]), Constant([weights.B2], 1)]);
        nodes.Add(new NewNode("Reshape", [score, toVector], [Output]));
        return Extended(File.ReadAllBytes(embedder.ModelPath), nodes, inits, [], [Output]);
    }

    /// <summary>Writes <paramref name="onnxPath"/> and its manifest (same name, <c>.json</c>): the embedder's input and
    /// alignment, task <c>quality</c>, higher is better, the head's scalar (100·clamp(x, 0, 1)).</summary>
    public static string Write(QualityHead head, ModelManifest embedder, string onnxPath)
    {
        ArgumentNullException.ThrowIfNull(onnxPath);
        var bytes = Export(head, embedder);
        var full = Path.GetFullPath(onnxPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        var manifest = new ModelManifest
        {
            Name = Path.GetFileNameWithoutExtension(full),
            Task = "quality",
            File = Path.GetFileName(full),
            Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)),
            Source = $"fiqa export-head: the distilled quality head on {embedder.Name} ({embedder.Sha256})",
            Description = "Image in, the distilled head's score out (≈0..1); the embedder, the head's inputs and the MLP in one graph.",
            Input = embedder.Input,
            Outputs = [Output],
            Alignment = embedder.Alignment,
            Quality = new QualityModelSpec { Output = Output, OutputIndex = 0, HigherIsBetter = true },
        };
        var manifestPath = Path.ChangeExtension(full, ".json");
        manifest.Save(manifestPath);
        return manifestPath;
    }
}

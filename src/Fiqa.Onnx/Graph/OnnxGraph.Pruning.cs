using System.Buffers.Binary;
using System.Text;

namespace Fiqa.Onnx;

/// <summary>What <see cref="OnnxGraph.WithPrunedWeights(byte[], double)"/> did: how many weights it considered and how many are zero.</summary>
/// <param name="Tensors">Weight initialisers pruned (the inputs at index 1 of Conv, Gemm and MatMul nodes).</param>
/// <param name="Weights">Their values, all tensors together.</param>
/// <param name="ZeroBefore">Values that were already exactly zero.</param>
/// <param name="ZeroAfter">Values exactly zero in the pruned copy.</param>
/// <param name="Threshold">The largest magnitude set to zero (0 when none was).</param>
public sealed record PruningSummary(int Tensors, long Weights, long ZeroBefore, long ZeroAfter, float Threshold)
{
    /// <summary>Fraction of the weights that are zero in the pruned copy, 0..1.</summary>
    public double ZeroFraction => Weights == 0 ? 0 : (double)ZeroAfter / Weights;
}

public static partial class OnnxGraph
{
    private static readonly HashSet<string> WeightedOps = new(StringComparer.Ordinal) { "Conv", "Gemm", "MatMul" };

    /// <summary>The model with the fraction <paramref name="rate"/> (0..1) of its smallest-magnitude weights set to zero —
    /// unstructured, global magnitude pruning over the float32 weight initialisers of every Conv, Gemm and MatMul (their
    /// input at index 1; biases, PReLU slopes and other initialisers are untouched), as PreFIQs prunes the recogniser
    /// (Kolf et al., CVPRW 2026, arXiv 2605.13396). Exactly round(rate · N) of the N weights end at the bottom of the
    /// magnitude order and are zeroed: weights that are already zero count among them (they are the smallest), and
    /// ties at the threshold magnitude go in file order (initialiser order, then element order), so the result is the
    /// same bytes every time. Values are overwritten in place (same byte length), so the rest of the file is unchanged;
    /// rate 0 returns an identical copy.</summary>
    public static byte[] WithPrunedWeights(byte[] model, double rate) => WithPrunedWeights(model, rate, out _);

    /// <inheritdoc cref="WithPrunedWeights(byte[], double)"/>
    public static byte[] WithPrunedWeights(byte[] model, double rate, out PruningSummary summary)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(rate >= 0 && rate <= 1)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "the pruning rate must be in [0, 1]");
        var pruned = (byte[])model.Clone();
        var spans = WeightSpans(model, out int tensors);
        long n = 0;
        foreach (var (_, count) in spans) n += count;
        if (n > Array.MaxLength) throw new ModelConfigurationException($"too many weights to prune ({n})");

        var magnitudes = new float[n];
        long zeroBefore = 0;
        int k = 0;
        foreach (var (offset, count) in spans)
            for (int i = 0; i < count; i++)
            {
                float m = Math.Abs(ReadFloat(model, offset + 4 * i));
                if (m == 0) zeroBefore++;
                magnitudes[k++] = m;
            }

        long toZero = (long)Math.Round(rate * n, MidpointRounding.AwayFromZero);
        float threshold = 0;
        if (toZero > 0)
        {
            var sorted = (float[])magnitudes.Clone();
            Array.Sort(sorted);
            threshold = sorted[toZero - 1];
            // Everything strictly below the threshold goes; the rest of the quota from the ties, first in file order.
            long below = 0;
            foreach (float m in magnitudes) if (m < threshold) below++;
            long tiesLeft = toZero - below;
            k = 0;
            foreach (var (offset, count) in spans)
                for (int i = 0; i < count; i++, k++)
                {
                    float m = magnitudes[k];
                    bool remove = m < threshold || (m == threshold && tiesLeft-- > 0);
                    // A zero (either sign) stays as it is, so a rate below the zeros already there leaves the bytes.
                    if (remove && m != 0) BinaryPrimitives.WriteSingleLittleEndian(pruned.AsSpan(offset + 4 * i, 4), 0f);
                }
        }

        long zeroAfter = 0;
        foreach (var (offset, count) in spans)
            for (int i = 0; i < count; i++)
                if (ReadFloat(pruned, offset + 4 * i) == 0) zeroAfter++;
        summary = new PruningSummary(tensors, n, zeroBefore, zeroAfter, threshold);
        return pruned;
    }

    private static float ReadFloat(byte[] bytes, int offset) => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset, 4));

    /// <summary>Where the float32 values of the weight initialisers lie in the model file: (absolute byte offset, value
    /// count) per contiguous run, in initialiser order.</summary>
    private static List<(int Offset, int Count)> WeightSpans(byte[] model, out int tensors)
    {
        var graphField = Fields(model).FirstOrDefault(f => f.Number == ModelGraph && f.WireType == 2);
        if (graphField.End == 0) throw new ModelConfigurationException("not an ONNX model: no graph");
        var graph = model.AsSpan(graphField.ValueStart, graphField.ValueLength).ToArray();
        var graphFields = Fields(graph);
        var weights = graphFields.Where(f => f.Number == GraphNode && f.WireType == 2).Select(f => NodeOf(graph, f))
            .Where(n => WeightedOps.Contains(n.OpType) && n.Inputs.Count > 1 && n.Inputs[1].Length > 0)
            .Select(n => n.Inputs[1]).ToHashSet(StringComparer.Ordinal);

        var spans = new List<(int, int)>();
        tensors = 0;
        foreach (var f in graphFields.Where(f => f.Number == GraphInitializer && f.WireType == 2))
        {
            int tensorStart = graphField.ValueStart + f.ValueStart;
            var t = graph.AsSpan(f.ValueStart, f.ValueLength).ToArray();
            var fields = Fields(t);
            var name = fields.Where(g => g.Number == TensorName && g.WireType == 2).Select(g => Encoding.UTF8.GetString(t, g.ValueStart, g.ValueLength)).FirstOrDefault();
            if (name is null || !weights.Contains(name)) continue;
            long dataType = fields.Where(g => g.Number == TensorDataType && g.WireType == 0).Select(g => g.Varint).FirstOrDefault();
            if (dataType != 1) throw new ModelConfigurationException($"weight initialiser '{name}' is not float32 (data type {dataType}); only float32 weights can be pruned");
            tensors++;
            foreach (var g in fields)
            {
                // raw_data and packed float_data are little-endian float32 runs; unpacked float_data is one fixed32 each.
                if ((g.Number == TensorRawData || g.Number == TensorFloatData) && g.WireType == 2)
                {
                    if (g.ValueLength % 4 != 0) throw new ModelConfigurationException($"weight initialiser '{name}': {g.ValueLength} bytes is not a whole number of float32 values");
                    spans.Add((tensorStart + g.ValueStart, g.ValueLength / 4));
                }
                else if (g.Number == TensorFloatData && g.WireType == 5)
                {
                    spans.Add((tensorStart + g.ValueStart, 1));
                }
            }
            if (fields.Any(g => g.Number == TensorDataLocation && g.WireType == 0 && g.Varint == 1))
                throw new ModelConfigurationException($"weight initialiser '{name}' is stored outside the model file; only embedded weights can be pruned");
        }
        return spans;
    }

    // TensorProto.data_location = 14 (1 = EXTERNAL).
    private const int TensorDataLocation = 14;
}

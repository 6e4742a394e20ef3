using System.Runtime.InteropServices;
using Fiqa.Onnx.Proto;
using Google.Protobuf;

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
    /// same bytes every time. Only those values change (each tensor keeps its storage field and length); a rate that
    /// zeroes nothing new, such as 0, returns an identical copy of the file.</summary>
    public static byte[] WithPrunedWeights(byte[] model, double rate) => WithPrunedWeights(model, rate, out _);

    /// <inheritdoc cref="WithPrunedWeights(byte[], double)"/>
    public static byte[] WithPrunedWeights(byte[] model, double rate, out PruningSummary summary)
    {
        if (!(rate >= 0 && rate <= 1)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "the pruning rate must be in [0, 1]");
        var proto = Parse(model);
        var weights = WeightTensors(proto.Graph);
        // Each tensor's values in one array: float_data (field 4) first, then raw_data (field 9), the order the file
        // stores them in; a tensor holds one or the other in practice.
        var values = weights.Select(t => (float[])[.. t.FloatData, .. RawFloats(t)]).ToList();
        long n = values.Sum(v => (long)v.Length);
        if (n > Array.MaxLength) throw new ModelConfigurationException($"too many weights to prune ({n})");

        var magnitudes = new float[n];
        long zeroBefore = 0;
        int k = 0;
        foreach (var v in values)
            foreach (float x in v)
            {
                float m = Math.Abs(x);
                if (m == 0) zeroBefore++;
                magnitudes[k++] = m;
            }

        long toZero = (long)Math.Round(rate * n, MidpointRounding.AwayFromZero);
        float threshold = 0;
        bool changed = false;
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
            foreach (var v in values)
                for (int i = 0; i < v.Length; i++, k++)
                {
                    float m = magnitudes[k];
                    bool remove = m < threshold || (m == threshold && tiesLeft-- > 0);
                    // A zero (either sign) stays as it is, so a rate below the zeros already there leaves the bytes.
                    if (remove && m != 0)
                    {
                        v[i] = 0f;
                        changed = true;
                    }
                }
        }

        long zeroAfter = values.Sum(v => (long)v.Count(x => x == 0));
        summary = new PruningSummary(weights.Count, n, zeroBefore, zeroAfter, threshold);
        if (!changed) return (byte[])model.Clone();
        for (int i = 0; i < weights.Count; i++)
        {
            var t = weights[i];
            int packed = t.FloatData.Count;
            for (int j = 0; j < packed; j++) t.FloatData[j] = values[i][j];
            if (t.HasRawData) t.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values[i].AsSpan(packed)));
        }
        return proto.ToByteArray();
    }

    private static ReadOnlySpan<float> RawFloats(TensorProto t) => MemoryMarshal.Cast<byte, float>(t.RawData.Span);

    /// <summary>The float32 weight initialisers (input 1 of Conv, Gemm and MatMul), in initialiser order.</summary>
    private static List<TensorProto> WeightTensors(GraphProto graph)
    {
        var names = graph.Node.Where(n => WeightedOps.Contains(n.OpType) && n.Input.Count > 1 && n.Input[1].Length > 0)
            .Select(n => n.Input[1]).ToHashSet(StringComparer.Ordinal);
        var weights = new List<TensorProto>();
        foreach (var t in graph.Initializer)
        {
            if (!t.HasName || !names.Contains(t.Name)) continue;
            if (t.DataType != Float32) throw new ModelConfigurationException($"weight initialiser '{t.Name}' is not float32 (data type {t.DataType}); only float32 weights can be pruned");
            if (t.RawData.Length % 4 != 0) throw new ModelConfigurationException($"weight initialiser '{t.Name}': {t.RawData.Length} bytes is not a whole number of float32 values");
            if (t.DataLocation == TensorProto.Types.DataLocation.External)
                throw new ModelConfigurationException($"weight initialiser '{t.Name}' is stored outside the model file; only embedded weights can be pruned");
            weights.Add(t);
        }
        return weights;
    }
}

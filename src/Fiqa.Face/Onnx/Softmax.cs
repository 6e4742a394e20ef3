namespace Fiqa.Face.Onnx;

internal static class Softmax
{
    /// <summary>Numerically stable softmax, in double for reproducible sums.</summary>
    public static double[] Of(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (var v in logits) max = Math.Max(max, v);
        var p = new double[logits.Length];
        double sum = 0;
        for (int i = 0; i < p.Length; i++) sum += p[i] = Math.Exp(logits[i] - max);
        for (int i = 0; i < p.Length; i++) p[i] /= sum;
        return p;
    }
}

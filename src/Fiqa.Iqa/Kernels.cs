using System.Numerics;

namespace Fiqa.Iqa;

/// <summary>Vectorised correlation kernels. Each output is computed exactly as the scalar definition does it — taps in
/// order, from zero, separate multiply and add (never fused) — so results are bit-identical to a per-pixel loop; only
/// the outputs are computed <see cref="Vector{T}.Count"/> at a time, with the sum kept in a register.</summary>
internal static class Kernels
{
    /// <summary>dst[c] = Σ_t w[t]·src[c + t] (t ascending), for every c in dst; src needs dst.Length + w.Length − 1 values.</summary>
    public static void Correlate(ReadOnlySpan<double> src, ReadOnlySpan<double> w, Span<double> dst)
    {
        int n = dst.Length, taps = w.Length, width = Vector<double>.Count, c = 0;
        if (src.Length < n + taps - 1) throw new ArgumentException("source too short");
        for (; c <= n - width; c += width)
        {
            var acc = Vector<double>.Zero;
            for (int t = 0; t < taps; t++) acc += new Vector<double>(w[t]) * new Vector<double>(src.Slice(c + t, width));
            acc.CopyTo(dst.Slice(c, width));
        }
        for (; c < n; c++)
        {
            double s = 0;
            for (int t = 0; t < taps; t++) s += w[t] * src[c + t];
            dst[c] = s;
        }
    }

    /// <summary>dst[c] = Σ_t w[t]·rows[start + t·stride + c] (t ascending): a vertical filter whose t-th input row starts
    /// at start + t·stride (stride may wrap through a ring via <paramref name="rowStart"/>).</summary>
    public static void CorrelateRows(ReadOnlySpan<double> data, Func<int, int> rowStart, ReadOnlySpan<double> w, Span<double> dst)
    {
        int n = dst.Length, taps = w.Length, width = Vector<double>.Count, c = 0;
        Span<int> starts = taps <= 64 ? stackalloc int[taps] : new int[taps];
        for (int t = 0; t < taps; t++) starts[t] = rowStart(t);
        for (; c <= n - width; c += width)
        {
            var acc = Vector<double>.Zero;
            for (int t = 0; t < taps; t++) acc += new Vector<double>(w[t]) * new Vector<double>(data.Slice(starts[t] + c, width));
            acc.CopyTo(dst.Slice(c, width));
        }
        for (; c < n; c++)
        {
            double s = 0;
            for (int t = 0; t < taps; t++) s += w[t] * data[starts[t] + c];
            dst[c] = s;
        }
    }
}

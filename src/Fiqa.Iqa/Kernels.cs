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
        int taps = w.Length;
        Span<int> starts = taps <= 64 ? stackalloc int[taps] : new int[taps];
        for (int t = 0; t < taps; t++) starts[t] = rowStart(t);
        WeightedSum(data, starts, w, dst);
    }

    /// <summary>dst[c] = Σ_i Σ_j k[i·kc + j]·src[start + i·stride + c + j] (row-major taps, zero weights skipped), for every c in dst.</summary>
    public static void Correlate2D(ReadOnlySpan<double> src, int start, int stride, ReadOnlySpan<double> k, int kr, int kc, Span<double> dst)
    {
        int taps = 0;
        Span<int> offsets = kr * kc <= 256 ? stackalloc int[kr * kc] : new int[kr * kc];
        Span<double> weights = kr * kc <= 256 ? stackalloc double[kr * kc] : new double[kr * kc];
        for (int i = 0; i < kr; i++)
            for (int j = 0; j < kc; j++)
            {
                if (k[i * kc + j] == 0) continue;
                offsets[taps] = start + i * stride + j;
                weights[taps++] = k[i * kc + j];
            }
        WeightedSum(src, offsets[..taps], weights[..taps], dst);
    }

    // dst[c] = Σ_t w[t]·data[offsets[t] + c], t ascending and unfused (multiply, then add), so results are bit-identical
    // to a scalar loop in tap order; four (Vector<double>.Count) outputs at a time with the sum in a register.
    private static void WeightedSum(ReadOnlySpan<double> data, ReadOnlySpan<int> offsets, ReadOnlySpan<double> w, Span<double> dst)
    {
        int n = dst.Length, taps = w.Length, width = Vector<double>.Count, c = 0;
        for (; c <= n - width; c += width)
        {
            var acc = Vector<double>.Zero;
            for (int t = 0; t < taps; t++) acc += new Vector<double>(w[t]) * new Vector<double>(data.Slice(offsets[t] + c, width));
            acc.CopyTo(dst.Slice(c, width));
        }
        for (; c < n; c++)
        {
            double s = 0;
            for (int t = 0; t < taps; t++) s += w[t] * data[offsets[t] + c];
            dst[c] = s;
        }
    }
}

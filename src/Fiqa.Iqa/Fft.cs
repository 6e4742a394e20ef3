using System.Collections.Concurrent;
using System.Numerics;

namespace Fiqa.Iqa;

/// <summary>Forward complex DFT of any length, X[k] = Σ x[j]·e^(−2πi·jk/n), on a batch of interleaved sequences (element
/// i of sequence b at data[i·batch + b]), so a 2-D transform's column pass runs over contiguous rows. Self-sorting
/// mixed-radix Stockham (radices 4, 2, 3, 5 and any other small factor) for lengths whose factors are all ≤ 61;
/// Bluestein's chirp-z through a power-of-two transform otherwise. Plans (twiddles) are cached per length.</summary>
internal sealed class Fft
{
    private const int LargestDirectFactor = 61;
    private static readonly ConcurrentDictionary<int, Fft> Plans = new();

    private readonly int _n;
    private readonly int[] _radices;
    private readonly Complex[] _roots; // e^(−2πi·k/n)
    private readonly Bluestein? _bluestein;

    private Fft(int n)
    {
        _n = n;
        _radices = Factor(n);
        if (_radices.Length > 0 && _radices.Max() > LargestDirectFactor)
        {
            _bluestein = new Bluestein(n);
            _radices = [];
            _roots = [];
            return;
        }
        _roots = new Complex[n];
        for (int k = 0; k < n; k++)
        {
            // Angles reduced to the first octant's accuracy by computing from k/n exactly.
            double angle = -2 * Math.PI * k / n;
            _roots[k] = new Complex(Math.Cos(angle), Math.Sin(angle));
        }
    }

    /// <summary>The plan for sequences of length n.</summary>
    public static Fft For(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return Plans.GetOrAdd(n, static k => new Fft(k));
    }

    /// <summary>Forward transform in place of <paramref name="batch"/> interleaved sequences; work has the same length.</summary>
    public void Forward(Span<Complex> data, Span<Complex> work, int batch)
    {
        if (_n == 1) return;
        if (_bluestein is not null)
        {
            _bluestein.Forward(data, batch);
            return;
        }
        Span<Complex> x = data[..(_n * batch)], y = work[..(_n * batch)];
        int length = _n, stride = 1;
        foreach (int radix in _radices)
        {
            Stage(x, y, length, stride * batch, radix, _n / length);
            length /= radix;
            stride *= radix;
            var swap = x;
            x = y;
            y = swap;
        }
        if (_radices.Length % 2 == 1) x.CopyTo(data);
    }

    // One decimation-in-frequency step: sub-length `length`, `span` contiguous elements per index, twiddle step
    // rootStep in the n-th roots. y[q + span·(r·p + u)] = (Σ_t x[q + span·(p + t·m)]·ω_r^(t·u))·w_length^(p·u).
    private void Stage(ReadOnlySpan<Complex> x, Span<Complex> y, int length, int span, int radix, int rootStep)
    {
        int m = length / radix;
        switch (radix)
        {
            case 2:
                for (int p = 0; p < m; p++)
                {
                    var w = _roots[p * rootStep];
                    int i0 = span * p, i1 = span * (p + m), o0 = span * 2 * p, o1 = o0 + span;
                    for (int q = 0; q < span; q++)
                    {
                        Complex a = x[i0 + q], b = x[i1 + q];
                        y[o0 + q] = a + b;
                        y[o1 + q] = (a - b) * w;
                    }
                }
                break;
            case 4:
                for (int p = 0; p < m; p++)
                {
                    Complex w1 = _roots[p * rootStep], w2 = _roots[2 * p * rootStep], w3 = _roots[3 * p * rootStep];
                    int i0 = span * p, step = span * m, o0 = span * 4 * p;
                    for (int q = 0; q < span; q++)
                    {
                        Complex a = x[i0 + q], b = x[i0 + step + q], c = x[i0 + 2 * step + q], d = x[i0 + 3 * step + q];
                        Complex apc = a + c, amc = a - c, bpd = b + d;
                        // −i·(b − d)
                        var bmd = b - d;
                        var jbmd = new Complex(bmd.Imaginary, -bmd.Real);
                        y[o0 + q] = apc + bpd;
                        y[o0 + span + q] = (amc + jbmd) * w1;
                        y[o0 + 2 * span + q] = (apc - bpd) * w2;
                        y[o0 + 3 * span + q] = (amc - jbmd) * w3;
                    }
                }
                break;
            default:
                General(x, y, m, span, radix, rootStep);
                break;
        }
    }

    private void General(ReadOnlySpan<Complex> x, Span<Complex> y, int m, int span, int radix, int rootStep)
    {
        // ω_r^k = w_n^(k·n/r)
        int rootOfRadix = _n / radix;
        Span<Complex> omega = stackalloc Complex[radix];
        for (int k = 0; k < radix; k++) omega[k] = _roots[k * rootOfRadix];
        Span<Complex> inputs = stackalloc Complex[radix];
        Span<Complex> twiddles = stackalloc Complex[radix];
        for (int p = 0; p < m; p++)
        {
            for (int u = 0; u < radix; u++) twiddles[u] = _roots[(int)((long)p * u * rootStep % _n)];
            for (int q = 0; q < span; q++)
            {
                for (int t = 0; t < radix; t++) inputs[t] = x[q + span * (p + t * m)];
                for (int u = 0; u < radix; u++)
                {
                    Complex sum = inputs[0];
                    for (int t = 1; t < radix; t++) sum += inputs[t] * omega[t * u % radix];
                    y[q + span * (radix * p + u)] = sum * twiddles[u];
                }
            }
        }
    }

    // Radix order: fours first (fewest passes), then a two, then odd factors ascending.
    private static int[] Factor(int n)
    {
        var radices = new List<int>();
        while (n % 4 == 0) { radices.Add(4); n /= 4; }
        if (n % 2 == 0) { radices.Add(2); n /= 2; }
        for (int f = 3; n > 1; f += 2)
        {
            if ((long)f * f > n) f = n;
            while (n % f == 0) { radices.Add(f); n /= f; }
        }
        return [.. radices];
    }

    // Length-n DFT as a circular convolution of length 2^k ≥ 2n − 1 with the chirp e^(−πi·j²/n).
    private sealed class Bluestein
    {
        private readonly int _n, _m;
        private readonly Complex[] _chirp, _kernelSpectrum;

        public Bluestein(int n)
        {
            _n = n;
            _m = 1;
            while (_m < 2 * n - 1) _m <<= 1;
            _chirp = new Complex[n];
            for (int j = 0; j < n; j++)
            {
                double angle = -Math.PI * ((long)j * j % (2L * n)) / n;
                _chirp[j] = new Complex(Math.Cos(angle), Math.Sin(angle));
            }
            _kernelSpectrum = new Complex[_m];
            _kernelSpectrum[0] = Complex.Conjugate(_chirp[0]);
            for (int j = 1; j < n; j++) _kernelSpectrum[j] = _kernelSpectrum[_m - j] = Complex.Conjugate(_chirp[j]);
            For(_m).Forward(_kernelSpectrum, new Complex[_m], 1);
        }

        public void Forward(Span<Complex> data, int batch)
        {
            var inner = For(_m);
            var buffer = new Complex[_m];
            var work = new Complex[_m];
            for (int b = 0; b < batch; b++)
            {
                Array.Clear(buffer);
                for (int j = 0; j < _n; j++) buffer[j] = data[j * batch + b] * _chirp[j];
                inner.Forward(buffer, work, 1);
                for (int k = 0; k < _m; k++) buffer[k] = Complex.Conjugate(buffer[k] * _kernelSpectrum[k]);
                inner.Forward(buffer, work, 1); // inverse as conj(forward(conj(·)))/m
                for (int k = 0; k < _n; k++) data[k * batch + b] = Complex.Conjugate(buffer[k]) / _m * _chirp[k];
            }
        }
    }
}

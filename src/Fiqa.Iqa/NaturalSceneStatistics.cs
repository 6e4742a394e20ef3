namespace Fiqa.Iqa;

/// <summary>The natural-scene-statistics building blocks shared by NIQE and BRISQUE (Mittal, Moorthy, Bovik): MSCN
/// coefficients and moment-matching fits of generalised Gaussian distributions over the grid α = 0.2:0.001:10.</summary>
public static class NaturalSceneStatistics
{
    private static readonly double[] Alphas = Enumerable.Range(0, 9801).Select(i => 0.2 + i * 0.001).ToArray();
    // GGD: ρ(α) = Γ(1/α)Γ(3/α)/Γ(2/α)²; AGGD: r(α) = Γ(2/α)²/(Γ(1/α)Γ(3/α)).
    private static readonly double[] GgdRatio = Alphas.Select(a => Gamma(1 / a) * Gamma(3 / a) / (Gamma(2 / a) * Gamma(2 / a))).ToArray();
    private static readonly double[] AggdRatio = GgdRatio.Select(r => 1 / r).ToArray();

    /// <summary>Γ(x) (MathNet).</summary>
    public static double Gamma(double x) => MathNet.Numerics.SpecialFunctions.Gamma(x);

    /// <summary>Mean-subtracted contrast-normalised coefficients (I − μ)/(σ + 1) with a Gaussian window.</summary>
    public static Matrix Mscn(Matrix image, Matrix window, Padding padding)
    {
        ArgumentNullException.ThrowIfNull(image);
        var mu = Matlab.FilterSame(image, window, padding);
        var sq = Matlab.FilterSame(image.Map(v => v * v), window, padding);
        var result = new Matrix(image.Rows, image.Cols);
        for (int i = 0; i < result.Data.Length; i++)
        {
            double sigma = Math.Sqrt(Math.Abs(sq.Data[i] - mu.Data[i] * mu.Data[i]));
            result.Data[i] = (image.Data[i] - mu.Data[i]) / (sigma + 1);
        }
        return result;
    }

    /// <summary>Symmetric GGD fit (estimateggdparam.m): shape α and standard deviation.</summary>
    public static (double Alpha, double Sigma) FitGgd(ReadOnlySpan<double> v)
    {
        double sq = 0, abs = 0;
        foreach (var x in v) { sq += x * x; abs += Math.Abs(x); }
        sq /= v.Length;
        abs /= v.Length;
        double rho = sq / (abs * abs);
        return (Alphas[ArgMin(GgdRatio, rho)], Math.Sqrt(sq));
    }

    /// <summary>Asymmetric GGD fit (estimateaggdparam.m): shape α and the left and right standard deviations.</summary>
    public static (double Alpha, double LeftStd, double RightStd) FitAggd(ReadOnlySpan<double> v)
    {
        double left = 0, right = 0, abs = 0, sq = 0;
        int nl = 0, nr = 0;
        foreach (var x in v)
        {
            if (x < 0) { left += x * x; nl++; }
            else if (x > 0) { right += x * x; nr++; }
            abs += Math.Abs(x);
            sq += x * x;
        }
        double leftStd = Math.Sqrt(left / nl), rightStd = Math.Sqrt(right / nr); // NaN when a side is empty, as in MATLAB
        double gammaHat = leftStd / rightStd;
        abs /= v.Length;
        sq /= v.Length;
        double rHat = abs * abs / sq;
        double rHatNorm = rHat * (gammaHat * gammaHat * gammaHat + 1) * (gammaHat + 1) / Math.Pow(gammaHat * gammaHat + 1, 2);
        return (Alphas[ArgMin(AggdRatio, rHatNorm)], leftStd, rightStd);
    }

    // First index of the smallest |table − value| (MATLAB min returns the first); NaN → first entry, as MATLAB.
    private static int ArgMin(double[] table, double value)
    {
        int best = 0;
        double bestDiff = double.PositiveInfinity;
        for (int i = 0; i < table.Length; i++)
        {
            double d = Math.Abs(table[i] - value);
            if (d < bestDiff) { bestDiff = d; best = i; }
        }
        return best;
    }

    /// <summary>MATLAB <c>circshift(A, [dr dc])</c>: B(i, j) = A(i − dr, j − dc) with wrap-around.</summary>
    public static Matrix CircShift(Matrix a, int dr, int dc)
    {
        ArgumentNullException.ThrowIfNull(a);
        var b = new Matrix(a.Rows, a.Cols);
        for (int r = 0; r < a.Rows; r++)
        {
            int sr = ((r - dr) % a.Rows + a.Rows) % a.Rows;
            for (int c = 0; c < a.Cols; c++)
                b[r, c] = a[sr, ((c - dc) % a.Cols + a.Cols) % a.Cols];
        }
        return b;
    }

    /// <summary>The 16 AGGD features of the four neighbour products (shifts [0 1], [1 0], [1 1], [−1 1] as in the
    /// MATLAB releases): per product α, mean (η), and the left and right spreads, in the form the caller asks for.</summary>
    public static IEnumerable<(double Alpha, double Mean, double LeftStd, double RightStd)> PairedProducts(Matrix mscn)
    {
        ArgumentNullException.ThrowIfNull(mscn);
        foreach (var (dr, dc) in new[] { (0, 1), (1, 0), (1, 1), (-1, 1) })
        {
            var shifted = CircShift(mscn, dr, dc);
            var pair = new double[mscn.Data.Length];
            for (int i = 0; i < pair.Length; i++) pair[i] = mscn.Data[i] * shifted.Data[i];
            var (alpha, l, r) = FitAggd(pair);
            double mean = (r - l) * (Gamma(2 / alpha) / Gamma(1 / alpha)) * Math.Sqrt(Gamma(1 / alpha)) / Math.Sqrt(Gamma(3 / alpha));
            yield return (alpha, mean, l, r);
        }
    }
}

using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Fiqa.Iqa;

/// <summary>Agreement between objective scores and MOS, by the VQEG protocol: SRCC and KRCC on the raw scores; PLCC
/// and RMSE after a monotonic logistic mapping fitted by least squares (Levenberg–Marquardt, MathNet.Numerics).</summary>
public static class IqaStatistics
{
    /// <summary>Which logistic maps scores to MOS before PLCC/RMSE.</summary>
    public enum Logistic
    {
        /// <summary>β₁(½ − 1/(1 + e^{β₂(x − β₃)})) + β₄x + β₅ (VQEG FR-TV Phase II).</summary>
        FiveParameter,
        /// <summary>(β₁ − β₂)/(1 + e^{−(x − β₃)/|β₄|}) + β₂.</summary>
        FourParameter,
        /// <summary>No mapping.</summary>
        None,
    }

    /// <summary>All statistics at once.</summary>
    public sealed record Agreement(double Srcc, double Krcc, double Plcc, double Rmse, int N);

    /// <summary>SRCC, KRCC, PLCC and RMSE of <paramref name="scores"/> against <paramref name="mos"/>.</summary>
    public static Agreement Evaluate(IReadOnlyList<double> scores, IReadOnlyList<double> mos, Logistic logistic = Logistic.FiveParameter)
    {
        Check(scores, mos);
        var fitted = Fit(scores, mos, logistic);
        double rmse = Math.Sqrt(fitted.Select((f, i) => (f - mos[i]) * (f - mos[i])).Average());
        return new Agreement(Spearman(scores, mos), Kendall(scores, mos), Pearson(fitted, mos), rmse, scores.Count);
    }

    /// <summary>Percentile-bootstrap 95 % intervals of SRCC and PLCC (resampling pairs with a fixed seed).</summary>
    public static (double Low, double High) BootstrapInterval(IReadOnlyList<double> scores, IReadOnlyList<double> mos,
        Func<IReadOnlyList<double>, IReadOnlyList<double>, double> statistic, int resamples = 1000, int seed = 1)
    {
        Check(scores, mos);
        ArgumentNullException.ThrowIfNull(statistic);
        var rng = new Random(seed);
        var values = new double[resamples];
        var xs = new double[scores.Count];
        var ys = new double[scores.Count];
        for (int b = 0; b < resamples; b++)
        {
            for (int i = 0; i < xs.Length; i++)
            {
                int k = rng.Next(xs.Length);
                xs[i] = scores[k];
                ys[i] = mos[k];
            }
            values[b] = statistic(xs, ys);
        }
        var finite = values.Where(double.IsFinite).Order().ToArray();
        if (finite.Length == 0) return (double.NaN, double.NaN);
        return (finite[(int)(0.025 * (finite.Length - 1))], finite[(int)Math.Ceiling(0.975 * (finite.Length - 1))]);
    }

    /// <summary>Pearson linear correlation.</summary>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y) => RankStatistics.Pearson(x, y);

    /// <summary>Spearman rank correlation.</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y) => RankStatistics.Spearman(x, y);

    /// <summary>Kendall's τ-b.</summary>
    public static double Kendall(IReadOnlyList<double> x, IReadOnlyList<double> y) => RankStatistics.Kendall(x, y);

    /// <summary>The scores mapped to the MOS scale by the fitted logistic.</summary>
    public static double[] Fit(IReadOnlyList<double> scores, IReadOnlyList<double> mos, Logistic logistic)
    {
        Check(scores, mos);
        if (logistic == Logistic.None || scores.Count < 6) return scores.ToArray();
        var x = Vector<double>.Build.DenseOfEnumerable(scores);
        var y = Vector<double>.Build.DenseOfEnumerable(mos);
        double sx = MathNet.Numerics.Statistics.Statistics.StandardDeviation(scores), mx = scores.Average();
        double r = Pearson(scores, mos);
        // Constant scores or MOS (a degenerate bootstrap resample) leave nothing to fit: no mapping.
        if (!double.IsFinite(r)) return scores.ToArray();
        double sign = Math.Sign(r) is var s && s != 0 ? s : 1;
        Func<Vector<double>, double, double> f;
        Vector<double> start;
        if (logistic == Logistic.FiveParameter)
        {
            f = (b, v) => b[0] * (0.5 - 1 / (1 + Math.Exp(b[1] * (v - b[2])))) + b[3] * v + b[4];
            start = Vector<double>.Build.DenseOfArray([mos.Max() - mos.Min(), sign / Math.Max(sx, 1e-12), mx, 0, mos.Average()]);
        }
        else
        {
            f = (b, v) => (b[0] - b[1]) / (1 + Math.Exp(-(v - b[2]) / Math.Abs(b[3]))) + b[1];
            start = sign > 0
                ? Vector<double>.Build.DenseOfArray([mos.Max(), mos.Min(), mx, Math.Max(sx, 1e-12) / 4])
                : Vector<double>.Build.DenseOfArray([mos.Min(), mos.Max(), mx, Math.Max(sx, 1e-12) / 4]);
        }
        var model = ObjectiveFunction.NonlinearModel((b, xs) => Vector<double>.Build.Dense(xs.Count, i => f(b, xs[i])), x, y);
        try
        {
            var result = new LevenbergMarquardtMinimizer(maximumIterations: 2000).FindMinimum(model, start);
            var b = result.MinimizingPoint;
            var fitted = scores.Select(v => f(b, v)).ToArray();
            // A degenerate resample (e.g. all scores alike) can drive the parameters to infinity: fall back to no mapping.
            return fitted.All(double.IsFinite) ? fitted : scores.ToArray();
        }
        catch (Exception e) when (e is MaximumIterationsException or ArithmeticException or ArgumentException or InvalidOperationException)
        {
            return scores.ToArray();
        }
    }

    private static void Check(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException($"{x.Count} scores but {y.Count} MOS values");
        if (x.Count < 3) throw new ArgumentException("need at least three scored images");
    }
}

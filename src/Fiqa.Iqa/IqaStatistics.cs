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
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Check(x, y);
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Spearman rank correlation (Pearson of average ranks, so ties are handled).</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y) => Pearson(Ranks(x), Ranks(y));

    /// <summary>Kendall's τ-b (tie-corrected).</summary>
    public static double Kendall(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Check(x, y);
        long concordant = 0, discordant = 0, tiesX = 0, tiesY = 0;
        for (int i = 0; i < x.Count; i++)
            for (int j = i + 1; j < x.Count; j++)
            {
                int sx = Math.Sign(x[i] - x[j]), sy = Math.Sign(y[i] - y[j]);
                if (sx == 0 && sy == 0) continue;
                if (sx == 0) tiesX++;
                else if (sy == 0) tiesY++;
                else if (sx == sy) concordant++;
                else discordant++;
            }
        double n1 = concordant + discordant + tiesX, n2 = concordant + discordant + tiesY;
        return (concordant - discordant) / Math.Sqrt(n1 * n2);
    }

    /// <summary>The scores mapped to the MOS scale by the fitted logistic.</summary>
    public static double[] Fit(IReadOnlyList<double> scores, IReadOnlyList<double> mos, Logistic logistic)
    {
        Check(scores, mos);
        if (logistic == Logistic.None || scores.Count < 6) return scores.ToArray();
        var x = Vector<double>.Build.DenseOfEnumerable(scores);
        var y = Vector<double>.Build.DenseOfEnumerable(mos);
        double sx = MathNet.Numerics.Statistics.Statistics.StandardDeviation(scores), mx = scores.Average();
        double sign = Math.Sign(Pearson(scores, mos)) is var s && s != 0 ? s : 1;
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
            return scores.Select(v => f(b, v)).ToArray();
        }
        catch (MaximumIterationsException)
        {
            return scores.ToArray();
        }
    }

    private static double[] Ranks(IReadOnlyList<double> v)
    {
        var order = Enumerable.Range(0, v.Count).OrderBy(i => v[i]).ToArray();
        var ranks = new double[v.Count];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && v[order[j + 1]] == v[order[i]]) j++;
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) ranks[order[k]] = rank;
            i = j + 1;
        }
        return ranks;
    }

    private static void Check(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException($"{x.Count} scores but {y.Count} MOS values");
        if (x.Count < 3) throw new ArgumentException("need at least three scored images");
    }
}

namespace Fiqa.Evaluation;

/// <summary>CR-FIQA's "ERC" (fdbtrs/CR-FIQA ERC/erc.py): unlike the EDC, the threshold is recomputed at every step
/// on the remaining non-mated comparisons. Steps: reject the lowest-quality fraction r of all comparisons (mated and
/// non-mated together, ties split by position), r = 0, 0.05, …, 0.95; area by the trapezoid rule over r.</summary>
/// <param name="TargetFmr">FMR at which each step's threshold is set.</param>
/// <param name="RejectFractions">The grid of rejected fractions.</param>
/// <param name="Fnmr">FNMR of the remaining mated comparisons at each step.</param>
public sealed record ErcCurve(double TargetFmr, IReadOnlyList<double> RejectFractions, IReadOnlyList<double> Fnmr)
{
    /// <summary>True when the curve says something: FNMR is above 0 before any rejection (else its area is 0 for every
    /// method).</summary>
    public bool IsInformative => Fnmr.Count > 0 && Fnmr[0] > 0;

    /// <summary>Trapezoidal area under the curve over the whole grid (as CR-FIQA reports it).</summary>
    public double Area
    {
        get
        {
            double area = 0;
            for (int i = 1; i < RejectFractions.Count; i++)
                area += (RejectFractions[i] - RejectFractions[i - 1]) * (Fnmr[i] + Fnmr[i - 1]) / 2;
            return area;
        }
    }
}

/// <summary>Computes <see cref="ErcCurve"/>s.</summary>
public static class ErrorVersusReject
{
    /// <summary>The ERC of comparisons with their pair qualities, up to the last step that still has mated and non-mated
    /// comparisons (as CR-FIQA computes it); null when fewer than two steps do, or when the whole set has fewer than
    /// 1/FMR non-mated comparisons — the FMR threshold cannot be estimated on such a set.</summary>
    public static ErcCurve? Compute(IReadOnlyList<Comparison> comparisons, IReadOnlyList<double> pairQualities, double targetFmr,
        double step = 0.05, double maxReject = 0.95)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        ArgumentNullException.ThrowIfNull(pairQualities);
        if (comparisons.Count != pairQualities.Count) throw new ArgumentException("one pair quality per comparison");
        int n = comparisons.Count;
        var order = Enumerable.Range(0, n).ToArray();
        var keys = pairQualities.ToArray();
        // Stable: equal qualities keep input order, so the result does not depend on the sort algorithm.
        order = order.OrderBy(i => keys[i]).ToArray();
        var rates = new List<double>();
        var fnmr = new List<double>();
        for (int k = 0; k * step <= maxReject + 1e-12; k++)
        {
            double rate = Math.Round(k * step, 10);
            int first = (int)(rate * n);
            var mated = new List<double>();
            var nonMated = new List<double>();
            for (int i = first; i < n; i++)
            {
                var c = comparisons[order[i]];
                (c.Mated ? mated : nonMated).Add(c.Similarity);
            }
            // Below 1/FMR non-mated scores on the whole set the threshold is just their maximum: not an FMR estimate.
            if (k == 0 && nonMated.Count * targetFmr < 1) return null;
            if (mated.Count == 0 || nonMated.Count == 0) break; // ties split by position can exhaust one side: stop there
            double threshold = Face.Verification.ThresholdAtFalseMatchRate(nonMated, targetFmr);
            rates.Add(rate);
            fnmr.Add(mated.Count(s => s < threshold) / (double)mated.Count);
        }
        return rates.Count < 2 ? null : new ErcCurve(targetFmr, rates, fnmr);
    }
}

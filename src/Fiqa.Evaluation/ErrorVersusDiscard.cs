namespace Fiqa.Evaluation;

/// <summary>Which comparison outcome counts as an error on an EDC.</summary>
public enum EdcErrorType
{
    /// <summary>False non-match: a mated pair scoring below the threshold (FNMR-EDC, the usual FIQA plot).</summary>
    Fnmr,
    /// <summary>False match: a non-mated pair scoring at or above the threshold (FMR-EDC).</summary>
    Fmr,
}

/// <summary>A stepwise Error-versus-Discard Characteristic: point i holds from DiscardFractions[i] up to the next point.</summary>
/// <param name="ErrorType">FNMR or FMR.</param>
/// <param name="Threshold">The similarity threshold, fixed once on the full set.</param>
/// <param name="ComparisonCount">Number of comparisons before discarding.</param>
/// <param name="DiscardFractions">Fraction of comparisons discarded (0..1, ascending, last point 1).</param>
/// <param name="ErrorFractions">Fraction of remaining comparisons that are errors.</param>
public sealed record EdcCurve(EdcErrorType ErrorType, double Threshold, int ComparisonCount,
    IReadOnlyList<double> DiscardFractions, IReadOnlyList<double> ErrorFractions)
{
    /// <summary>Error at 0 % discard (e₀).</summary>
    public double StartingError => ErrorFractions[0];

    /// <summary>Area under the stepwise curve from 0 to <paramref name="discardLimit"/>, neither interpolated nor normalised
    /// (Schlett et al., TBIOM 2023; dasec/quality-assessment-evaluation edc.py).</summary>
    public double PartialArea(double discardLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(discardLimit, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(discardLimit, 1);
        double area = 0;
        for (int i = 0; i < DiscardFractions.Count && DiscardFractions[i] < discardLimit; i++)
        {
            double next = i + 1 < DiscardFractions.Count ? DiscardFractions[i + 1] : 1;
            area += ErrorFractions[i] * (Math.Min(next, discardLimit) - DiscardFractions[i]);
        }
        return area;
    }

    /// <summary>Area under the theoretical best curve max(0, e₀ − x) up to the limit: e₀²/2 − max(0, e₀ − d)²/2.</summary>
    public double TheoreticalBestArea(double discardLimit)
    {
        double e0 = StartingError, rest = Math.Max(0, e0 - discardLimit);
        return (e0 * e0 - rest * rest) / 2;
    }

    /// <summary>pAUC ÷ (e₀ · d): 1 for a flat curve, lower is better; NaN when e₀ = 0.</summary>
    public double NormalizedPartialArea(double discardLimit) =>
        StartingError == 0 || discardLimit == 0 ? double.NaN : PartialArea(discardLimit) / (StartingError * discardLimit);
}

/// <summary>Computes EDCs: comparisons are discarded in ascending order of pair quality (min of the two samples'
/// qualities), all comparisons with equal pair quality at once, with the threshold fixed beforehand.</summary>
public static class ErrorVersusDiscard
{
    /// <summary>Pair quality of two samples: the lower of the two, so discarding a sample discards its comparisons.</summary>
    public static double PairQuality(double qualityA, double qualityB) => Math.Min(qualityA, qualityB);

    /// <summary>The EDC of comparisons given as parallel lists of similarity and pair quality.</summary>
    public static EdcCurve Compute(EdcErrorType errorType, IReadOnlyList<double> similarities, IReadOnlyList<double> pairQualities, double threshold)
    {
        ArgumentNullException.ThrowIfNull(similarities);
        ArgumentNullException.ThrowIfNull(pairQualities);
        int n = similarities.Count;
        if (n == 0) throw new ArgumentException("no comparisons to evaluate");
        if (pairQualities.Count != n) throw new ArgumentException($"{n} similarities but {pairQualities.Count} pair qualities");
        if (pairQualities.Any(double.IsNaN)) throw new ArgumentException("pair qualities must not be NaN");

        var order = Enumerable.Range(0, n).ToArray();
        // Order within ties never matters: equal qualities are discarded together.
        var keys = pairQualities.ToArray();
        Array.Sort(keys, order);

        // errorsFrom[i] = errors among comparisons i..n-1 in quality order.
        var errorsFrom = new int[n + 1];
        for (int i = n - 1; i >= 0; i--)
        {
            double s = similarities[order[i]];
            bool error = errorType == EdcErrorType.Fnmr ? s < threshold : s >= threshold;
            errorsFrom[i] = errorsFrom[i + 1] + (error ? 1 : 0);
        }
        var discard = new List<double> { 0 };
        var errorFraction = new List<double> { (double)errorsFrom[0] / n };
        for (int i = 0; i + 1 < n; i++)
        {
            if (keys[i] == keys[i + 1]) continue;
            int discarded = i + 1;
            discard.Add((double)discarded / n);
            errorFraction.Add((double)errorsFrom[discarded] / (n - discarded));
        }
        discard.Add(1);
        errorFraction.Add(0);
        return new EdcCurve(errorType, threshold, n, discard, errorFraction);
    }

    /// <summary>Linear-interpolated quantile (NumPy's default method): position (n − 1)·q in the sorted values.</summary>
    public static double Quantile(IReadOnlyList<double> values, double q)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("no values");
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1);
        return RankStatistics.QuantileOfSorted(values.Order().ToArray(), q);
    }

    /// <summary>Threshold giving approximately <paramref name="startingError"/> at 0 % discard: the quantile e of the
    /// mated scores for FNMR, 1 − e of the non-mated scores for FMR.</summary>
    public static double ThresholdForStartingError(EdcErrorType errorType, IReadOnlyList<double> scores, double startingError) =>
        Quantile(scores, errorType == EdcErrorType.Fnmr ? startingError : 1 - startingError);
}

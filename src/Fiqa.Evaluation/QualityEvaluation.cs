namespace Fiqa.Evaluation;

/// <summary>How the decision threshold is fixed before discarding.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Fix the threshold at this false match rate on the non-mated comparisons (default 1e-3). Ignored when
    /// <see cref="StartingError"/> is set.</summary>
    public double TargetFmr { get; init; } = 1e-3;

    /// <summary>Instead, fix the threshold so the error at 0 % discard is about this value (a quantile of the mated
    /// scores for FNMR, of the non-mated for FMR).</summary>
    public double? StartingError { get; init; }

    /// <summary>FNMR-EDC over the mated comparisons (default, the FIQA literature's plot) or FMR-EDC over the non-mated.</summary>
    public EdcErrorType ErrorType { get; init; } = EdcErrorType.Fnmr;

    /// <summary>Discard fractions at which pAUC is reported (default 0.2 and 0.3, as the FIQA literature reports).</summary>
    public IReadOnlyList<double> DiscardLimits { get; init; } = [0.2, 0.3];
}

/// <summary>One quality method's FNMR-EDC and its areas at each discard limit.</summary>
public sealed record MethodResult(string Method, EdcCurve Curve, int UnassessedPairs, IReadOnlyList<double> DiscardLimits)
{
    /// <summary>CR-FIQA-style ERC (threshold recomputed per step), when there are non-mated comparisons.</summary>
    public ErcCurve? Erc { get; init; }

    /// <summary>pAUC at each limit.</summary>
    public IReadOnlyList<double> PartialAreas => DiscardLimits.Select(Curve.PartialArea).ToList();
    /// <summary>pAUC ÷ (e₀·d) at each limit.</summary>
    public IReadOnlyList<double> NormalizedPartialAreas => DiscardLimits.Select(Curve.NormalizedPartialArea).ToList();
    /// <summary>pAUC − theoretical-best area at each limit.</summary>
    public IReadOnlyList<double> PartialAreasMinusBest => DiscardLimits.Select(d => Curve.PartialArea(d) - Curve.TheoreticalBestArea(d)).ToList();
}

/// <summary>FNMR-EDCs of every method, plus the oracle, at one fixed threshold.</summary>
public sealed record EvaluationResult(double Threshold, string ThresholdRule, int MatedCount, int NonMatedCount,
    IReadOnlyList<MethodResult> Methods, IReadOnlyList<double> DiscardLimits)
{
    /// <summary>FNMR or FMR.</summary>
    public EdcErrorType ErrorType { get; init; } = EdcErrorType.Fnmr;

    /// <summary>"FNMR" or "FMR".</summary>
    public string ErrorName => ErrorType == EdcErrorType.Fnmr ? "FNMR" : "FMR";

    /// <summary>What makes the figures unreliable or undefined, in words a user can act on (empty when nothing does).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Images left out because they had no usable face (paths; empty for score files).</summary>
    public IReadOnlyList<string> WithoutFace { get; init; } = [];
}

/// <summary>Evaluates quality methods by FNMR-EDC or FMR-EDC (Schlett et al., TBIOM 2023): the threshold is fixed once on the
/// full set, each mated comparison gets pair quality min(q_a, q_b), samples a method could not assess count as
/// lowest quality. The oracle discards by the comparison score itself: the best any quality measure could do.</summary>
public static class QualityEvaluation
{
    /// <summary>Name of the oracle row.</summary>
    public const string OracleName = "oracle";

    /// <summary>Evaluates every method in <paramref name="qualities"/> on <paramref name="comparisons"/>.</summary>
    public static EvaluationResult Evaluate(IReadOnlyList<Comparison> comparisons, QualityTable qualities, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        ArgumentNullException.ThrowIfNull(qualities);
        options ??= new EvaluationOptions();
        var fnmr = options.ErrorType == EdcErrorType.Fnmr;
        // The comparisons whose errors the curve counts: mated for FNMR, non-mated for FMR.
        var errorSet = comparisons.Where(c => c.Mated == fnmr).ToList();
        var nonMated = comparisons.Where(c => !c.Mated).Select(c => c.Similarity).ToList();
        int matedCount = comparisons.Count(c => c.Mated);
        if (errorSet.Count == 0) throw new ArgumentException($"no {(fnmr ? "mated" : "non-mated")} comparisons: an {(fnmr ? "FNMR" : "FMR")}-EDC needs them");
        var errorScores = errorSet.Select(c => c.Similarity).ToList();

        double threshold;
        string rule;
        if (options.StartingError is { } e)
        {
            threshold = ErrorVersusDiscard.ThresholdForStartingError(options.ErrorType, errorScores, e);
            rule = $"starting {(fnmr ? "FNMR" : "FMR")} {e}";
        }
        else
        {
            if (nonMated.Count == 0) throw new ArgumentException("no non-mated comparisons to fix the threshold at an FMR; give a starting error instead");
            threshold = Face.Verification.ThresholdAtFalseMatchRate(nonMated, options.TargetFmr);
            rule = $"FMR {options.TargetFmr} on {nonMated.Count} non-mated comparisons";
        }

        var warnings = new List<string>();
        if (options.StartingError is null && nonMated.Count * options.TargetFmr < 1)
            warnings.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"FMR {options.TargetFmr:G} needs at least {Math.Ceiling(1 / options.TargetFmr):F0} non-mated comparisons to allow one false match; there are {nonMated.Count}, so the threshold is the highest non-mated score. Give --starting-error E (e.g. 0.05) to fix the threshold by the mated scores instead"));
        var results = new List<MethodResult>();
        for (int m = 0; m < qualities.Methods.Count; m++)
        {
            int unassessed = 0;
            var allPairQualities = new double[comparisons.Count];
            var curvePairQualities = new List<double>(errorSet.Count);
            for (int i = 0; i < comparisons.Count; i++)
            {
                var c = comparisons[i];
                double qa = qualities.Quality(c.SampleA, m), qb = qualities.Quality(c.SampleB, m);
                allPairQualities[i] = ErrorVersusDiscard.PairQuality(Assessed(qa), Assessed(qb));
                if (c.Mated != fnmr) continue;
                if (double.IsNaN(qa) || double.IsNaN(qb)) unassessed++;
                curvePairQualities.Add(allPairQualities[i]);
            }
            results.Add(new MethodResult(qualities.Methods[m], ErrorVersusDiscard.Compute(options.ErrorType, errorScores, curvePairQualities, threshold),
                unassessed, options.DiscardLimits)
            {
                Erc = fnmr && nonMated.Count > 0 ? ErrorVersusReject.Compute(comparisons, allPairQualities, options.TargetFmr) : null,
            });
        }
        // The oracle discards the comparisons most likely to be errors first: low mated / high non-mated similarity.
        var oracleQuality = fnmr ? errorScores : errorScores.Select(v => -v).ToList();
        results.Add(new MethodResult(OracleName, ErrorVersusDiscard.Compute(options.ErrorType, errorScores, oracleQuality, threshold), 0, options.DiscardLimits));
        if (fnmr && results.Count > 1 && results.Take(results.Count - 1).All(r => r.Erc is not { IsInformative: true }))
            warnings.Add(results[0].Erc is null
                ? FormattableString.Invariant($"the ERC at FMR {options.TargetFmr:G} needs at least {Math.Ceiling(1 / options.TargetFmr):F0} non-mated comparisons (there are {nonMated.Count}): ERC AUC is n/a")
                : FormattableString.Invariant($"FNMR at FMR {options.TargetFmr:G} is 0 before any rejection: the ERC area is 0 for every method and shown as n/a"));
        double startingError = results[^1].Curve.StartingError;
        if (startingError == 0)
            warnings.Add($"{(fnmr ? "FNMR" : "FMR")} is 0 at the threshold ({rule}): there are no errors to discard, so every normalised pAUC is undefined (n/a)" +
                (options.StartingError is null ? ". Give --starting-error E (e.g. 0.05) to evaluate at a threshold with errors" : ""));
        return new EvaluationResult(threshold, rule, matedCount, nonMated.Count, results, options.DiscardLimits) { ErrorType = options.ErrorType, Warnings = warnings };
    }

    private static double Assessed(double q) => double.IsNaN(q) ? double.NegativeInfinity : q;
}

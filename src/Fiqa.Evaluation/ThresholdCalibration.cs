using System.Globalization;

namespace Fiqa.Evaluation;

/// <summary>How <see cref="ThresholdCalibrator"/> fixes its thresholds and what it reports.</summary>
public sealed record ThresholdCalibrationOptions
{
    /// <summary>Fix the comparison threshold at this false match rate on the non-mated comparisons (default 1e-3), once,
    /// on the full set. Ignored when <see cref="StartingError"/> is set.</summary>
    public double TargetFmr { get; init; } = 1e-3;

    /// <summary>Instead, fix the comparison threshold so FNMR before any rejection is about this (0..1).</summary>
    public double? StartingError { get; init; }

    /// <summary>Choose the lowest reject rate whose FNMR after rejection is at most this (0..1).</summary>
    public double? TargetFnmr { get; init; }

    /// <summary>Reject at most this share of the samples (0..1). Alone: the chosen point is the one rejecting this share.
    /// With <see cref="TargetFnmr"/>: the search stops here. Neither given: <see cref="DefaultMaxReject"/>.</summary>
    public double? MaxReject { get; init; }

    /// <summary>The table's reject rates run from 0 to this in steps of <see cref="TableStep"/>.</summary>
    public double TableMaxReject { get; init; } = 0.3;

    /// <summary>Step of the table's reject rates.</summary>
    public double TableStep { get; init; } = 0.01;

    /// <summary>Bootstrap replicates over identities (0: no intervals).</summary>
    public int Bootstrap { get; init; } = 1000;

    /// <summary>Seed of the bootstrap draws: the same seed gives the same intervals.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Coverage of the percentile intervals (default 0.95).</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>False matches the non-mated comparisons must allow at the FMR threshold, else the calibration is refused.
    /// Default 30, Doddington's "rule of 30" (Doddington et al., "The NIST speaker recognition evaluation", Speech
    /// Communication 31, 2000; ISO/IEC 19795-1): with 30 errors the observed rate is within ±30 % of the true one at
    /// 90 % confidence.</summary>
    public int MinFalseMatches { get; init; } = 30;

    /// <summary>Reject rate chosen when neither a target FNMR nor a maximum reject rate is given.</summary>
    public const double DefaultMaxReject = 0.05;

    /// <summary>Below this many identities with mated pairs the output says the interval rests on few people.</summary>
    public const int FewIdentities = 50;

    /// <summary>An interval wider than this share of its estimate ((high − low) / estimate) is called wide: at 1 the
    /// interval spans more than the estimate itself, so a figure printed to two decimals would look precise and is not.</summary>
    public const double WideInterval = 1.0;

    /// <summary>The first option that makes no sense, or null.</summary>
    public string? Problem() =>
        TargetFmr is <= 0 or >= 1 ? Invariant($"the FMR must be in (0, 1), got {TargetFmr}")
        : StartingError is <= 0 or >= 1 ? Invariant($"the starting FNMR must be in (0, 1), got {StartingError}")
        : TargetFnmr is < 0 or >= 1 ? Invariant($"the target FNMR must be in [0, 1), got {TargetFnmr}")
        : MaxReject is < 0 or >= 1 ? Invariant($"the maximum reject rate must be in [0, 1), got {MaxReject}")
        : TableMaxReject is < 0 or >= 1 ? Invariant($"the table's maximum reject rate must be in [0, 1), got {TableMaxReject}")
        : TableStep is <= 0 or > 1 ? Invariant($"the table step must be in (0, 1], got {TableStep}")
        : Bootstrap < 0 ? Invariant($"bootstrap replicates must be 0 or more, got {Bootstrap}")
        : Confidence is <= 0 or >= 1 ? Invariant($"the interval coverage must be in (0, 1), got {Confidence}")
        : MinFalseMatches < 1 ? Invariant($"the minimum number of false matches must be at least 1, got {MinFalseMatches}")
        : null;

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A percentile bootstrap interval.</summary>
public readonly record struct Interval(double Low, double High)
{
    /// <summary>(high − low) / estimate, +∞ for an interval of positive width around 0, 0 for a point.</summary>
    public double RelativeWidth(double estimate) =>
        High - Low <= 0 ? 0 : estimate > 0 ? (High - Low) / estimate : double.PositiveInfinity;
}

/// <summary>One operating point: a quality threshold, what it rejects, and the FNMR of the mated comparisons that remain at
/// the fixed comparison threshold.</summary>
/// <param name="RejectRate">The reject rate asked for (a table row, the target search's answer or the maximum).</param>
/// <param name="QualityThreshold">Samples with quality below this are rejected (−∞: none; a method's raw units).</param>
/// <param name="SamplesRejected">Share of the samples actually below the threshold (≤ <paramref name="RejectRate"/>: tied
/// qualities are kept or rejected together).</param>
/// <param name="MatedKept">Mated comparisons left (neither sample rejected).</param>
/// <param name="MatedDiscarded">Share of the mated comparisons discarded: the EDC's x value of this point.</param>
/// <param name="FalseNonMatches">Mated comparisons left that score below the comparison threshold.</param>
/// <param name="Fnmr">FNMR after rejection (NaN when no mated comparison is left).</param>
/// <param name="Fmr">FMR of the non-mated comparisons left, at the same comparison threshold (NaN without any).</param>
public sealed record CalibrationPoint(double RejectRate, double QualityThreshold, double SamplesRejected, int MatedKept, double MatedDiscarded,
    int FalseNonMatches, double Fnmr, double Fmr)
{
    /// <summary>Bootstrap interval of <see cref="Fnmr"/> over identities, when computed.</summary>
    public Interval? FnmrInterval { get; init; }

    /// <summary>Bootstrap interval of the FNMR reduction (FNMR before rejection − after), paired draws.</summary>
    public Interval? ReductionInterval { get; init; }

    /// <summary>Whether the FNMR interval is wide relative to the estimate (see <see cref="ThresholdCalibrationOptions.WideInterval"/>).</summary>
    public bool IntervalWide => FnmrInterval is { } i && i.RelativeWidth(Fnmr) > ThresholdCalibrationOptions.WideInterval;
}

/// <summary>The calibration of one quality method at one comparison threshold.</summary>
/// <param name="Method">The quality method (a column of the quality table).</param>
/// <param name="ComparisonThreshold">The similarity threshold, fixed once on the full set.</param>
/// <param name="ThresholdRule">How it was fixed, in words.</param>
/// <param name="Samples">Samples in the comparisons.</param>
/// <param name="Identities">Identities with at least one mated comparison (the bootstrap's units).</param>
/// <param name="MatedCount">Mated comparisons.</param>
/// <param name="NonMatedCount">Non-mated comparisons.</param>
/// <param name="Table">One point per reject rate 0, step, … up to the table's maximum.</param>
/// <param name="Chosen">The recommended threshold.</param>
/// <param name="ChosenRule">Why it was chosen, in words.</param>
/// <param name="TargetMet">False when a target FNMR was asked for and no reject rate up to the maximum reaches it.</param>
public sealed record ThresholdCalibration(string Method, double ComparisonThreshold, string ThresholdRule, int Samples, int Identities,
    int MatedCount, int NonMatedCount, IReadOnlyList<CalibrationPoint> Table, CalibrationPoint Chosen, string ChosenRule, bool TargetMet)
{
    /// <summary>The options it was computed with.</summary>
    public required ThresholdCalibrationOptions Options { get; init; }

    /// <summary>The point before rejection (FNMR₀).</summary>
    public CalibrationPoint Start => Table[0];

    /// <summary>Bootstrap replicates that had a mated comparison left at every point (the others are not counted).</summary>
    public int ValidReplicates { get; init; }

    /// <summary>What limits the figures, in words a user can act on (empty when nothing does).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>Turns comparison scores and sample qualities into a quality threshold a user can defend. The comparison
/// threshold is fixed once on the full set (at an FMR, or at a starting FNMR); rejecting a sample discards every
/// comparison it takes part in, i.e. a comparison survives when min(q_a, q_b) ≥ the quality threshold — the pair
/// quality of the FNMR-EDC (Schlett et al., "Considerations on the evaluation of biometric quality assessment
/// algorithms", IEEE T-BIOM 6(1), 2024; ISO/IEC 29794-1:2024), read at sample reject rates rather than comparison discard
/// fractions. A sample a method could not assess (NaN) counts as lowest quality. Intervals come from the subsets
/// bootstrap over identities (Bolle, Ratha, Pankanti, "Error analysis of pattern recognition systems — the subsets
/// bootstrap", CVIU 93, 2004): comparisons of one person are not independent, people are resampled, the thresholds stay
/// fixed, so an interval covers the sampling of people, not the uncertainty of the comparison threshold itself.</summary>
public static class ThresholdCalibrator
{
    /// <summary>Calibrates <paramref name="method"/>. Throws <see cref="ArgumentException"/>, with the reason, when the set
    /// cannot support the calibration: no mated comparisons, too few non-mated comparisons for the FMR, fewer than two
    /// identities to bootstrap over.</summary>
    /// <param name="comparisons">Mated and non-mated comparisons.</param>
    /// <param name="qualities">Per-sample qualities (higher = better; NaN = not assessed).</param>
    /// <param name="method">The column of <paramref name="qualities"/> to calibrate.</param>
    /// <param name="identityOf">Identity of a sample; null: the connected groups of mated comparisons.</param>
    /// <param name="options">Thresholds, target and bootstrap.</param>
    public static ThresholdCalibration Calibrate(IReadOnlyList<Comparison> comparisons, QualityTable qualities, string method,
        Func<string, string>? identityOf = null, ThresholdCalibrationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        ArgumentNullException.ThrowIfNull(qualities);
        ArgumentNullException.ThrowIfNull(method);
        options ??= new ThresholdCalibrationOptions();
        if (options.Problem() is { } problem) throw new ArgumentException(problem);
        int column = IndexOf(qualities, method);
        var inv = CultureInfo.InvariantCulture;

        var mated = comparisons.Where(c => c.Mated).ToList();
        var nonMated = comparisons.Where(c => !c.Mated).ToList();
        if (mated.Count == 0)
            throw new ArgumentException("refused: no mated comparisons — the FNMR after rejection needs pairs of images of one identity (identity folders with at least 2 images each)");

        double threshold;
        string rule;
        if (options.StartingError is { } e)
        {
            threshold = ErrorVersusDiscard.ThresholdForStartingError(EdcErrorType.Fnmr, mated.Select(c => c.Similarity).ToList(), e);
            rule = string.Create(inv, $"starting FNMR {e:G} on {mated.Count} mated comparisons");
        }
        else
        {
            double needed = Math.Ceiling(options.MinFalseMatches / options.TargetFmr - 1e-6);
            if (nonMated.Count * options.TargetFmr < options.MinFalseMatches)
                throw new ArgumentException(string.Create(inv,
                    $"refused: FMR {options.TargetFmr:G} on {nonMated.Count} non-mated comparisons allows {Math.Floor(nonMated.Count * options.TargetFmr):F0} false matches at the threshold; a defensible threshold needs at least {options.MinFalseMatches} (rule of 30), i.e. {needed:F0} non-mated comparisons. " +
                    $"Add identities, use a larger FMR (at least {options.MinFalseMatches / (double)Math.Max(1, nonMated.Count):G3} here), or fix the threshold by --starting-error"));
            threshold = Face.Verification.ThresholdAtFalseMatchRate(nonMated.Select(c => c.Similarity).ToList(), options.TargetFmr);
            rule = string.Create(inv, $"FMR {options.TargetFmr:G} on {nonMated.Count} non-mated comparisons");
        }

        // Samples: everything compared, in ordinal order (determinism); NaN quality counts as lowest.
        var samples = comparisons.SelectMany(c => new[] { c.SampleA, c.SampleB }).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var quality = samples.ToDictionary(s => s, s => Assessed(qualities.Quality(s, column)), StringComparer.Ordinal);
        var sortedQuality = quality.Values.Order().ToArray();
        double PairQuality(Comparison c) => Math.Min(quality[c.SampleA], quality[c.SampleB]);
        var matedPair = mated.Select(PairQuality).ToArray();
        var matedError = mated.Select(c => c.Similarity < threshold).ToArray();
        var nonMatedPair = nonMated.Select(PairQuality).ToArray();
        var nonMatedError = nonMated.Select(c => c.Similarity >= threshold).ToArray();

        CalibrationPoint Point(double rejectRate, double q)
        {
            int kept = 0, errors = 0, nmKept = 0, falseMatches = 0;
            for (int i = 0; i < matedPair.Length; i++)
                if (matedPair[i] >= q) { kept++; if (matedError[i]) errors++; }
            for (int i = 0; i < nonMatedPair.Length; i++)
                if (nonMatedPair[i] >= q) { nmKept++; if (nonMatedError[i]) falseMatches++; }
            int rejected = LowerBound(sortedQuality, q);
            return new CalibrationPoint(rejectRate, q, (double)rejected / samples.Count, kept, 1 - (double)kept / mated.Count, errors,
                kept == 0 ? double.NaN : (double)errors / kept, nmKept == 0 ? double.NaN : (double)falseMatches / nmKept);
        }
        // The threshold rejecting at most a share r: the (⌊r·n⌋+1)-th lowest quality; samples below it are rejected.
        double ThresholdAt(double rate) => sortedQuality[Math.Min(samples.Count - 1, (int)Math.Floor(rate * samples.Count + 1e-9))];

        int rows = (int)Math.Floor(options.TableMaxReject / options.TableStep + 1e-9);
        var table = Enumerable.Range(0, rows + 1).Select(k => Math.Round(k * options.TableStep, 10)).Select(r => Point(r, ThresholdAt(r))).ToList();
        // Row 0 keeps every sample, unassessed ones included.
        table[0] = Point(0, double.NegativeInfinity);

        var warnings = new List<string>();
        CalibrationPoint chosen;
        string chosenRule;
        bool met = true;
        if (options.TargetFnmr is { } target)
        {
            double limit = options.MaxReject ?? options.TableMaxReject;
            var found = SearchTarget(sortedQuality, matedPair, matedError, target, limit);
            if (found is { } q)
            {
                var p = Point(0, q);
                chosen = p with { RejectRate = p.SamplesRejected };
                chosenRule = string.Create(inv, $"lowest reject rate with FNMR ≤ {target:G}, searched up to {limit:G}");
            }
            else
            {
                met = false;
                chosen = Point(limit, ThresholdAt(limit));
                chosenRule = string.Create(inv, $"target FNMR {target:G} not reached up to reject rate {limit:G}: the point at {limit:G} is shown");
                warnings.Add(string.Create(inv, $"the target FNMR {target:G} is not met by rejecting up to {limit:P0} of the samples: at {chosen.SamplesRejected:P1} rejected the FNMR is {Percent(chosen.Fnmr)}"));
            }
        }
        else
        {
            double limit = options.MaxReject ?? ThresholdCalibrationOptions.DefaultMaxReject;
            chosen = Point(limit, limit == 0 ? double.NegativeInfinity : ThresholdAt(limit));
            chosenRule = options.MaxReject is null
                ? string.Create(inv, $"reject at most {limit:G} of the samples (the default; give a target FNMR or a maximum reject rate)")
                : string.Create(inv, $"reject at most {limit:G} of the samples");
        }

        var identity = identityOf ?? MatedGroups(mated);
        var identities = mated.Select(c => identity(c.SampleA)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        int valid = 0;
        if (options.Bootstrap > 0)
        {
            if (identities.Count < 2)
                throw new ArgumentException($"refused: the bootstrap over identities needs at least 2 identities with mated comparisons, found {identities.Count}; add identities or give --bootstrap 0");
            (table, chosen, valid) = Bootstrap(table, chosen, mated, matedPair, matedError, identity, identities, options);
        }

        if (table[0].FalseNonMatches == 0)
            warnings.Add("there is no false non-match at the comparison threshold before rejection: rejecting samples cannot lower the FNMR here; fix the threshold with a starting FNMR (e.g. 0.05) to see what rejection buys");
        else if (table[0].FalseNonMatches < 30)
            warnings.Add(string.Create(inv, $"only {table[0].FalseNonMatches} false non-matches at the comparison threshold before rejection: every FNMR here rests on that few errors (rule of 30)"));
        if (identities.Count < ThresholdCalibrationOptions.FewIdentities)
            warnings.Add(string.Create(inv, $"only {identities.Count} identities with mated comparisons (fewer than {ThresholdCalibrationOptions.FewIdentities}): the interval rests on few people and is itself uncertain; treat the figures as indicative"));
        if (chosen.IntervalWide && chosen.FnmrInterval is { } ci)
            warnings.Add(string.Create(inv, $"the {options.Confidence:P0} interval of the FNMR at the chosen threshold is {Percent(ci.Low)}–{Percent(ci.High)} around {Percent(chosen.Fnmr)}: wider than the estimate itself, so the figure is not precise — calibrate on more identities"));
        if (met && options.TargetFnmr is { } t && chosen.FnmrInterval is { } ti && ti.High > t)
            warnings.Add(string.Create(inv, $"the target FNMR {t:G} is met by the estimate ({Percent(chosen.Fnmr)}) but not by the interval's upper end ({Percent(ti.High)})"));

        return new ThresholdCalibration(method, threshold, rule, samples.Count, identities.Count, mated.Count, nonMated.Count, table, chosen, chosenRule, met)
        {
            Options = options,
            ValidReplicates = valid,
            Warnings = warnings,
        };
    }

    /// <summary>A fraction as a percentage with two decimals ("n/a" when undefined).</summary>
    public static string Percent(double v) => double.IsFinite(v) ? (100 * v).ToString("F2", CultureInfo.InvariantCulture) + " %" : "n/a";

    private static int IndexOf(QualityTable qualities, string method)
    {
        for (int m = 0; m < qualities.Methods.Count; m++)
            if (qualities.Methods[m] == method) return m;
        throw new ArgumentException($"quality method '{method}' is not in the quality table (columns: {string.Join(", ", qualities.Methods)})");
    }

    private static double Assessed(double q) => double.IsNaN(q) ? double.NegativeInfinity : q;

    // Index of the first value ≥ q in ascending values: how many are below q.
    private static int LowerBound(double[] sorted, double q)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < q) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    // Every distinct sample quality is a candidate threshold, ascending (= reject rate ascending): the first whose FNMR
    // after rejection is ≤ target, rejecting at most `limit` of the samples.
    private static double? SearchTarget(double[] sortedQuality, double[] matedPair, bool[] matedError, double target, double limit)
    {
        var order = Enumerable.Range(0, matedPair.Length).ToArray();
        var keys = matedPair.ToArray();
        Array.Sort(keys, order);
        int kept = matedPair.Length, errors = matedError.Count(x => x), next = 0;
        int n = sortedQuality.Length;
        for (int i = 0; i < n; i++)
        {
            if (i > 0 && sortedQuality[i] == sortedQuality[i - 1]) continue;
            if ((double)i / n > limit + 1e-12) break;
            double q = sortedQuality[i];
            while (next < keys.Length && keys[next] < q)
            {
                kept--;
                if (matedError[order[next]]) errors--;
                next++;
            }
            if (kept > 0 && errors <= target * kept) return i == 0 ? double.NegativeInfinity : q;
        }
        return null;
    }

    // Identities as the connected groups of mated comparisons (score files carry no labels).
    private static Func<string, string> MatedGroups(IReadOnlyList<Comparison> mated)
    {
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        string Find(string s)
        {
            if (!parent.TryGetValue(s, out var p)) { parent[s] = s; return s; }
            while (p != s)
            {
                var up = parent[p];
                parent[s] = up;
                s = p;
                p = up;
            }
            return s;
        }
        foreach (var c in mated)
        {
            var (a, b) = (Find(c.SampleA), Find(c.SampleB));
            // The ordinally smaller root names the group: the same group name whatever the comparison order.
            if (a != b) { if (string.CompareOrdinal(a, b) < 0) parent[b] = a; else parent[a] = b; }
        }
        return s => Find(s);
    }

    private static (List<CalibrationPoint> Table, CalibrationPoint Chosen, int Valid) Bootstrap(List<CalibrationPoint> table, CalibrationPoint chosen,
        List<Comparison> mated, double[] matedPair, bool[] matedError, Func<string, string> identity, List<string> identities, ThresholdCalibrationOptions options)
    {
        var points = table.Append(chosen).ToList();
        int idCount = identities.Count, pointCount = points.Count;
        var index = identities.Select((id, k) => (id, k)).ToDictionary(x => x.id, x => x.k, StringComparer.Ordinal);
        // Per identity and point: mated comparisons kept and errors among them, at the fixed thresholds.
        var kept = new int[idCount, pointCount];
        var errors = new int[idCount, pointCount];
        for (int i = 0; i < mated.Count; i++)
        {
            int id = index[identity(mated[i].SampleA)];
            for (int p = 0; p < pointCount; p++)
                if (matedPair[i] >= points[p].QualityThreshold) { kept[id, p]++; if (matedError[i]) errors[id, p]++; }
        }
        var random = new Random(options.Seed);
        var fnmr = new List<double>[pointCount];
        var reduction = new List<double>[pointCount];
        for (int p = 0; p < pointCount; p++) { fnmr[p] = new(options.Bootstrap); reduction[p] = new(options.Bootstrap); }
        var k = new long[pointCount];
        var err = new long[pointCount];
        int valid = 0;
        for (int b = 0; b < options.Bootstrap; b++)
        {
            Array.Clear(k);
            Array.Clear(err);
            for (int draw = 0; draw < idCount; draw++)
            {
                int id = random.Next(idCount);
                for (int p = 0; p < pointCount; p++) { k[p] += kept[id, p]; err[p] += errors[id, p]; }
            }
            // A replicate that keeps no mated comparison at some point has no FNMR there; it is left out everywhere (paired).
            if (k.Any(x => x == 0)) continue;
            valid++;
            double start = (double)err[0] / k[0];
            for (int p = 0; p < pointCount; p++)
            {
                double f = (double)err[p] / k[p];
                fnmr[p].Add(f);
                reduction[p].Add(start - f);
            }
        }
        if (valid == 0) return (table, chosen, 0);
        double alpha = (1 - options.Confidence) / 2;
        Interval Of(List<double> v) => new(ErrorVersusDiscard.Quantile(v, alpha), ErrorVersusDiscard.Quantile(v, 1 - alpha));
        var withIntervals = points.Select((pt, p) => pt with { FnmrInterval = Of(fnmr[p]), ReductionInterval = Of(reduction[p]) }).ToList();
        return (withIntervals.Take(table.Count).ToList(), withIntervals[^1], valid);
    }
}

using Fiqa.Evaluation;

namespace Fiqa.Evaluation.Tests;

/// <summary><see cref="ThresholdCalibrator"/> on score sets whose answers are worked out by hand in the comments.</summary>
public class ThresholdCalibrationTests
{
    // Four identities × three samples. Sorted qualities: 0.1 (a3), 0.2 (b3), 0.45 (d3), 0.55 (d2), 0.6 (b2), 0.65 (d1),
    // 0.7 (b1), 0.75 (c3), 0.8 (a2), 0.85 (c2), 0.9 (a1), 0.95 (c1).
    private static readonly Dictionary<string, double> Qualities = new()
    {
        ["a1"] = 0.9, ["a2"] = 0.8, ["a3"] = 0.1, ["b1"] = 0.7, ["b2"] = 0.6, ["b3"] = 0.2,
        ["c1"] = 0.95, ["c2"] = 0.85, ["c3"] = 0.75, ["d1"] = 0.65, ["d2"] = 0.55, ["d3"] = 0.45,
    };

    // At the comparison threshold 0.5 four of the twelve mated pairs are false non-matches: a1-a3, a2-a3, b1-b3, c2-c3.
    private static readonly Comparison[] Mated =
    [
        new("a1", "a2", 0.8, true), new("a1", "a3", 0.2, true), new("a2", "a3", 0.25, true),
        new("b1", "b2", 0.7, true), new("b1", "b3", 0.1, true), new("b2", "b3", 0.6, true),
        new("c1", "c2", 0.9, true), new("c1", "c3", 0.85, true), new("c2", "c3", 0.3, true),
        new("d1", "d2", 0.75, true), new("d1", "d3", 0.65, true), new("d2", "d3", 0.7, true),
    ];

    // Every one of the 54 cross-identity pairs: five score 0.55..0.59, the rest 0.45. At FMR 0.1 (5 false matches allowed
    // of 54) the threshold lies halfway between the 5th and 6th highest: (0.55 + 0.45) / 2 = 0.5.
    private static List<Comparison> NonMated()
    {
        var ids = Qualities.Keys.Order(StringComparer.Ordinal).ToList();
        var list = new List<Comparison>();
        for (int i = 0; i < ids.Count; i++)
            for (int j = i + 1; j < ids.Count; j++)
                if (ids[i][0] != ids[j][0]) list.Add(new(ids[i], ids[j], list.Count < 5 ? 0.59 - 0.01 * list.Count : 0.45, false));
        return list;
    }

    private static QualityTable Table() => new(["q"], Qualities.ToDictionary(kv => kv.Key, kv => new[] { kv.Value }));

    private static string Identity(string sample) => sample[..1];

    private static ThresholdCalibration Run(ThresholdCalibrationOptions options, IEnumerable<Comparison>? comparisons = null) =>
        ThresholdCalibrator.Calibrate((comparisons ?? Mated.Concat(NonMated())).ToList(), Table(), "q", Identity,
            options with { TargetFmr = 0.1, MinFalseMatches = 5 });

    [Fact]
    public void Table_HandComputedSet_FnmrAfterRejectionAndThresholds()
    {
        var r = Run(new ThresholdCalibrationOptions { TableStep = 0.25, TableMaxReject = 0.5, Bootstrap = 0 });
        Assert.Equal(0.5, r.ComparisonThreshold, 12);
        Assert.Equal((12, 12, 54, 3), (r.Samples, r.MatedCount, r.NonMatedCount, r.Table.Count));
        // 0 %: nothing rejected, 4 of 12 mated pairs fail; 5 of 54 non-mated pairs match.
        Assert.Equal((12, 4), (r.Start.MatedKept, r.Start.FalseNonMatches));
        Assert.Equal(1 / 3.0, r.Start.Fnmr, 12);
        Assert.Equal(5 / 54.0, r.Start.Fmr, 12);
        // 25 %: the 4th lowest quality (0.55) is the threshold; a3, b3, d3 are rejected, with them six mated pairs, of
        // which three errors: c2-c3 is left, 1 of 6.
        var q25 = r.Table[1];
        Assert.Equal((0.55, 3 / 12.0, 6, 1), (q25.QualityThreshold, q25.SamplesRejected, q25.MatedKept, q25.FalseNonMatches));
        Assert.Equal(1 / 6.0, q25.Fnmr, 12);
        Assert.Equal(0.5, q25.MatedDiscarded, 12);
        // 50 %: threshold 0.7 (7th lowest); a1-a2 and the three c pairs are left, c2-c3 fails: 1 of 4.
        var q50 = r.Table[2];
        Assert.Equal((0.7, 0.5, 4), (q50.QualityThreshold, q50.SamplesRejected, q50.MatedKept));
        Assert.Equal(0.25, q50.Fnmr, 12);
    }

    [Fact]
    public void Table_AgreesWithTheEdcAtTheSameDiscardFraction()
    {
        var comparisons = Mated.Concat(NonMated()).ToList();
        var r = Run(new ThresholdCalibrationOptions { TableStep = 1 / 12.0, TableMaxReject = 0.9, Bootstrap = 0 }, comparisons);
        var edc = QualityEvaluation.Evaluate(comparisons, Table(), new EvaluationOptions { TargetFmr = 0.1 }).Methods.Single(m => m.Method == "q").Curve;
        Assert.Equal(r.ComparisonThreshold, edc.Threshold, 12);
        foreach (var p in r.Table.Where(p => p.MatedKept > 0))
        {
            // The EDC step that starts at this point's share of discarded mated comparisons carries the same FNMR.
            int k = edc.DiscardFractions.ToList().FindIndex(d => Math.Abs(d - p.MatedDiscarded) < 1e-12);
            Assert.True(k >= 0, $"no EDC point at discard {p.MatedDiscarded}");
            Assert.Equal(edc.ErrorFractions[k], p.Fnmr, 12);
        }
    }

    [Fact]
    public void TargetFnmr_LowestRejectRateThatMeetsIt()
    {
        // Candidates in order: 0.1 → 4/12, 0.2 → 2/10, 0.45 → 1/8 = 0.125 ≤ 0.15: two samples (a3, b3) rejected.
        var r = Run(new ThresholdCalibrationOptions { TargetFnmr = 0.15, MaxReject = 0.5, Bootstrap = 0 });
        Assert.True(r.TargetMet);
        Assert.Equal((0.45, 2 / 12.0, 8, 1), (r.Chosen.QualityThreshold, r.Chosen.SamplesRejected, r.Chosen.MatedKept, r.Chosen.FalseNonMatches));
        Assert.Equal(0.125, r.Chosen.Fnmr, 12);
        // FNMR 0 needs c2-c3 gone: c3 (0.75) rejected at threshold 0.8, 8 of 12 samples; a1-a2 and c1-c2 are left.
        var zero = Run(new ThresholdCalibrationOptions { TargetFnmr = 0, MaxReject = 0.9, Bootstrap = 0 });
        Assert.Equal((0.8, 8 / 12.0, 2, 0.0), (zero.Chosen.QualityThreshold, zero.Chosen.SamplesRejected, zero.Chosen.MatedKept, zero.Chosen.Fnmr));
    }

    [Fact]
    public void TargetFnmr_NotReachableWithinMaxReject_SaysSo()
    {
        // Up to 50 % the best is 1/8; 0.1 is never reached. The point at 50 % is shown, and the output says "not met".
        var r = Run(new ThresholdCalibrationOptions { TargetFnmr = 0.1, MaxReject = 0.5, Bootstrap = 0 });
        Assert.False(r.TargetMet);
        Assert.Equal(0.7, r.Chosen.QualityThreshold);
        Assert.Contains(r.Warnings, w => w.Contains("target FNMR 0.1 is not met", StringComparison.Ordinal));
        Assert.Contains("not met", ThresholdReport.Markdown(r, "synthetic"), StringComparison.Ordinal);
    }

    [Fact]
    public void MaxReject_Alone_ChoosesThePointAtThatRate()
    {
        var r = Run(new ThresholdCalibrationOptions { MaxReject = 0.25, Bootstrap = 0 });
        Assert.Equal((0.55, 1 / 6.0), (r.Chosen.QualityThreshold, r.Chosen.Fnmr), new ToleranceComparer(1e-12));
    }

    [Fact]
    public void StartingError_FixesTheComparisonThresholdByTheMatedScores()
    {
        // Mated scores sorted: 0.1 0.2 0.25 0.3 | 0.6 …; the 1/3 quantile sits at position 11/3 = 3.667: 0.3 + 0.667·0.3 = 0.5.
        var r = ThresholdCalibrator.Calibrate(Mated, Table(), "q", Identity, new ThresholdCalibrationOptions { StartingError = 1 / 3.0, Bootstrap = 0, MaxReject = 0.25 });
        Assert.Equal(0.5, r.ComparisonThreshold, 9);
        Assert.Equal(1 / 3.0, r.Start.Fnmr, 12);
        Assert.True(double.IsNaN(r.Start.Fmr)); // no non-mated comparisons: the FMR after rejection is undefined, not 0
    }

    [Fact]
    public void Refuses_NoMatedComparisons()
    {
        var e = Assert.Throws<ArgumentException>(() => Run(new ThresholdCalibrationOptions(), NonMated()));
        Assert.Contains("no mated comparisons", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_AnFmrTheNonMatedComparisonsCannotSupport()
    {
        // 54 non-mated comparisons at FMR 1e-3 allow 0 false matches; the rule asks for 30, i.e. 30,000 comparisons.
        var e = Assert.Throws<ArgumentException>(() => ThresholdCalibrator.Calibrate(Mated.Concat(NonMated()).ToList(), Table(), "q", Identity,
            new ThresholdCalibrationOptions { TargetFmr = 1e-3 }));
        Assert.StartsWith("refused: FMR 0.001 on 54 non-mated comparisons allows 0 false matches", e.Message, StringComparison.Ordinal);
        Assert.Contains("30000 non-mated comparisons", e.Message, StringComparison.Ordinal);
        Assert.Contains("--starting-error", e.Message, StringComparison.Ordinal);
        // No non-mated comparisons at all is the same refusal, not a threshold from nothing.
        Assert.Throws<ArgumentException>(() => ThresholdCalibrator.Calibrate(Mated, Table(), "q", Identity, new ThresholdCalibrationOptions()));
    }

    [Fact]
    public void Refuses_ABootstrapOverOneIdentity()
    {
        var e = Assert.Throws<ArgumentException>(() => ThresholdCalibrator.Calibrate(Mated[..3], Table(), "q", Identity,
            new ThresholdCalibrationOptions { StartingError = 0.5 }));
        Assert.Contains("at least 2 identities", e.Message, StringComparison.Ordinal);
        // Without intervals it runs, and says it rests on one identity.
        var r = ThresholdCalibrator.Calibrate(Mated[..3], Table(), "q", Identity, new ThresholdCalibrationOptions { StartingError = 0.5, Bootstrap = 0 });
        Assert.Contains(r.Warnings, w => w.StartsWith("only 1 identities", StringComparison.Ordinal));
    }

    // A population of n identities × 4 samples with seeded scores: quality predicts a low mated score.
    private static (List<Comparison> Comparisons, QualityTable Qualities) Population(int identities, int seed)
    {
        var random = new Random(seed);
        var quality = new Dictionary<string, double[]>();
        var comparisons = new List<Comparison>();
        for (int i = 0; i < identities; i++)
        {
            var samples = Enumerable.Range(0, 4).Select(k => $"id{i:D4}/{k}").ToList();
            foreach (var s in samples) quality[s] = [random.NextDouble()];
            for (int a = 0; a < 4; a++)
                for (int b = a + 1; b < 4; b++)
                {
                    double q = Math.Min(quality[samples[a]][0], quality[samples[b]][0]);
                    comparisons.Add(new(samples[a], samples[b], 0.2 + 0.6 * q + 0.3 * (random.NextDouble() - 0.5), true));
                }
        }
        return (comparisons, new QualityTable(["q"], quality));
    }

    [Fact]
    public void Bootstrap_SameSeedSameIntervals_OtherSeedOtherDraws()
    {
        var (c, q) = Population(60, 7);
        var options = new ThresholdCalibrationOptions { StartingError = 0.1, MaxReject = 0.1, Bootstrap = 300, Seed = 3 };
        var first = ThresholdCalibrator.Calibrate(c, q, "q", null, options);
        var again = ThresholdCalibrator.Calibrate(c, q, "q", null, options);
        Assert.Equal(first.Table.Select(p => p.FnmrInterval), again.Table.Select(p => p.FnmrInterval));
        Assert.Equal(first.Chosen.ReductionInterval, again.Chosen.ReductionInterval);
        var other = ThresholdCalibrator.Calibrate(c, q, "q", null, options with { Seed = 4 });
        Assert.NotEqual(first.Chosen.FnmrInterval, other.Chosen.FnmrInterval);
        // Identities from score files are the connected groups of mated comparisons: the same draws as explicit labels.
        var labelled = ThresholdCalibrator.Calibrate(c, q, "q", s => s[..6], options);
        Assert.Equal(first.Chosen.FnmrInterval, labelled.Chosen.FnmrInterval);
        Assert.Equal(300, first.ValidReplicates);
    }

    [Fact]
    public void Bootstrap_IntervalCoversTheEstimate_AndNarrowsWithMoreIdentities()
    {
        var options = new ThresholdCalibrationOptions { StartingError = 0.1, MaxReject = 0.1, Bootstrap = 400 };
        var (fewC, fewQ) = Population(20, 1);
        var (manyC, manyQ) = Population(800, 1);
        var few = ThresholdCalibrator.Calibrate(fewC, fewQ, "q", null, options);
        var many = ThresholdCalibrator.Calibrate(manyC, manyQ, "q", null, options);
        foreach (var r in new[] { few, many })
            Assert.InRange(r.Chosen.Fnmr, r.Chosen.FnmrInterval!.Value.Low, r.Chosen.FnmrInterval.Value.High);
        double Width(ThresholdCalibration r) => r.Chosen.FnmrInterval!.Value.High - r.Chosen.FnmrInterval.Value.Low;
        // Width shrinks about as 1/√n: 40× the identities, ≈ 6× narrower; asserted at ≥ 3×.
        Assert.True(Width(few) > 3 * Width(many), $"few {Width(few):F4} vs many {Width(many):F4}");
        // The small set says so instead of printing a precise-looking figure; the large one does not.
        Assert.Contains(few.Warnings, w => w.StartsWith("only 20 identities", StringComparison.Ordinal));
        Assert.True(few.Chosen.IntervalWide);
        Assert.Contains("wide: indicative only", ThresholdReport.Markdown(few, "synthetic"), StringComparison.Ordinal);
        Assert.DoesNotContain(many.Warnings, w => w.Contains("identities", StringComparison.Ordinal));
        Assert.False(many.Chosen.IntervalWide);
    }

    [Fact]
    public void Json_RoundTripsTheChosenThresholdIntoAProfileField()
    {
        var r = Run(new ThresholdCalibrationOptions { TargetFnmr = 0.15, MaxReject = 0.5, Bootstrap = 200 });
        var path = Path.Combine(Fiqa.Tests.TestData.TempDirectory(), "threshold.json");
        File.WriteAllText(path, ThresholdReport.Json(r, "synthetic set", "2026-01-02"));
        var t = ThresholdReport.ReadUnifiedThreshold(path);
        Assert.Equal(("q", 0.45, "synthetic set", "2026-01-02"), (t.Method, t.Min!.Value, t.Basis!.Population, t.Basis.Date));
        Assert.Equal(0.125, t.Basis.Fnmr!.Value, 6);
        Assert.Equal(2, t.Basis.FnmrInterval!.Length);
        File.WriteAllText(path, "{\"method\": \"q\"}");
        Assert.Contains("no 'chosen'", Assert.Throws<FormatException>(() => ThresholdReport.ReadUnifiedThreshold(path)).Message, StringComparison.Ordinal);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<(double, double)>
    {
        public bool Equals((double, double) x, (double, double) y) => Math.Abs(x.Item1 - y.Item1) <= tolerance && Math.Abs(x.Item2 - y.Item2) <= tolerance;
        public int GetHashCode((double, double) obj) => 0;
    }
}

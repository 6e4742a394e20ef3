using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Fiqa.Evaluation;
using Fiqa.Quality.Unified;

namespace Fiqa.Training;

/// <summary>One method's normalised pAUC on the held-out identities' FNMR-EDC: at the main threshold (FMR 1e-3, or a 5 %
/// starting FNMR on small sets) and at the threshold that gives a starting FNMR of
/// <see cref="DistillationReporting.LowErrorStart"/>, where only the worst samples fail.</summary>
public sealed record HeldOutEdc(string Method, double Pauc02, double Pauc03, double LowStartPauc02, double LowStartPauc03);

/// <summary>What training did, for the command's output and the head's provenance.</summary>
public sealed record DistillationReport(int Samples, int WithoutFace, int TrainSamples, int HeldOutSamples,
    IReadOnlyList<string> HeldOutIdentities, IReadOnlyList<string> Teachers, IReadOnlyList<double> TrainSpearman, IReadOnlyList<double> HeldOutSpearman)
{
    /// <summary>The held-out EDC: the head and each single signal the collection yields, best first.</summary>
    public IReadOnlyList<HeldOutEdc> HeldOutEdc { get; init; } = [];
    /// <summary>Jittered copies of the training samples the head was also trained on.</summary>
    public int JitteredCopies { get; init; }
    /// <summary>Starting FNMR, mated and non-mated comparisons of that EDC.</summary>
    public (double Fnmr0, int Mated, int NonMated, string Rule) HeldOutComparisons { get; init; }
}

/// <summary>Distillation's reporting stage: the head against each teacher (Spearman) on both sides of the split, the
/// held-out FNMR-EDC of the head and of each single signal the collection holds, the head's provenance and the
/// command's lines.</summary>
public static class DistillationReporting
{
    /// <summary>The report on a trained head: <paramref name="score"/> is the head's output on a sample.</summary>
    internal static DistillationReport Report(DistillationSet set, IReadOnlyList<DistillationSample> usable,
        IReadOnlyList<DistillationSample> train, IReadOnlyList<DistillationSample> test, IReadOnlyList<string> heldOut, IReadOnlyList<int> teacherIndex,
        IReadOnlyList<string> teachers, Func<DistillationSample, float> score)
    {
        int tensorCount = set.ObservedTensors.Count;
        double Rho(IReadOnlyList<DistillationSample> part, int k)
        {
            var scored = part.Where(s => double.IsFinite(s.Teachers[k])).ToList();
            return scored.Count < 3 ? double.NaN : RankStatistics.Spearman(scored.Select(s => (double)score(s)).ToArray(), scored.Select(s => s.Teachers[k]).ToArray());
        }
        // Held-out EDC of the head and of the single signals in the collection.
        var signals = new List<(string Name, Func<DistillationSample, double> Score)> { ("head", s => score(s)) };
        for (int e = 0; e < set.ExtraInputs.Count; e++)
        {
            int col = tensorCount + e;
            signals.Add((set.ExtraInputs[e] == QualityHead.EmbeddingNormInput ? "norm" : set.ExtraInputs[e], s => s.Features![col]));
        }
        for (int k = 0; k < set.Teachers.Count; k++)
        {
            int column = k;
            if (set.Teachers[k] is "norm" or "serfiq") continue;
            signals.Add(($"{set.Teachers[k]} (teacher)", s => s.Teachers[column]));
        }
        var (edc, comparisons) = HeldOutEvaluation(test, signals);
        int asDetected = set.Samples.Count(s => s.JitterOf is null);
        var trainAsDetected = train.Where(s => s.JitterOf is null).ToList();
        return new DistillationReport(asDetected, asDetected - usable.Count(s => s.JitterOf is null), trainAsDetected.Count, test.Count, heldOut, teachers,
            teacherIndex.Select(k => Rho(trainAsDetected, k)).ToList(), teacherIndex.Select(k => Rho(test, k)).ToList())
        { HeldOutEdc = edc, HeldOutComparisons = comparisons, JitteredCopies = train.Count - trainAsDetected.Count };
    }

    /// <summary>The head file's provenance of a distillation: method, inputs, teachers and their label ranges, options and
    /// the report's figures.</summary>
    internal static JsonObject Provenance(DistillationReport report, DistillationOptions options, IReadOnlyList<(double Min, double Max)> ranges,
        int headTensors, int tensorCount)
    {
        var t = options.Training;
        string lowStart = string.Create(CultureInfo.InvariantCulture, $"fnmr0_{LowErrorStart}");
        return new JsonObject
        {
            ["method"] = report.Teachers.Count > 1
                ? "MonotonicIQA-style multi-teacher distillation: shared MLP regressor (the score) + one monotone transform per teacher, L1 loss; frozen embedder"
                : "eDifFIQA-style distillation, frozen embedder, MLP, L1 loss on (optimised) labels",
            ["inputs"] = $"log L1 norms of the deepest {headTensors} of {tensorCount} activation tensors + {string.Join(", ", options.ExtraInputs)}",
            ["teacher"] = string.Join(",", report.Teachers),
            ["label_normalisation"] = new JsonObject(report.Teachers.Select((name, k) => KeyValuePair.Create(name, (JsonNode?)new JsonObject { ["min"] = ranges[k].Min, ["max"] = ranges[k].Max }))),
            ["label_optimisation"] = new JsonObject { ["beta"] = options.Beta, ["epsilon"] = options.Epsilon },
            ["training"] = new JsonObject
            {
                ["epochs"] = t.Epochs, ["batch"] = t.BatchSize, ["learning_rate"] = t.LearningRate, ["weight_decay"] = t.WeightDecay, ["seed"] = t.Seed, ["hidden"] = t.Hidden, ["members"] = t.Members,
            },
            ["samples"] = new JsonObject
            {
                ["total"] = report.Samples, ["without_face"] = report.WithoutFace, ["train"] = report.TrainSamples, ["held_out"] = report.HeldOutSamples, ["jittered_copies"] = report.JitteredCopies,
            },
            ["held_out_identities"] = new JsonArray(report.HeldOutIdentities.Select(h => (JsonNode)JsonValue.Create(h)!).ToArray()),
            ["spearman_vs_teacher"] = new JsonObject(report.Teachers.Select((name, k) => KeyValuePair.Create(name, (JsonNode?)new JsonObject
            {
                ["train"] = Metric(report.TrainSpearman[k], 4), ["held_out"] = Metric(report.HeldOutSpearman[k], 4),
            }))),
            ["held_out_edc"] = new JsonObject
            {
                ["rule"] = report.HeldOutComparisons.Rule, ["fnmr0"] = Metric(report.HeldOutComparisons.Fnmr0, 5), ["mated"] = report.HeldOutComparisons.Mated, ["non_mated"] = report.HeldOutComparisons.NonMated,
                ["pauc_normalized"] = new JsonObject(report.HeldOutEdc.Select(r => KeyValuePair.Create(r.Method, (JsonNode?)new JsonObject
                {
                    ["d0.2"] = Metric(r.Pauc02, 4), ["d0.3"] = Metric(r.Pauc03, 4),
                    [$"{lowStart}_d0.2"] = Metric(r.LowStartPauc02, 4), [$"{lowStart}_d0.3"] = Metric(r.LowStartPauc03, 4),
                }))),
            },
        };
    }

    // A figure a tiny held-out set cannot define (a rank correlation of one sample, an EDC without failures) is
    // written as null: JSON has no NaN or infinity.
    private static JsonValue? Metric(double value, int digits) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, digits)) : null;

    /// <summary>The second operating point of the held-out report: the threshold at which 10 % of mated pairs fail before
    /// any discard. A degraded set's FMR-1e-3 threshold can fail so many pairs (FNMR₀ ≈ 40 % on the installed one) that
    /// every method discards the same ruined samples first; at 10 % the ranking among the worst samples decides.</summary>
    public const double LowErrorStart = 0.1;

    /// <summary>The FNMR-EDC over every pair of <paramref name="samples"/> (cosine of the embeddings; threshold at FMR
    /// 1e-3 when there are at least 1,000 non-mated pairs, else at a starting FNMR of 5 %; and at a starting FNMR of
    /// <see cref="LowErrorStart"/>), normalised pAUC at 0.2 and 0.3 for each signal, best (lowest at 0.3, main
    /// threshold) first.</summary>
    public static (IReadOnlyList<HeldOutEdc> Rows, (double Fnmr0, int Mated, int NonMated, string Rule) Comparisons) HeldOutEvaluation(
        IReadOnlyList<DistillationSample> samples, IReadOnlyList<(string Name, Func<DistillationSample, double> Score)> signals)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(signals);
        var units = samples.Select(s => TeacherLabels.Unit(s.RawEmbedding!)).ToList();
        var comparisons = new List<Comparison>();
        for (int i = 0; i < samples.Count; i++)
            for (int j = i + 1; j < samples.Count; j++)
                comparisons.Add(new Comparison(samples[i].Id, samples[j].Id, System.Numerics.Tensors.TensorPrimitives.Dot(units[i], units[j]), samples[i].Identity == samples[j].Identity));
        int nonMated = comparisons.Count(c => !c.Mated);
        var rows = samples.ToDictionary(s => s.Id, s => signals.Select(g => g.Score(s)).ToArray(), StringComparer.Ordinal);
        var options = new EvaluationOptions { StartingError = nonMated >= 1000 ? null : 0.05 };
        var table = new QualityTable(signals.Select(g => g.Name).ToList(), rows);
        var result = QualityEvaluation.Evaluate(comparisons, table, options);
        var lowStart = QualityEvaluation.Evaluate(comparisons, table, new EvaluationOptions { StartingError = LowErrorStart })
            .Methods.ToDictionary(m => m.Method, StringComparer.Ordinal);
        var edc = result.Methods.Where(m => m.Method != QualityEvaluation.OracleName)
            .Select(m => new HeldOutEdc(m.Method, m.NormalizedPartialAreas[0], m.NormalizedPartialAreas[1],
                lowStart[m.Method].NormalizedPartialAreas[0], lowStart[m.Method].NormalizedPartialAreas[1]))
            .OrderBy(r => r.Pauc03).ToList();
        return (edc, (result.Methods[^1].Curve.StartingError, result.MatedCount, result.NonMatedCount, result.ThresholdRule));
    }

    /// <summary>One line per figure, for the command's output.</summary>
    public static string Describe(DistillationReport r)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"samples: {r.Samples} ({r.WithoutFace} without a usable face), {r.TrainSamples} to train (+{r.JitteredCopies} jittered copies), {r.HeldOutSamples} held out");
        sb.AppendLine(CultureInfo.InvariantCulture, $"held-out identities ({r.HeldOutIdentities.Count}): {string.Join(", ", r.HeldOutIdentities)}");
        for (int k = 0; k < r.Teachers.Count; k++)
            sb.AppendLine(CultureInfo.InvariantCulture, $"Spearman vs {r.Teachers[k]}: train {r.TrainSpearman[k]:F4}, held out {r.HeldOutSpearman[k]:F4}");
        var c = r.HeldOutComparisons;
        sb.AppendLine(CultureInfo.InvariantCulture, $"held-out FNMR-EDC ({c.Rule}; FNMR0 {c.Fnmr0:P2}, {c.Mated} mated, {c.NonMated} non-mated): normalised pAUC @0.2 / @0.3; then at FNMR0 {LowErrorStart:P0}");
        foreach (var e in r.HeldOutEdc)
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {e.Method,-22} {e.Pauc02:F4} {e.Pauc03:F4}   {e.LowStartPauc02:F4} {e.LowStartPauc03:F4}");
        return sb.ToString().TrimEnd();
    }
}

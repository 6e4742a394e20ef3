using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Fiqa.Evaluation;
using Fiqa.Quality.Unified;

namespace Fiqa.Training;

/// <summary>The head recipes <c>fiqa train-quality-lfw</c> compares (View 1 picks among them and the single methods).</summary>
public static class LfwRecipes
{
    private static readonly string[] Scalars = [QualityHead.EmbeddingNormInput, QualityHead.SerFiqInput];
    private static readonly string[] WithEmbedding = [QualityHead.EmbeddingNormInput, QualityHead.SerFiqInput, QualityHead.EmbeddingInput];

    /// <summary>Every recipe, seed 1.</summary>
    public static IReadOnlyList<LfwHeadRecipe> All { get; } =
    [
        // The installed head's recipe, taught on LFW instead of degraded copies.
        new("act24-norm-serfiq"),
        // CR-FIQA's regressor reads the embedding: the same head with the unit embedding as further inputs.
        new("act24-norm-serfiq-emb") { ExtraInputs = WithEmbedding },
        new("act24-norm-serfiq-emb-crfiqa") { ExtraInputs = WithEmbedding, Teachers = [QualityTeachers.Reference, "sdd", "crfiqa"] },
        new("act24-norm-serfiq-emb-decay1e-1") { ExtraInputs = WithEmbedding, Training = new QualityHeadTrainingOptions { WeightDecay = 0.1 } },
        new("act95-norm-serfiq-emb") { ExtraInputs = WithEmbedding, Activations = 95 },
        // A learned fusion of the two strongest single signals, and the embedding with its norm alone (CR-FIQA-like).
        new("act24-norm-serfiq-decay1e-1") { Training = new QualityHeadTrainingOptions { WeightDecay = 0.1 } },
        new("norm-serfiq") { Activations = 0, ExtraInputs = Scalars },
        new("norm-serfiq-emb") { Activations = 0, ExtraInputs = WithEmbedding },
        new("norm-emb") { Activations = 0, ExtraInputs = [QualityHead.EmbeddingNormInput, QualityHead.EmbeddingInput] },
        // The same heads also taught by the installed degraded copies (train-quality's training side), for breadth.
        new("act24-norm-serfiq+degraded") { Breadth = true },
        new("act24-norm-serfiq+degraded2") { Breadth = true, BreadthWeight = 2 },
        new("act24-norm-serfiq+degraded4") { Breadth = true, BreadthWeight = 4 },
        new("act24-norm-serfiq-decay1e-1+degraded") { Breadth = true, Training = new QualityHeadTrainingOptions { WeightDecay = 0.1 } },
        new("norm-serfiq+degraded") { Activations = 0, ExtraInputs = Scalars, Breadth = true },
        new("act24-norm-serfiq-emb-decay1e-1+degraded") { ExtraInputs = WithEmbedding, Breadth = true, Training = new QualityHeadTrainingOptions { WeightDecay = 0.1 } },
        // The installed head (degraded copies) fused with a head taught by LFW: one keeps what degradations teach,
        // the other what real photos do.
        new("act24-norm-serfiq@installed.25") { InstalledWeight = 0.25 },
        new("act24-norm-serfiq@installed.5") { InstalledWeight = 0.5 },
        new("act24-norm-serfiq@installed.75") { InstalledWeight = 0.75 },
    ];

    /// <summary>"all" or comma-separated names; every recipe gets <paramref name="seed"/>.</summary>
    public static List<LfwHeadRecipe> Parse(string text, int seed)
    {
        ArgumentNullException.ThrowIfNull(text);
        var names = text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)
            ? All.Select(r => r.Name).ToList()
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (names.Count == 0) throw new ArgumentException("--recipes: name at least one");
        return names.Select(n => All.FirstOrDefault(r => r.Name == n) is { } r
            ? r with { Training = r.Training with { Seed = seed } }
            : throw new ArgumentException($"--recipes: unknown '{n}'; recipes: {string.Join(", ", All.Select(x => x.Name))}")).ToList();
    }
}

/// <summary>What <see cref="LfwReport.Run"/> measured.</summary>
public sealed record LfwReportResult(string Markdown, string SelectedName, LfwHeadRecipe? Selected, AllVersusAllResult SelectionEdc,
    EvaluationResult PairsEdc, AllVersusAllResult AllVersusAllEdc, AllVersusAllResult CappedEdc);

/// <summary>The LFW protocol end to end: View 1 (heads trained on DevTrain people, all-vs-all EDC over DevTest people)
/// selects among the recipes and the blind single methods; View 2 reports every candidate by cross-fitting, on the
/// 6,000 protocol pairs and all-vs-all within each half of the people.</summary>
public static class LfwReport
{
    /// <summary>Photos per person in the capped all-vs-all EDC (the first ones by image number). Uncapped, a few people
    /// decide it: George W Bush's 530 photos give 140,185 of View 2's 242,257 within-half mated pairs, so a method that
    /// orders one man's photos well wins.</summary>
    public const int PhotosPerPerson = 10;

    /// <summary>Whether the sample is among its person's first <see cref="PhotosPerPerson"/> photos.</summary>
    public static bool WithinCap(LfwSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return int.Parse(sample.Id.AsSpan(sample.Id.LastIndexOf('_') + 1), CultureInfo.InvariantCulture) <= PhotosPerPerson;
    }

    /// <summary>The discard limits reported (the FIQA literature's).</summary>
    public static IReadOnlyList<double> Limits { get; } = [0.2, 0.3];

    /// <summary>Runs selection and the View 2 report, writes comparisons.csv, qualities.csv, the EDC plots and
    /// report.md to <paramref name="outDir"/>.</summary>
    /// <param name="set">The collected passes.</param>
    /// <param name="recipes">Head recipes to compare.</param>
    /// <param name="installed">The installed <c>distilled</c> head, reported as a single method (null: none).</param>
    /// <param name="embedderSha256">Recorded in the heads.</param>
    /// <param name="fontPath">Font of the EDC plot.</param>
    /// <param name="outDir">Report folder.</param>
    /// <param name="breadth">The installed degraded copies' training side, for the <see cref="LfwHeadRecipe.Breadth"/> recipes.</param>
    /// <param name="scored">Further blind methods' scores from <c>fiqa eval</c>'s qualities.csv (samples "name/name_000k"
    /// with or without the extension), e.g. <c>perturb</c> on the images of the mated pairs: View 2 rows only.</param>
    /// <param name="log">Progress lines.</param>
    public static LfwReportResult Run(LfwPassSet set, IReadOnlyList<LfwHeadRecipe> recipes, QualityHead? installed, string? embedderSha256, string fontPath,
        string outDir, DistillationSet? breadth = null, IReadOnlyList<QualityTable>? scored = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(recipes);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var blind = BlindColumns(set, installed);
        var further = (scored ?? []).SelectMany(t => t.Methods.Select((m, k) => (Name: m, Scores: set.Samples.Select(s =>
            t.Quality(s.Id + ".jpg", k) is var q && !double.IsNaN(q) ? q : t.Quality(s.Id, k)).ToArray()))).ToList();
        // Teacher labels per training side, computed once per teacher.
        var devTrain = set.Samples.Where(s => !s.DevTest).ToList();
        var halfA = set.Samples.Where(LfwQualityTraining.FirstHalf).ToList();
        var halfB = set.Samples.Where(s => !LfwQualityTraining.FirstHalf(s)).ToList();
        var labelCache = new ConcurrentDictionary<(string Side, string Teacher), double[]>();
        double[][] Labels(string side, IReadOnlyList<LfwSample> train, LfwHeadRecipe r) =>
            r.Teachers.Select(t => labelCache.GetOrAdd((side, t), k => LfwQualityTraining.Teachers(train, [k.Teacher])[0])).ToArray();
        var selection = new double[recipes.Count][];
        var crossFit = new double[recipes.Count][];
        Parallel.For(0, recipes.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, k =>
        {
            var r = recipes[k];
            var head = Fused(LfwQualityTraining.Train(set, devTrain, Labels("view1", devTrain, r), r, embedderSha256, breadth), r, installed);
            selection[k] = set.Samples.Select(s => s.DevTest && s.Features is not null ? (double)head.Predict(LfwQualityTraining.Input(set, s, r)) : double.NaN).ToArray();
            var scores = Enumerable.Repeat(double.NaN, set.Samples.Count).ToArray();
            foreach (var (side, train, scored) in new[] { ("B", halfB, true), ("A", halfA, false) })
            {
                var h = Fused(LfwQualityTraining.Train(set, train, Labels(side, train, r), r, embedderSha256, breadth), r, installed);
                for (int i = 0; i < scores.Length; i++)
                    if (LfwQualityTraining.FirstHalf(set.Samples[i]) == scored && set.Samples[i].Features is not null)
                        scores[i] = h.Predict(LfwQualityTraining.Input(set, set.Samples[i], r));
            }
            crossFit[k] = scores;
            log?.Invoke($"{r.Name}: trained 3 heads ({clock.Elapsed.TotalSeconds:F0} s)");
        });

        // View 1: all-vs-all over the DevTest people.
        var selectionColumns = blind.Concat(recipes.Select((r, k) => (Name: r.Name, Scores: selection[k]))).ToList();
        var selectionEdc = LfwQualityTraining.AllVersusAll(set, s => s.DevTest && WithinCap(s) ? 0 : -1, selectionColumns, Limits);
        // The default must keep what the degraded copies teach (scores that fall with blur, noise, …; measured: a head
        // taught by LFW alone fails UnifiedMethodTests' blur ladder), so it is chosen among the heads also taught by them
        // and the single methods; the best of all is reported beside it.
        var ranked = selectionEdc.Curves.Where(c => c.Name != QualityEvaluation.OracleName).OrderBy(c => c.Curve.NormalizedPartialArea(0.3)).ToList();
        var overall = ranked[0];
        var best = ranked.First(c => recipes.FirstOrDefault(r => r.Name == c.Name) is not { Breadth: false, InstalledWeight: 0 });
        var selected = recipes.FirstOrDefault(r => r.Name == best.Name);
        log?.Invoke($"View 1 selects {best.Name} (best of all: {overall.Name}) ({clock.Elapsed.TotalSeconds:F0} s)");

        // View 2: cross-fitted columns plus the labelled references within each half.
        int Half(LfwSample s) => LfwQualityTraining.FirstHalf(s) ? 0 : 1;
        var columns = blind.Concat(further).Concat(recipes.Select((r, k) => (Name: r.Name, Scores: crossFit[k])))
            .Append((Name: "crfiqa (labels)", Scores: LfwQualityTraining.LabelledWithin(set, "crfiqa", Half)))
            .Append((Name: "sdd (labels)", Scores: LfwQualityTraining.LabelledWithin(set, "sdd", Half))).ToList();
        var (comparisons, leftOut) = LfwQualityTraining.PairComparisons(set, set.Protocol.Pairs);
        if (leftOut > 0) log?.Invoke($"{leftOut} View 2 pairs left out: an image without a detected face");
        var rows = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (int i = 0; i < set.Samples.Count; i++) rows[set.Samples[i].Id] = columns.Select(c => c.Scores[i]).ToArray();
        var table = new QualityTable(columns.Select(c => c.Name).ToList(), rows);
        var pairs = QualityEvaluation.Evaluate(comparisons, table, new EvaluationOptions { DiscardLimits = Limits });
        Directory.CreateDirectory(outDir);
        ScoreFiles.WriteComparisons(Path.Combine(outDir, "comparisons.csv"), comparisons);
        ScoreFiles.WriteQualities(Path.Combine(outDir, "qualities.csv"), table, comparisons.SelectMany(c => new[] { c.SampleA, c.SampleB }).Distinct());
        EvaluationReport.Write(pairs, outDir, fontPath);
        // Further methods cover only the images they were run on: they stay out of the all-vs-all rows.
        var everyPhoto = columns.Where(c => !further.Any(f => f.Name == c.Name)).ToList();
        var allVsAll = LfwQualityTraining.AllVersusAll(set, Half, everyPhoto, Limits);
        var capped = LfwQualityTraining.AllVersusAll(set, s => WithinCap(s) ? Half(s) : -1, everyPhoto, Limits);
        log?.Invoke($"View 2 evaluated ({clock.Elapsed.TotalSeconds:F0} s)");

        var md = new StringBuilder();
        int faces = set.Samples.Count(s => s.Unit is not null);
        md.AppendLine(CultureInfo.InvariantCulture, $"# Quality on LFW, identity-disjoint\n\n{set.Samples.Count} images of {set.Samples.Select(s => s.Person).Distinct().Count()} people, {faces} with a detected face.\n");
        md.AppendLine(CultureInfo.InvariantCulture, $"## Selection: View 1 (heads trained on DevTrain people; all-vs-all over the DevTest people's first {PhotosPerPerson} photos each, {selectionEdc.Samples} images)\n");
        AppendAllVersusAll(md, selectionEdc);
        md.AppendLine(CultureInfo.InvariantCulture, $"\nSelected (among the heads also taught by the degraded copies, and the single methods): **{best.Name}**; best of all: {overall.Name}.\n");
        md.AppendLine(CultureInfo.InvariantCulture, $"## View 2 pairs, cross-fitted (folds 1–5 scored by heads trained on folds 6–10 and the reverse)\n");
        md.AppendLine(CultureInfo.InvariantCulture, $"Threshold {pairs.Threshold:F4} ({pairs.ThresholdRule}); {pairs.MatedCount} mated, {pairs.NonMatedCount} non-mated; FNMR₀ {pairs.Methods[^1].Curve.StartingError:P2}{(leftOut > 0 ? $"; {leftOut} pairs without a face left out" : "")}.\n");
        md.AppendLine("| method | normalised pAUC@0.2 | normalised pAUC@0.3 | mated pairs not assessed |\n|---|---:|---:|---:|");
        foreach (var m in pairs.Methods.OrderBy(m => m.Method == QualityEvaluation.OracleName ? -1 : m.NormalizedPartialAreas[1]))
            md.AppendLine(CultureInfo.InvariantCulture, $"| {m.Method} | {m.NormalizedPartialAreas[0]:F4} | {m.NormalizedPartialAreas[1]:F4} | {m.UnassessedPairs} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"\n## View 2 all-vs-all within each half of the people, cross-fitted\n");
        AppendAllVersusAll(md, allVsAll);
        md.AppendLine(CultureInfo.InvariantCulture, $"\n## View 2 all-vs-all, each person's first {PhotosPerPerson} photos, cross-fitted\n");
        AppendAllVersusAll(md, capped);
        File.WriteAllText(Path.Combine(outDir, "report.md"), md.ToString());
        return new LfwReportResult(md.ToString(), best.Name, selected, selectionEdc, pairs, allVsAll, capped);
    }

    /// <summary>The head as the recipe fuses it with the installed one (trained on the degraded copies only):
    /// their weighted mean as one MLP (<see cref="QualityHead.Average"/>); unchanged for an unfused recipe.</summary>
    public static QualityHead Fused(QualityHead head, LfwHeadRecipe recipe, QualityHead? installed)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(recipe);
        if (recipe.InstalledWeight <= 0) return head;
        if (installed is null) throw new ArgumentException($"recipe {recipe.Name} fuses the installed head: none is installed");
        var fused = QualityHead.Average([installed, head], weights: [recipe.InstalledWeight, 1 - recipe.InstalledWeight]);
        foreach (var (key, value) in head.Provenance) fused.Provenance[key] = value?.DeepClone();
        return fused;
    }

    private static void AppendAllVersusAll(StringBuilder md, AllVersusAllResult r)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"Threshold {r.Threshold:F4} at FMR 1e-3 on {r.NonMated:N0} non-mated pairs; {r.Mated:N0} mated pairs; FNMR₀ {r.Fnmr0:P2}.\n");
        md.AppendLine("| method | normalised pAUC@0.2 | normalised pAUC@0.3 |\n|---|---:|---:|");
        foreach (var (name, curve) in r.Curves.OrderBy(c => c.Name == QualityEvaluation.OracleName ? -1 : c.Curve.NormalizedPartialArea(0.3)))
            md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {curve.NormalizedPartialArea(0.2):F4} | {curve.NormalizedPartialArea(0.3):F4} |");
    }

    /// <summary>The blind single methods from the collection pass: <c>norm</c>, <c>serfiq</c>, <c>froq</c> and the
    /// installed <c>distilled</c> head (when there is one).</summary>
    public static List<(string Name, double[] Scores)> BlindColumns(LfwPassSet set, QualityHead? installed)
    {
        ArgumentNullException.ThrowIfNull(set);
        int tensors = set.ObservedTensors.Count;
        int Extra(string e) => tensors + set.ExtraInputs.ToList().IndexOf(e);
        double[] Column(Func<LfwSample, double> f) => set.Samples.Select(s => s.Features is null ? double.NaN : f(s)).ToArray();
        var columns = new List<(string, double[])>
        {
            ("norm", Column(s => Math.Exp(s.Features![Extra(QualityHead.EmbeddingNormInput)]))),
            ("serfiq", Column(s => s.Features![Extra(QualityHead.SerFiqInput)])),
        };
        for (int k = 0; k < set.BlindMethods.Count; k++)
        {
            int m = k;
            columns.Add((set.BlindMethods[k], Column(s => s.Blind[m])));
        }
        if (installed is not null && installed.EmbeddingWidth == 0)
        {
            var index = installed.ObservedTensors.Select(t => set.ObservedTensors.ToList().IndexOf(t)).ToArray();
            if (index.All(i => i >= 0))
                columns.Add(("distilled (installed head)", Column(s => installed.Predict([.. index.Select(i => s.Features![i]), .. installed.ExtraInputs.Select(e => s.Features![Extra(e)])]))));
        }
        return columns;
    }

    /// <summary>The recipe's head on every View 2 person (the shipped head), with its provenance: recipe, seed, the
    /// protocol files' SHA-256, counts, the selection and the cross-fitted figures.</summary>
    public static QualityHead FinalHead(LfwPassSet set, LfwHeadRecipe recipe, string? embedderSha256, LfwReportResult report, DistillationSet? breadth = null,
        QualityHead? installed = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(report);
        var head = LfwQualityTraining.Train(set, set.Samples, LfwQualityTraining.Teachers(set.Samples, recipe.Teachers), recipe, embedderSha256, breadth);
        if (recipe.Breadth && breadth is not null)
            head.Provenance["degraded_copies"] = new JsonObject
            {
                ["data"] = "the installed identity folders (dlib/johns, video, crops) as train-quality degrades them: every kind, levels 1-5, seed 1, 1 jittered copy",
                ["identities"] = new JsonArray(breadth.Samples.Select(x => x.Identity).Distinct().Order(StringComparer.Ordinal).Select(x => (JsonNode)JsonValue.Create(x)!).ToArray()),
                ["samples"] = breadth.Samples.Count(x => x.Features is not null),
                ["teachers"] = string.Join(",", breadth.Teachers),
            };
        string Sha(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(set.Protocol.Root, file))));
        var t = recipe.Training;
        JsonObject Figures(IEnumerable<(string Name, EdcCurve Curve)> curves) => new(curves.Select(c => KeyValuePair.Create(c.Name, (JsonNode?)new JsonObject
        {
            ["d0.2"] = Math.Round(c.Curve.NormalizedPartialArea(0.2), 4), ["d0.3"] = Math.Round(c.Curve.NormalizedPartialArea(0.3), 4),
        })));
        head.Provenance["method"] = "MonotonicIQA-style multi-teacher distillation on LFW's natural photos (teachers from the training people's mated and non-mated comparison scores); frozen embedder";
        head.Provenance["recipe"] = recipe.Name;
        head.Provenance["teacher"] = string.Join(",", recipe.Teachers);
        head.Provenance["inputs"] = $"log L1 norms of the deepest {recipe.Activations} activation tensors + {string.Join(", ", recipe.ExtraInputs)}";
        head.Provenance["training"] = new JsonObject
        {
            ["epochs"] = t.Epochs, ["batch"] = t.BatchSize, ["learning_rate"] = t.LearningRate, ["weight_decay"] = t.WeightDecay, ["seed"] = t.Seed, ["hidden"] = t.Hidden, ["members"] = t.Members,
        };
        head.Provenance["data"] = new JsonObject
        {
            ["dataset"] = "LFW deep-funneled (Huang et al. 2007; 2012), every View 2 person (people.txt folds 1-10)",
            ["images"] = set.Samples.Count, ["with_face"] = set.Samples.Count(s => s.Unit is not null), ["people"] = set.Samples.Select(s => s.Person).Distinct().Count(),
            ["people_txt_sha256"] = Sha("people.txt"), ["pairs_txt_sha256"] = Sha("pairs.txt"),
            ["view1_sha256"] = Sha("peopleDevTrain.txt") + "," + Sha("peopleDevTest.txt"),
            ["split_list"] = "the .splits.tsv beside this file",
        };
        head.Provenance["selection"] = new JsonObject
        {
            ["protocol"] = $"View 1: heads trained on DevTrain people; FNMR-EDC all-vs-all over the DevTest people's first {PhotosPerPerson} photos at FMR 1e-3",
            ["pauc_normalized"] = Figures(report.SelectionEdc.Curves),
        };
        head.Provenance["held_out_view2"] = new JsonObject
        {
            ["protocol"] = "cross-fitted: folds 1-5 scored by the head trained on folds 6-10 and the reverse (same recipe and seed)",
            // Methods scored by another tool (--qualities) stay out, so the file depends on LFW and the recipe alone.
            ["pairs_pauc_normalized"] = Figures(report.PairsEdc.Methods.Where(m => report.AllVersusAllEdc.Curves.Any(c => c.Name == m.Method)).Select(m => (m.Method, m.Curve))),
            ["all_vs_all_pauc_normalized"] = Figures(report.AllVersusAllEdc.Curves),
            [$"all_vs_all_first{PhotosPerPerson}_pauc_normalized"] = Figures(report.CappedEdc.Curves),
        };
        if (recipe.InstalledWeight > 0)
            head.Provenance["fusion"] = new JsonObject
            {
                ["rule"] = "weighted mean of two heads on the same inputs, as one MLP",
                ["installed_weight"] = recipe.InstalledWeight,
                ["installed_head"] = installed?.Provenance["command"]?.DeepClone() ?? "the installed distilled head (fiqa train-quality on the degraded copies)",
                ["installed_recipe"] = installed?.Provenance["training"]?.DeepClone(),
            };
        return Fused(head, recipe, installed);
    }
}

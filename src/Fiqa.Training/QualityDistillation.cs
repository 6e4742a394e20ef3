using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Fiqa.Evaluation;
using Fiqa.Face;
using Fiqa.Onnx;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Training;

/// <summary>Options of <see cref="QualityDistillation"/>.</summary>
public sealed record DistillationOptions
{
    /// <summary>Teachers (<see cref="QualityTeachers"/>): <c>reference</c>, a labelled method (<c>sdd</c>, <c>crfiqa</c>)
    /// or any blind unified method. One teacher trains a single-teacher head; several train one shared regressor with a
    /// monotone transform per teacher (MonotonicIQA). Default: <see cref="DefaultTeachers"/>.</summary>
    public IReadOnlyList<string> Teachers { get; init; } = DefaultTeachers;

    /// <summary>The default teachers: similarity to the clean reference and SDD-FIQA's distance (CR-FIQA's certainty
    /// ratio is offered but left out: on the installed set the head reaches only Spearman ≈ 0.6 against it, README).</summary>
    public static IReadOnlyList<string> DefaultTeachers { get; } = [QualityTeachers.Reference, "sdd"];
    /// <summary>Share of identities held out for the report (at least one identity each side).</summary>
    public double HoldOut { get; init; } = 0.25;
    /// <summary>Seed of the held-out choice.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>eDifFIQA's β: the global top share of labels whose samples define each identity's centre.</summary>
    public double Beta { get; init; } = 0.2;
    /// <summary>eDifFIQA's ε: how strongly distance to the identity centre lowers a label. eDifFIQA uses 0.5; the default
    /// 0 keeps the teacher's labels, because the optimised labels rank differently from the teacher (README).</summary>
    public double Epsilon { get; init; }
    /// <summary>The head's extra inputs after the activation norms (<see cref="QualityHead.KnownExtraInputs"/>).</summary>
    public IReadOnlyList<string> ExtraInputs { get; init; } = QualityHead.KnownExtraInputs;
    /// <summary>How many of the embedder's activation tensors feed the head, deepest first (null: all of them; 0: none).
    /// Default: the deepest 24 of 95 — cheaper than all (fewer in-graph reductions) and, with the embedding norm and
    /// SER-FIQ as inputs, closer to the teachers on held-out identities (README).</summary>
    public int? Activations { get; init; } = DefaultActivations;

    /// <summary>The default number of deepest activation tensors.</summary>
    public const int DefaultActivations = 24;
    /// <summary>The default number of jittered copies per training image (<see cref="QualityDistillation.Collect"/>'s jitter): one, chosen
    /// over three identity splits and checked on two more (README).</summary>
    public const int DefaultJitterCopies = 1;
    /// <summary>Head and optimiser.</summary>
    public QualityHeadTrainingOptions Training { get; init; } = new();
}

/// <summary>One collected training sample: the raw embedding and the head's candidate input (both null: no face found),
/// one raw score per teacher (NaN: the teacher could not score it) and whether it is an undegraded original.</summary>
public sealed record DistillationSample(string Id, string Identity, float[]? RawEmbedding, float[]? Features, double[] Teachers, bool Original = false)
{
    /// <summary>For a jittered copy (the detector's box and the alignment points moved, <see cref="JitterOptions"/>): the
    /// id of the sample it copies, whose embedding and teacher labels it carries; it only adds training inputs.</summary>
    public string? JitterOf { get; init; }
}

/// <summary>Collected samples, their teachers, and the inputs their <see cref="DistillationSample.Features"/> hold: the
/// L1 norms of <see cref="ObservedTensors"/>, then <see cref="ExtraInputs"/>.</summary>
public sealed record DistillationSet(IReadOnlyList<DistillationSample> Samples, IReadOnlyList<string> ObservedTensors, IReadOnlyList<string> Teachers)
{
    /// <summary>Extra inputs after the activation norms.</summary>
    public IReadOnlyList<string> ExtraInputs { get; init; } = QualityHead.KnownExtraInputs;
}

/// <summary>One method's normalised pAUC on the held-out identities' FNMR-EDC: at the main threshold (FMR 1e-3, or a 5 %
/// starting FNMR on small sets) and at the threshold that gives a starting FNMR of
/// <see cref="QualityDistillation.LowErrorStart"/>, where only the worst samples fail.</summary>
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

/// <summary>eDifFIQA-style distillation (Babnik et al., TBIOM 2024) with a frozen embedder: teacher scores on a
/// labelled, degraded image set → labels min–max normalised to [0, 1] per teacher → class-centre label optimisation
/// (optional, <see cref="DistillationOptions.Epsilon"/>) → an MLP on what the embedder pass yields, trained with L1 (the
/// embedding-consistency term of eDifFIQA's loss is zero when the backbone is frozen); with several teachers the MLP is
/// MonotonicIQA's shared regressor (QualityHeadTrainer's multi-teacher Train). Identities are split, not images, so the
/// held-out figures measure generalisation to new people; labelled teachers are computed within each split.</summary>
public static class QualityDistillation
{
    /// <summary>The held-out identities: the first ⌈fraction·n⌉ by a seeded hash order (1 ≤ count ≤ n − 1).</summary>
    public static IReadOnlyList<string> HeldOutIdentities(IEnumerable<string> identities, double fraction, int seed)
    {
        var all = identities.Distinct(StringComparer.Ordinal).ToList();
        if (all.Count < 2) throw new ArgumentException("distillation needs at least two identities (one to train, one to hold out)");
        int count = Math.Clamp((int)Math.Ceiling(fraction * all.Count), 1, all.Count - 1);
        return SeededOrder(all, id => id, seed).Take(count).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A seeded shuffle that does not depend on the input order: items sorted by SHA-256 of "seed|key".</summary>
    public static IEnumerable<T> SeededOrder<T>(IEnumerable<T> items, Func<T, string> key, int seed) =>
        items.OrderBy(item => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}|{key(item)}"))), StringComparer.Ordinal);

    /// <summary>Runs the face pipeline over the plan (in parallel; results in plan order) with one embedder pass per
    /// image observing the head's candidate inputs (every activation tensor's L1 norm, the penultimate tensor for the
    /// SER-FIQ input) and whatever the blind teachers read; labelled teachers and <c>reference</c> are scored afterwards
    /// from the embeddings, identities and sources, within the identities of <paramref name="heldOut"/> and outside them.</summary>
    /// <param name="plan">Images to score.</param>
    /// <param name="teachers">Teacher names (<see cref="QualityTeachers"/>).</param>
    /// <param name="assessor">Base options (face pipeline, decode limits, method files); measures and unified methods are replaced.</param>
    /// <param name="threads">Images in parallel.</param>
    /// <param name="heldOut">Identities whose labelled teachers are computed among themselves (null: all together).</param>
    /// <param name="progress">Called with the number of images done.</param>
    /// <param name="cache">Optional cache (its key must identify the models, the face options and the blind teachers):
    /// entries are keyed by the source file's SHA-256, the degradation and its seed, so a re-run only trains.</param>
    /// <param name="jitter">Jittered copies per sample (<see cref="JitterOptions.Draws"/>; null or 0: none): the head
    /// learns that a detector's box and landmarks a few pixels off leave the quality label unchanged.</param>
    public static DistillationSet Collect(IReadOnlyList<DegradedSample> plan, IReadOnlyList<string> teachers, AssessorOptions assessor, int threads,
        IReadOnlySet<string>? heldOut = null, Action<int>? progress = null, FeatureCache? cache = null, JitterOptions? jitter = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(teachers);
        ArgumentNullException.ThrowIfNull(assessor);
        if (teachers.Count == 0) throw new ArgumentException("at least one teacher");
        var names = teachers.Select(QualityTeachers.Normalise).ToList();
        var blind = names.Where(QualityTeachers.IsBlind).Distinct().ToList();
        var paths = assessor.Face.Paths ?? FiqaPaths.Resolve();
        var store = ModelStore.For(paths);
        var tensors = ActivationGraph.ActivationTensors(store.Get(assessor.Face.Embedder));
        var extras = QualityHead.KnownExtraInputs;
        var inputs = new HeadInputs(tensors, extras, store.Get(assessor.Face.Embedder), assessor.Methods.SerFiq);
        using var a = FaceQualityAssessor.Create(assessor with
        {
            Measures = [], Profile = null, UnifiedMethods = blind,
            Face = assessor.Face with { Paths = paths, Parts = FaceParts.Embedding, AllFaces = false, EmbedderObservations = inputs.Observations },
        });
        a.Warm();
        int width = inputs.Count, b = blind.Count;
        var blindScores = new double[plan.Count][];
        var samples = new DistillationSample[plan.Count];
        int draws = jitter?.Draws ?? 0;
        var jittered = new float[]?[plan.Count][];
        // Each source is hashed once, not once per degraded variant.
        var sourceHashes = cache is null ? null : plan.Select(s => s.Source.Path).Distinct(StringComparer.Ordinal)
            .ToDictionary(path => path, FeatureCache.ContentHash, StringComparer.Ordinal);
        int done = 0;
        Parallel.For(0, plan.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            var s = plan[i];
            float[]? raw = null, features = null;
            var scores = Enumerable.Repeat(double.NaN, b).ToArray();
            string? key = sourceHashes is null ? null : CacheKey(sourceHashes[s.Source.Path], s);
            Imaging.RgbImage? image = null; // rendered once, for the pass and its jittered copies
            if (key is not null && cache!.TryGet(key, out var hit))
            {
                if (hit.Length > 1)
                {
                    for (int k = 0; k < b; k++) scores[k] = hit[k];
                    features = hit[b..(b + width)];
                    raw = hit[(b + width)..];
                }
            }
            else
            {
                try
                {
                    image = s.Render(assessor.Decode);
                    var result = a.Assess(image, s.Id);
                    if (result.Faces.Count > 0)
                    {
                        var face = result.Faces[0];
                        var pass = face.Face.Pass!;
                        raw = [.. pass.RawEmbedding];
                        features = inputs.Features(pass);
                        for (int k = 0; k < b; k++) scores[k] = face.UnifiedMethods[blind[k]].RawOrNaN;
                    }
                }
                catch (Imaging.ImageDecodeException)
                {
                    // An unreadable source counts as "no face"; the caller reports the count.
                }
                if (key is not null) cache!.Add(key, raw is null ? [float.NaN] : [.. scores.Select(v => (float)v), .. features!, .. raw]);
            }
            blindScores[i] = scores;
            samples[i] = new DistillationSample(s.Id, s.Identity, raw, features, [], s.Kind is null);
            jittered[i] = raw is null || draws == 0 ? [] : Jittered(s, image, key, a, inputs, assessor, jitter!, cache);
            progress?.Invoke(Interlocked.Increment(ref done));
        });
        // Teachers that need the whole set (labels, sources), computed per split so no held-out sample shapes a training label.
        var splitOf = samples.Select(x => heldOut is not null && heldOut.Contains(x.Identity)).ToArray();
        var labelled = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var name in names.Where(n => !QualityTeachers.IsBlind(n)).Distinct())
        {
            var column = Enumerable.Repeat(double.NaN, samples.Length).ToArray();
            foreach (bool side in new[] { false, true })
            {
                var idx = Enumerable.Range(0, samples.Length).Where(i => splitOf[i] == side && samples[i].RawEmbedding is not null).ToList();
                if (idx.Select(i => samples[i].Identity).Distinct().Count() < 2) continue;
                var units = idx.Select(i => Unit(samples[i].RawEmbedding!)).ToList();
                var ids = idx.Select(i => samples[i].Identity).ToList();
                var scores = QualityTeachers.ScoreLabelled(name, units, ids, idx.Select(i => plan[i].Kind is null).ToList(), idx.Select(i => plan[i].Source.Id).ToList());
                for (int k = 0; k < idx.Count; k++) column[idx[k]] = scores[k];
            }
            labelled[name] = column;
        }
        for (int i = 0; i < samples.Length; i++)
        {
            if (samples[i].RawEmbedding is null) { samples[i] = samples[i] with { Teachers = names.Select(_ => double.NaN).ToArray() }; continue; }
            samples[i] = samples[i] with
            {
                Teachers = names.Select(n => QualityTeachers.IsBlind(n) ? blindScores[i][blind.IndexOf(n)] : labelled[n][i]).ToArray(),
            };
        }
        // Jittered copies carry their sample's labels (computed above from the samples as detected only).
        var copies = samples.SelectMany((x, i) => jittered[i].Select((f, d) => (x, f, d)))
            .Where(c => c.f is not null)
            .Select(c => c.x with { Id = FormattableString.Invariant($"{c.x.Id}#jitter{c.d + 1}"), Features = c.f, Original = false, JitterOf = c.x.Id });
        return new DistillationSet([.. samples, .. copies], tensors, names) { ExtraInputs = extras };
    }

    // The head's inputs after each jitter draw (null: the face was lost), seeded by the sample's cache key (or id), so the
    // draws repeat across runs; cached as one entry per sample and jitter setting.
    private static float[]?[] Jittered(DegradedSample s, Imaging.RgbImage? rendered, string? key, FaceQualityAssessor a, HeadInputs inputs,
        AssessorOptions assessor, JitterOptions jitter, FeatureCache? cache)
    {
        int width = inputs.Count;
        string? jitterKey = key is null ? null : FormattableString.Invariant($"{key}|jitter|{jitter.Draws}|{jitter.BoxFraction:R}|{jitter.LandmarkPixels:R}|{jitter.Seed}");
        if (jitterKey is not null && cache!.TryGet(jitterKey, out var hit))
            return Enumerable.Range(0, jitter.Draws).Select(d => float.IsNaN(hit[d * width]) ? null : hit[(d * width)..((d + 1) * width)]).ToArray();
        var result = new float[]?[jitter.Draws];
        try
        {
            var image = rendered ?? s.Render(assessor.Decode);
            var faces = a.Analyzer.DetectAll(image);
            if (faces.Count > 0)
            {
                var rng = JitterStability.Draws(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key ?? s.Id))), jitter);
                for (int d = 0; d < jitter.Draws; d++) result[d] = inputs.Features(JitterStability.Draw(a.Analyzer, image, faces[0].Box, jitter, rng).Primary.Pass!);
            }
        }
        catch (Imaging.ImageDecodeException)
        {
            // As for the sample itself: no face, no copies.
        }
        if (jitterKey is not null)
            cache!.Add(jitterKey, [.. result.SelectMany(f => f ?? Enumerable.Repeat(float.NaN, width))]);
        return result;
    }

    private static string CacheKey(string sourceHash, DegradedSample s) =>
        $"{sourceHash}|{(s.Kind is { } k ? Imaging.Degradation.Name(k) : "none")}|{s.Level}|{s.Seed}";

    /// <summary>Trains the head on the samples of the non-held-out identities and reports on both sides, including the
    /// held-out FNMR-EDC of the head and of each single signal the collection holds.</summary>
    public static (QualityHead Head, DistillationReport Report) Train(DistillationSet set, DistillationOptions options,
        string? embedderSha256 = null, Action<int, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(options);
        var samples = set.Samples;
        var teacherIndex = options.Teachers.Select(QualityTeachers.Normalise).Select(t =>
        {
            int k = set.Teachers.ToList().IndexOf(t);
            return k >= 0 ? k : throw new ArgumentException($"teacher '{t}' was not collected (collected: {string.Join(", ", set.Teachers)})");
        }).ToArray();
        var teachers = teacherIndex.Select(k => set.Teachers[k]).ToList();
        // The head's input: the deepest activation norms asked for, then the chosen extra inputs.
        int tensorCount = set.ObservedTensors.Count;
        int firstTensor = tensorCount - Math.Clamp(options.Activations ?? tensorCount, 0, tensorCount);
        var headTensors = set.ObservedTensors.Skip(firstTensor).ToList();
        var extraIndex = options.ExtraInputs.Select(e =>
        {
            int k = set.ExtraInputs.ToList().IndexOf(e);
            return k >= 0 ? tensorCount + k : throw new ArgumentException($"extra input '{e}' was not collected (collected: {string.Join(", ", set.ExtraInputs)})");
        }).ToArray();
        float[] Input(DistillationSample s) => [.. s.Features![firstTensor..tensorCount], .. extraIndex.Select(k => s.Features![k])];
        var usable = samples.Where(s => s.RawEmbedding is not null && s.Features is not null && teacherIndex.Any(k => double.IsFinite(s.Teachers[k]))).ToList();
        // The split is over every identity of the plan (as fiqa degrade --split), usable samples or not.
        var heldOut = HeldOutIdentities(samples.Select(s => s.Identity), options.HoldOut, options.Seed);
        var heldSet = heldOut.ToHashSet(StringComparer.Ordinal);
        var train = usable.Where(s => !heldSet.Contains(s.Identity)).ToList();
        var test = usable.Where(s => heldSet.Contains(s.Identity) && s.JitterOf is null).ToList();
        if (train.Count < 2 || test.Count < 2) throw new ArgumentException($"too few usable samples ({train.Count} to train, {test.Count} held out)");

        var ranges = new List<(double Min, double Max)>();
        var targets = new List<double[]>();
        var units = train.Select(s => Unit(s.RawEmbedding!)).ToList();
        var ids = train.Select(s => s.Identity).ToList();
        foreach (int k in teacherIndex)
        {
            var values = train.Select(s => s.Teachers[k]).Where(double.IsFinite).ToList();
            if (values.Count < 2) throw new ArgumentException($"teacher '{set.Teachers[k]}' scored fewer than two training samples");
            double min = values.Min(), max = values.Max(), span = max > min ? max - min : 1;
            ranges.Add((min, max));
            var labels = train.Select(s => double.IsFinite(s.Teachers[k]) ? (s.Teachers[k] - min) / span : double.NaN).ToList();
            // eDifFIQA's optimisation on the scored samples; unscored ones stay NaN (no loss term).
            var scored = Enumerable.Range(0, train.Count).Where(i => double.IsFinite(labels[i])).ToList();
            var optimised = QualityHeadTrainer.OptimiseLabels(scored.Select(i => units[i]).ToList(), scored.Select(i => ids[i]).ToList(),
                scored.Select(i => labels[i]).ToList(), options.Beta, options.Epsilon);
            var column = Enumerable.Repeat(double.NaN, train.Count).ToArray();
            for (int j = 0; j < scored.Count; j++) column[scored[j]] = optimised[j];
            targets.Add(column);
        }
        var trainInputs = train.Select(Input).ToList();
        var head = QualityHeadTrainer.Train(trainInputs, targets, headTensors, options.Training, progress, embedderSha256, options.ExtraInputs, ids);

        double Rho(List<DistillationSample> part, int k)
        {
            var scored = part.Where(s => double.IsFinite(s.Teachers[k])).ToList();
            return scored.Count < 3 ? double.NaN : RankStatistics.Spearman(scored.Select(s => (double)head.Predict(Input(s))).ToArray(), scored.Select(s => s.Teachers[k]).ToArray());
        }
        // Held-out EDC of the head and of the single signals in the collection.
        var signals = new List<(string Name, Func<DistillationSample, double> Score)> { ("head", s => head.Predict(Input(s))) };
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
        int asDetected = samples.Count(s => s.JitterOf is null);
        var trainAsDetected = train.Where(s => s.JitterOf is null).ToList();
        var report = new DistillationReport(asDetected, asDetected - usable.Count(s => s.JitterOf is null), trainAsDetected.Count, test.Count, heldOut, teachers,
            teacherIndex.Select(k => Rho(trainAsDetected, k)).ToList(), teacherIndex.Select(k => Rho(test, k)).ToList())
        { HeldOutEdc = edc, HeldOutComparisons = comparisons, JitteredCopies = train.Count - trainAsDetected.Count };
        var t = options.Training;
        string lowStart = string.Create(CultureInfo.InvariantCulture, $"fnmr0_{LowErrorStart}");
        var provenance = new JsonObject
        {
            ["method"] = teachers.Count > 1
                ? "MonotonicIQA-style multi-teacher distillation: shared MLP regressor (the score) + one monotone transform per teacher, L1 loss; frozen embedder"
                : "eDifFIQA-style distillation, frozen embedder, MLP, L1 loss on (optimised) labels",
            ["inputs"] = $"log L1 norms of the deepest {headTensors.Count} of {tensorCount} activation tensors + {string.Join(", ", options.ExtraInputs)}",
            ["teacher"] = string.Join(",", teachers),
            ["label_normalisation"] = new JsonObject(teachers.Select((name, k) => KeyValuePair.Create(name, (JsonNode?)new JsonObject { ["min"] = ranges[k].Min, ["max"] = ranges[k].Max }))),
            ["label_optimisation"] = new JsonObject { ["beta"] = options.Beta, ["epsilon"] = options.Epsilon },
            ["training"] = new JsonObject
            {
                ["epochs"] = t.Epochs, ["batch"] = t.BatchSize, ["learning_rate"] = t.LearningRate, ["weight_decay"] = t.WeightDecay, ["seed"] = t.Seed, ["hidden"] = t.Hidden, ["members"] = t.Members,
            },
            ["samples"] = new JsonObject
            {
                ["total"] = report.Samples, ["without_face"] = report.WithoutFace, ["train"] = report.TrainSamples, ["held_out"] = report.HeldOutSamples, ["jittered_copies"] = report.JitteredCopies,
            },
            ["held_out_identities"] = new JsonArray(heldOut.Select(h => (JsonNode)JsonValue.Create(h)!).ToArray()),
            ["spearman_vs_teacher"] = new JsonObject(teachers.Select((name, k) => KeyValuePair.Create(name, (JsonNode?)new JsonObject
            {
                ["train"] = Metric(report.TrainSpearman[k], 4), ["held_out"] = Metric(report.HeldOutSpearman[k], 4),
            }))),
            ["held_out_edc"] = new JsonObject
            {
                ["rule"] = comparisons.Rule, ["fnmr0"] = Metric(comparisons.Fnmr0, 5), ["mated"] = comparisons.Mated, ["non_mated"] = comparisons.NonMated,
                ["pauc_normalized"] = new JsonObject(edc.Select(r => KeyValuePair.Create(r.Method, (JsonNode?)new JsonObject
                {
                    ["d0.2"] = Metric(r.Pauc02, 4), ["d0.3"] = Metric(r.Pauc03, 4),
                    [$"{lowStart}_d0.2"] = Metric(r.LowStartPauc02, 4), [$"{lowStart}_d0.3"] = Metric(r.LowStartPauc03, 4),
                }))),
            },
        };
        foreach (var (key, value) in provenance.ToList())
        {
            provenance.Remove(key);
            head.Provenance[key] = value;
        }
        return (head, report);
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
        var units = samples.Select(s => Unit(s.RawEmbedding!)).ToList();
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

    internal static float[] Unit(float[] raw)
    {
        var unit = (float[])raw.Clone();
        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(unit);
        if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Divide(unit, norm, unit);
        return unit;
    }
}

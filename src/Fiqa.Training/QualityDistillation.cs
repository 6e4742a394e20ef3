using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Fiqa.Evaluation;
using Fiqa.Face;
using Fiqa.Face.Models;
using Fiqa.Face.Onnx;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Training;

/// <summary>Options of <see cref="QualityDistillation"/>.</summary>
public sealed record DistillationOptions
{
    /// <summary>Teacher: a unified method name (<see cref="UnifiedCatalogue"/>), blind or labelled. Default
    /// <c>perturb:4</c>: four draws of noise and grid, a label stable enough to learn (README, "how the head is built").</summary>
    public string Teacher { get; init; } = DefaultTeacher;

    /// <summary>The default teacher.</summary>
    public const string DefaultTeacher = "perturb:4";
    /// <summary>Share of identities held out for the report (at least one identity each side).</summary>
    public double HoldOut { get; init; } = 0.25;
    /// <summary>Seed of the held-out choice.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>eDifFIQA's β: the global top share of labels whose samples define each identity's centre.</summary>
    public double Beta { get; init; } = 0.2;
    /// <summary>eDifFIQA's ε: how strongly distance to the identity centre lowers a label. eDifFIQA uses 0.5; the default
    /// 0 keeps the teacher's labels, because the optimised labels rank differently from the teacher (README).</summary>
    public double Epsilon { get; init; }
    /// <summary>Head and optimiser.</summary>
    public QualityHeadTrainingOptions Training { get; init; } = new();
}

/// <summary>One collected training sample: the raw embedding and the head's input (both null: no face found) and the
/// teacher's raw score.</summary>
public sealed record DistillationSample(string Id, string Identity, float[]? RawEmbedding, float[]? Features, double Teacher);

/// <summary>Collected samples and the activation tensors their <see cref="DistillationSample.Features"/> come from.</summary>
public sealed record DistillationSet(IReadOnlyList<DistillationSample> Samples, IReadOnlyList<string> ObservedTensors);

/// <summary>What training did, for the command's output and the head's provenance.</summary>
public sealed record DistillationReport(int Samples, int WithoutFace, int TrainSamples, int HeldOutSamples,
    IReadOnlyList<string> HeldOutIdentities, double LabelMin, double LabelMax, double TrainSpearman, double HeldOutSpearman);

/// <summary>eDifFIQA-style distillation (Babnik et al., TBIOM 2024) with a frozen embedder: teacher scores on a
/// labelled, degraded image set → labels min–max normalised to [0, 1] → class-centre label optimisation (optional,
/// <see cref="DistillationOptions.Epsilon"/>) → an MLP on the embedder's activation norms trained with L1 (the
/// embedding-consistency term of eDifFIQA's loss is zero when the backbone is frozen). Identities are split, not
/// images, so the held-out Spearman measures generalisation to new people.</summary>
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
    /// image observing every activation tensor's L1 norm (the head's candidate inputs) and, for a blind teacher, whatever
    /// the teacher reads; a labelled teacher (CR-FIQA) is scored afterwards from the embeddings and identities.</summary>
    /// <param name="plan">Images to score.</param>
    /// <param name="teacher">Teacher name (unified catalogue).</param>
    /// <param name="assessor">Base options (face pipeline, decode limits, method files); measures and unified methods are replaced.</param>
    /// <param name="threads">Images in parallel.</param>
    /// <param name="progress">Called with the number of images done.</param>
    /// <param name="cache">Optional cache (its key must identify the models, the face options and the teacher): entries
    /// are keyed by the source file's SHA-256, the degradation and its seed, so a re-run only trains.</param>
    public static DistillationSet Collect(IReadOnlyList<DegradedSample> plan, string teacher, AssessorOptions assessor, int threads,
        Action<int>? progress = null, FeatureCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(assessor);
        var descriptor = UnifiedCatalogue.Describe(teacher);
        bool labelled = descriptor.Kind == UnifiedMethodKind.LabelledReference;
        var paths = assessor.Face.Paths ?? FiqaPaths.Resolve();
        var tensors = ActivationGraph.ActivationTensors(ModelStore.For(paths).Get(assessor.Face.Embedder));
        var inputs = tensors.Select(t => new TensorObservation(t, TensorStatistic.L1)).ToList();
        using var a = FaceQualityAssessor.Create(assessor with
        {
            Measures = [], Profile = null, UnifiedMethods = labelled ? [] : [teacher],
            Face = assessor.Face with { Paths = paths, Parts = FaceParts.Embedding, AllFaces = false, EmbedderObservations = inputs },
        });
        a.Warm();
        int observed = inputs.Count;
        var samples = new DistillationSample[plan.Count];
        // Each source is hashed once, not once per degraded variant.
        var sourceHashes = cache is null ? null : plan.Select(s => s.Source.Path).Distinct(StringComparer.Ordinal)
            .ToDictionary(path => path, FeatureCache.ContentHash, StringComparer.Ordinal);
        int done = 0;
        Parallel.For(0, plan.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            var s = plan[i];
            float[]? raw = null, features = null;
            double score = double.NaN;
            string? key = sourceHashes is null ? null : CacheKey(sourceHashes[s.Source.Path], s);
            if (key is not null && cache!.TryGet(key, out var hit))
            {
                samples[i] = hit.Length == 1
                    ? new DistillationSample(s.Id, s.Identity, null, null, double.NaN)
                    : new DistillationSample(s.Id, s.Identity, hit[(1 + observed)..], hit[1..(1 + observed)], hit[0]);
                progress?.Invoke(Interlocked.Increment(ref done));
                return;
            }
            try
            {
                var result = a.Assess(s.Render(assessor.Decode), s.Id);
                if (result.Faces.Count > 0)
                {
                    var face = result.Faces[0];
                    var pass = face.Face.Pass!;
                    raw = [.. pass.RawEmbedding];
                    features = QualityHead.Features(pass, inputs);
                    if (!labelled) score = face.UnifiedMethods[descriptor.Name].Raw;
                }
            }
            catch (Imaging.ImageDecodeException)
            {
                // An unreadable source counts as "no face"; the caller reports the count.
            }
            samples[i] = new DistillationSample(s.Id, s.Identity, raw, features, score);
            if (key is not null) cache!.Add(key, raw is null ? [float.NaN] : [(float)score, .. features!, .. raw]);
            progress?.Invoke(Interlocked.Increment(ref done));
        });
        if (labelled)
        {
            var usable = samples.Where(x => x.RawEmbedding is not null).ToList();
            var method = (ILabelledQualityMethod)UnifiedCatalogue.Create(teacher, new QualitySettings { Registry = a.Registry, EmbedderModel = assessor.Face.Embedder });
            var scores = method.Score(usable.Select(x => Unit(x.RawEmbedding!)).ToList(), usable.Select(x => x.Identity).ToList());
            var byId = usable.Select((x, k) => (x.Id, scores[k])).ToDictionary(t => t.Id, t => t.Item2, StringComparer.Ordinal);
            for (int i = 0; i < samples.Length; i++)
                if (samples[i].RawEmbedding is not null) samples[i] = samples[i] with { Teacher = byId[samples[i].Id] };
        }
        return new DistillationSet(samples, tensors);
    }

    private static string CacheKey(string sourceHash, DegradedSample s) =>
        $"{sourceHash}|{(s.Kind is { } k ? Imaging.Degradation.Name(k) : "none")}|{s.Level}|{s.Seed}";

    /// <summary>Trains the head on the samples of the non-held-out identities and reports on both sides.</summary>
    public static (QualityHead Head, DistillationReport Report) Train(DistillationSet set, DistillationOptions options,
        string? embedderSha256 = null, Action<int, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(options);
        var samples = set.Samples;
        var usable = samples.Where(s => s.RawEmbedding is not null && s.Features is not null && double.IsFinite(s.Teacher)).ToList();
        var heldOut = HeldOutIdentities(usable.Select(s => s.Identity), options.HoldOut, options.Seed);
        var heldSet = heldOut.ToHashSet(StringComparer.Ordinal);
        var train = usable.Where(s => !heldSet.Contains(s.Identity)).ToList();
        var test = usable.Where(s => heldSet.Contains(s.Identity)).ToList();
        if (train.Count < 2 || test.Count < 2) throw new ArgumentException($"too few usable samples ({train.Count} to train, {test.Count} held out)");

        double min = train.Min(s => s.Teacher), max = train.Max(s => s.Teacher);
        double span = max > min ? max - min : 1;
        var labels = train.Select(s => (s.Teacher - min) / span).ToList();
        var optimised = QualityHeadTrainer.OptimiseLabels(train.Select(s => Unit(s.RawEmbedding!)).ToList(), train.Select(s => s.Identity).ToList(),
            labels, options.Beta, options.Epsilon);
        var head = QualityHeadTrainer.Train(train.Select(s => s.Features!).ToList(), optimised, set.ObservedTensors, options.Training, progress, embedderSha256);

        double Rho(List<DistillationSample> part) => RankStatistics.Spearman(part.Select(s => (double)head.Predict(s.Features!)).ToArray(), part.Select(s => s.Teacher).ToArray());
        var report = new DistillationReport(samples.Count, samples.Count - usable.Count, train.Count, test.Count, heldOut, min, max, Rho(train), Rho(test));
        var t = options.Training;
        var provenance = new JsonObject
        {
            ["method"] = "eDifFIQA-style distillation, frozen embedder, MLP on log activation L1 norms, L1 loss on (optimised) labels",
            ["teacher"] = options.Teacher,
            ["label_normalisation"] = new JsonObject { ["min"] = min, ["max"] = max },
            ["label_optimisation"] = new JsonObject { ["beta"] = options.Beta, ["epsilon"] = options.Epsilon },
            ["training"] = new JsonObject
            {
                ["epochs"] = t.Epochs, ["batch"] = t.BatchSize, ["learning_rate"] = t.LearningRate, ["weight_decay"] = t.WeightDecay, ["seed"] = t.Seed,
            },
            ["samples"] = new JsonObject
            {
                ["total"] = report.Samples, ["without_face"] = report.WithoutFace, ["train"] = report.TrainSamples, ["held_out"] = report.HeldOutSamples,
            },
            ["held_out_identities"] = new JsonArray(heldOut.Select(h => (JsonNode)JsonValue.Create(h)!).ToArray()),
            ["spearman_vs_teacher"] = new JsonObject
            {
                ["train"] = Math.Round(report.TrainSpearman, 4), ["held_out"] = Math.Round(report.HeldOutSpearman, 4),
            },
        };
        foreach (var (key, value) in provenance.ToList())
        {
            provenance.Remove(key);
            head.Provenance[key] = value;
        }
        return (head, report);
    }

    /// <summary>One line per figure, for the command's output.</summary>
    public static string Describe(DistillationReport r) => string.Create(CultureInfo.InvariantCulture,
        $"""
        samples: {r.Samples} ({r.WithoutFace} without a usable face), {r.TrainSamples} to train, {r.HeldOutSamples} held out
        held-out identities: {string.Join(", ", r.HeldOutIdentities)}
        teacher range (train): {r.LabelMin:G6} .. {r.LabelMax:G6}
        Spearman vs teacher: train {r.TrainSpearman:F4}, held out {r.HeldOutSpearman:F4}
        """);

    private static float[] Unit(float[] raw)
    {
        var unit = (float[])raw.Clone();
        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(unit);
        if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Divide(unit, norm, unit);
        return unit;
    }
}

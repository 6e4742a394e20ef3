using System.Security.Cryptography;
using System.Text;
using Fiqa.Evaluation;
using Fiqa.Face;
using Fiqa.Face.Onnx;
using Fiqa.Onnx;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Training;

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

    /// <summary>The samples as detected (not the jittered copies).</summary>
    public IReadOnlyList<DistillationSample> Originals => [.. Samples.Where(s => s.JitterOf is null)];

    /// <summary>Ids of the samples as detected where no face was found (or the image could not be read).</summary>
    public IReadOnlyList<string> WithoutFace => [.. Samples.Where(s => s.JitterOf is null && s.RawEmbedding is null).Select(s => s.Id)];
}

/// <summary>Distillation's collecting stage: one embedder pass per image yields the head's candidate inputs and the blind
/// teachers' scores; the labelled teachers come from <see cref="TeacherLabels"/>.</summary>
public static class DistillationCollector
{
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
        var labelled = TeacherLabels.Labelled(samples, plan, names, heldOut);
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
}

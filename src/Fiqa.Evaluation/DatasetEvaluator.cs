using System.Globalization;
using Fiqa.Face;
using Fiqa.Onnx;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Evaluation;

/// <summary>Options of <see cref="DatasetEvaluator"/>.</summary>
public sealed record DatasetEvaluationOptions
{
    /// <summary>Quality methods by unified-catalogue name: blind ones run on every image, labelled ones (<c>crfiqa</c>)
    /// are computed from the embeddings and the identity labels.</summary>
    public IReadOnlyList<string> Methods { get; init; } = ["norm"];
    /// <summary>Quality components (measure ids) evaluated by their 0..100 scalars.</summary>
    public IReadOnlyList<string> Components { get; init; } = [];
    /// <summary>A second embedder: adds cross-model rows (<c>method@model</c>: quality from it, comparisons from the FR
    /// model). Methods whose files are bound to the FR model are left out of these rows, with a note.</summary>
    public string? QualityModel { get; init; }
    /// <summary>An LFW-style pair file instead of all pairs.</summary>
    public string? PairFile { get; init; }
    /// <summary>Sample this many non-mated pairs (default: all).</summary>
    public int? MaxNonMated { get; init; }
    /// <summary>Seed of the non-mated sample.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>The face pipeline (its embedder is the FR model), decoding limits and method files.</summary>
    public AssessorOptions Assessor { get; init; } = new();
    /// <summary>Images in parallel.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Feature cache folder (default: the <c>eval</c> folder of the paths' cache).</summary>
    public string? CacheDirectory { get; init; }
}

/// <summary>What the evaluator computed: comparisons, the quality table, and what it had to leave out.</summary>
/// <param name="Comparisons">Mated and non-mated comparisons of the usable samples.</param>
/// <param name="Qualities">One column per method (and per cross-model method and component), one row per sample.</param>
/// <param name="Samples">Images in the dataset.</param>
/// <param name="WithoutFace">Images without a usable face (left out of the comparisons).</param>
/// <param name="Notes">Per-file errors and left-out rows, one line each.</param>
public sealed record DatasetScores(IReadOnlyList<Comparison> Comparisons, QualityTable Qualities, int Samples, int WithoutFace, IReadOnlyList<string> Notes)
{
    /// <summary>The paths of the images without a usable face, in dataset order (<see cref="WithoutFace"/> of them).</summary>
    public IReadOnlyList<string> WithoutFaceImages { get; init; } = [];
}

/// <summary>Where a long evaluation stands: <paramref name="Done"/> of <paramref name="Total"/> items of one pass (e.g. the
/// FR model's images, then the quality model's; work found in a cache is not counted).</summary>
public sealed record EvaluationProgress(string Pass, int Done, int Total);

/// <summary>The dataset evaluator: identity folders → embeddings → comparisons → quality table, ready for
/// <see cref="QualityEvaluation.Evaluate"/>. Every per-image value is cached by image content and by everything that
/// changes it (model checksums, face options, method files), one cache per column, so adding a method to an evaluated
/// set computes only that method.</summary>
public static class DatasetEvaluator
{
    /// <summary>Scores a dataset. Unknown method or component names are <see cref="ArgumentException"/>s; a missing
    /// model is a <see cref="ModelConfigurationException"/>. <paramref name="progress"/> is called, from worker threads,
    /// after each image scored.</summary>
    public static DatasetScores Score(IdentityDataset dataset, DatasetEvaluationOptions options, Action<string>? log = null, Action<EvaluationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        var notes = new List<string>();
        var gate = new Lock();
        void Note(string line)
        {
            lock (gate)
            {
                notes.Add(line);
                log?.Invoke(line);
            }
        }
        var paths = options.Assessor.Face.Paths ?? FiqaPaths.Resolve();
        var assessor = options.Assessor with { Face = options.Assessor.Face with { Paths = paths, AllFaces = false }, Profile = null };
        var methods = options.Methods.Select(UnifiedCatalogue.Normalise).Distinct().ToList();
        var blind = methods.Where(m => UnifiedCatalogue.Describe(m).Kind == UnifiedMethodKind.Blind).ToList();
        var labelled = methods.Except(blind).ToList();
        var components = options.Components.Select(c => MeasureCatalogue.Find(c).Descriptor.Name).Distinct().ToList();
        var cacheDir = options.CacheDirectory ?? paths.CacheFor("eval");
        var hashes = dataset.Samples.Select(s => FeatureCache.ContentHash(s.Path)).ToArray();

        var fr = Columns(dataset, hashes, assessor, blind, components, cacheDir, options.Threads, Note, "images", progress);
        var sources = new List<(string Suffix, ColumnValues Values)> { ("", fr) };
        if (options.QualityModel is { } q)
        {
            var qa = assessor with { Face = assessor.Face with { Embedder = q } };
            var usableMethods = blind.Where(m => CanCreate(qa, m, out var why) || Skip(Note, m, q, why)).ToList();
            sources.Add(($"@{Path.GetFileNameWithoutExtension(q)}", Columns(dataset, hashes, qa, usableMethods, [], cacheDir, options.Threads, Note, $"images ({Path.GetFileNameWithoutExtension(q)})", progress)));
        }

        // Samples without a face cannot be compared; they are left out and counted.
        var usable = Enumerable.Range(0, dataset.Samples.Count).Where(i => fr.Embeddings[i] is not null).ToList();
        int dropped = dataset.Samples.Count - usable.Count;
        var withoutFace = Enumerable.Range(0, dataset.Samples.Count).Where(i => fr.Embeddings[i] is null).Select(i => dataset.Samples[i].Path).ToList();
        // Named, so a user can look at them; a long list is cut here and given whole in results.json.
        if (dropped > 0)
            Note($"{dropped} of {dataset.Samples.Count} images had no usable face and are left out: {string.Join(", ", withoutFace.Take(20))}"
                + (dropped > 20 ? $", … and {dropped - 20} more (all in results.json)" : ""));
        var (mated, nonMated) = options.PairFile is null
            ? IdentityDataset.Pairs(usable.Select(i => dataset.Samples[i].Identity).ToList(), options.MaxNonMated, options.Seed)
            : IdentityDataset.PairsFromLfwFile(options.PairFile, usable.Select(i => dataset.Samples[i].Id).ToList());
        var comparisons = new List<Comparison>(mated.Count + nonMated.Count);
        foreach (var (list, isMated) in new[] { (mated, true), (nonMated, false) })
            foreach (var (a, b) in list)
            {
                var (sa, sb) = (dataset.Samples[usable[a]], dataset.Samples[usable[b]]);
                double similarity = System.Numerics.Tensors.TensorPrimitives.Dot(fr.Embeddings[usable[a]], fr.Embeddings[usable[b]]);
                comparisons.Add(new Comparison(sa.Id, sb.Id, similarity, isMated));
            }

        // Columns: per source its blind and labelled methods, then the components (FR model only).
        var names = new List<string>();
        var columns = new List<double[]>();
        foreach (var (suffix, values) in sources)
        {
            foreach (var (method, column) in values.Methods) { names.Add(method + suffix); columns.Add(column); }
            foreach (var method in labelled) { names.Add(method + suffix); columns.Add(Labelled(method, dataset, values.Embeddings, assessor)); }
        }
        foreach (var (component, column) in fr.Components) { names.Add(component); columns.Add(column); }
        var rows = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (int i = 0; i < dataset.Samples.Count; i++) rows[dataset.Samples[i].Id] = columns.Select(c => c[i]).ToArray();
        return new DatasetScores(comparisons, new QualityTable(names, rows), dataset.Samples.Count, dropped, notes) { WithoutFaceImages = withoutFace };
    }

    private static bool Skip(Action<string> note, string method, string model, string why)
    {
        note($"{method}@{Path.GetFileNameWithoutExtension(model)} left out: {why}");
        return false;
    }

    private static bool CanCreate(AssessorOptions options, string method, out string why)
    {
        try
        {
            using var probe = FaceQualityAssessor.Create(options with { Measures = [], UnifiedMethods = [method] });
            why = "";
            return true;
        }
        catch (ModelConfigurationException e)
        {
            why = e.Message;
            return false;
        }
    }

    // CR-FIQA-style labelled scores from the unit embeddings and identity labels (NaN for samples without a face).
    private static double[] Labelled(string name, IdentityDataset dataset, float[]?[] embeddings, AssessorOptions assessor)
    {
        var usable = Enumerable.Range(0, embeddings.Length).Where(i => embeddings[i] is not null).ToList();
        using var registry = new Fiqa.Onnx.SessionRegistry(ModelStore.For(assessor.Face.Paths!));
        var method = (ILabelledQualityMethod)UnifiedCatalogue.Create(name, new QualitySettings { Registry = registry, EmbedderModel = assessor.Face.Embedder });
        var scores = method.Score(usable.Select(i => embeddings[i]!).ToList(), usable.Select(i => dataset.Samples[i].Identity).ToList());
        var all = Enumerable.Repeat(double.NaN, embeddings.Length).ToArray();
        for (int k = 0; k < usable.Count; k++) all[usable[k]] = scores[k];
        return all;
    }

    /// <summary>Per sample: the unit embedding (null: no usable face), each blind method's raw score and each component's
    /// scalar (NaN where it could not be assessed).</summary>
    private sealed record ColumnValues(float[]?[] Embeddings, IReadOnlyList<(string Name, double[] Values)> Methods, IReadOnlyList<(string Name, double[] Values)> Components);

    private static ColumnValues Columns(IdentityDataset dataset, string[] hashes, AssessorOptions assessor, List<string> methods,
        List<string> components, string cacheDir, int threads, Action<string> note, string pass, Action<EvaluationProgress>? progress)
    {
        string key = CacheKey(assessor);
        var embeddingCache = new FeatureCache(cacheDir, $"{key}|embedding");
        var methodCaches = methods.Select(m => new FeatureCache(cacheDir, $"{key}|unified|{UnifiedCatalogue.CacheIdentity(m)}")).ToArray();
        // Component caches hold scalars, so they are keyed by the mappings too.
        var componentCaches = components.Select(c => new FeatureCache(cacheDir, $"{key}|component|{c}|{assessor.Mappings.Sha256}")).ToArray();
        bool Has(FeatureCache c, int i) => c.TryGet(hashes[i], out _);
        var missingMethods = methods.Where((_, k) => hashes.Select((_, i) => i).Any(i => !Has(methodCaches[k], i))).ToList();
        var missingComponents = components.Where((_, k) => hashes.Select((_, i) => i).Any(i => !Has(componentCaches[k], i))).ToList();
        var todo = Enumerable.Range(0, hashes.Length).Where(i => !Has(embeddingCache, i)
            || methods.Where((m, k) => missingMethods.Contains(m) && !Has(methodCaches[k], i)).Any()
            || components.Where((c, k) => missingComponents.Contains(c) && !Has(componentCaches[k], i)).Any()).ToList();
        if (todo.Count > 0)
        {
            using var a = FaceQualityAssessor.Create(assessor with
            {
                Measures = missingComponents,
                UnifiedMethods = missingMethods,
                Face = assessor.Face with { Parts = FaceParts.Embedding, Session = assessor.Face.Session with { IntraOpThreads = 1 } },
            });
            a.Warm();
            int done = 0;
            Parallel.ForEach(todo, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
            {
                var result = a.Assess(dataset.Samples[i].Path);
                if (result.Status == FileStatus.Error) note($"{dataset.Samples[i].Path}: {result.Analysis.Error}");
                var face = result.Faces.Count > 0 ? result.Faces[0] : null;
                var embedding = face?.Face.Embedding;
                // [0, unit…] for a face, [NaN] without one (the leading value keeps "no face" distinct from any vector).
                embeddingCache.Add(hashes[i], embedding is null ? [float.NaN] : [0, .. embedding.Vector]);
                for (int k = 0; k < methods.Count; k++)
                    if (missingMethods.Contains(methods[k]))
                        methodCaches[k].Add(hashes[i], [face is null ? float.NaN : (float)face.UnifiedMethods[methods[k]].RawOrNaN]);
                for (int k = 0; k < components.Count; k++)
                    if (missingComponents.Contains(components[k]))
                        componentCaches[k].Add(hashes[i], [face?.Quality[components[k]] is { Status: MeasureStatus.Success } r ? r.Scalar : float.NaN]);
                progress?.Invoke(new EvaluationProgress(pass, Interlocked.Increment(ref done), todo.Count));
            });
        }
        var embeddings = new float[]?[hashes.Length];
        for (int i = 0; i < hashes.Length; i++)
        {
            embeddingCache.TryGet(hashes[i], out var v);
            embeddings[i] = v.Length == 1 && float.IsNaN(v[0]) ? null : v[1..];
        }
        double[] Read(FeatureCache c) => hashes.Select(h => c.TryGet(h, out var v) ? (double)v[0] : double.NaN).ToArray();
        return new ColumnValues(embeddings,
            methods.Select((m, k) => (m, Read(methodCaches[k]))).ToList(),
            components.Select((c, k) => (c, Read(componentCaches[k]))).ToList());
    }

    /// <summary>What every cached value depends on: the detector, landmark and embedder checksums, the face options, and
    /// the files of the methods that have them (the quality head, FROQ's calibration) and SER-FIQ's settings.</summary>
    public static string CacheKey(AssessorOptions assessor)
    {
        ArgumentNullException.ThrowIfNull(assessor);
        var face = assessor.Face;
        var store = ModelStore.For(face.Paths ?? FiqaPaths.Resolve());
        string Sha(string name) => store.Get(name).Sha256 ?? name;
        string FileKey(string? path, string defaultName)
        {
            var file = path ?? store.File(defaultName);
            return File.Exists(file) ? FeatureCache.ContentHash(file)[..16] : "none";
        }
        var m = assessor.Methods;
        return string.Join("|", "v3", Sha(face.Detector), Sha(face.Landmarks), Sha(face.Embedder), face.AlignedInput,
            face.Detection.ScoreThreshold?.ToString("R", CultureInfo.InvariantCulture) ?? "default",
            FileKey(m.QualityHead, DistilledQuality.DefaultFileName), FileKey(m.FroqCalibration, Froq.DefaultFileName),
            m.SerFiq.Passes, m.SerFiq.DropoutRate.ToString("R", CultureInfo.InvariantCulture), m.SerFiq.Seed);
    }
}

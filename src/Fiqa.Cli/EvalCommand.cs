using System.CommandLine;
using System.Globalization;
using Fiqa.Evaluation;
using Fiqa.Face;
using Fiqa.Face.Models;
using Fiqa.Quality;

namespace Fiqa.Cli;

/// <summary><c>fiqa eval</c>: FNMR-EDC and pAUC for quality methods, from a folder of identities or from score files.</summary>
internal static class EvalCommand
{
    /// <summary>Quality methods computable from the face pipeline today (more arrive with the quality-vector and
    /// unified-score work). Each reads one value per face; higher = better.</summary>
    private static readonly string[] KnownMethods = [.. Fiqa.Quality.Unified.UnifiedCatalogue.All.Select(d => d.Name), "crfiqa"];

    // Methods read from the embedding cache or the identity labels; the other unified methods run in the quality job.
    private static readonly string[] EmbeddingMethods = ["norm", "crfiqa"];

    // A listed name, or a parameterised unified method such as perturb:4.
    private static bool IsKnownMethod(string name)
    {
        if (KnownMethods.Contains(name)) return true;
        try
        {
            return Fiqa.Quality.Unified.UnifiedCatalogue.Create(name) is not null;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static Command Create(CliOutput io)
    {
        var common = new CommonOptions();
        var data = new Option<string?>("--data") { Description = "Folder with one sub-folder per identity" };
        var comparisons = new Option<string?>("--comparisons") { Description = "comparisons.csv: sample_a,sample_b,similarity,mated" };
        var qualities = new Option<string?>("--qualities") { Description = "qualities.csv: sample,<method>,..." };
        var methods = new Option<string>("--methods") { Description = "Quality methods for --data: the unified methods (distilled, norm, perturb[:R], serfiq, froq; see 'fiqa assess --unified') and crfiqa (certainty ratio from the identity labels: a reference, not a blind method)", DefaultValueFactory = _ => "norm" };
        var frModel = new Option<string>("--fr-model") { Description = "Embedder for the comparisons (name or manifest path)", DefaultValueFactory = _ => "fr_feature" };
        var qualityModel = new Option<string?>("--quality-model") { Description = "A second embedder: adds cross-model rows (quality from it, comparisons from --fr-model)" };
        var fmr = new Option<double>("--fmr") { Description = "Fix the threshold at this FMR on the non-mated comparisons", DefaultValueFactory = _ => 1e-3 };
        var startingError = new Option<double?>("--starting-error") { Description = "Instead fix it so FNMR at 0 % discard is about this" };
        var error = new Option<string>("--error") { Description = "fnmr (EDC over mated comparisons, default) or fmr (over non-mated)", DefaultValueFactory = _ => "fnmr" };
        error.AcceptOnlyFromAmong("fnmr", "fmr");
        var discard = new Option<string>("--discard") { Description = "pAUC discard limits, comma-separated", DefaultValueFactory = _ => "0.2,0.3" };
        var components = new Option<string?>("--components") { Description = "With --data: also evaluate quality components ('all' or ids, see 'fiqa measures'), by their 0..100 scalars" };
        var pairs = new Option<string?>("--pairs") { Description = "With --data: an LFW-style pair file instead of all pairs (name/name_0001.jpg layout)" };
        var nonMated = new Option<int?>("--non-mated") { Description = "With --data: sample this many non-mated pairs (default: all)" };
        var seed = new Option<int>("--seed") { Description = "Seed for the non-mated sample", DefaultValueFactory = _ => 1 };
        var cache = new Option<string?>("--cache") { Description = "Feature cache folder (default ~/.cache/fiqa/eval)" };
        var output = new Option<string>("--out", "-o") { Description = "Output folder: results.json, report.md, report.html, edc.png, edc.svg", Required = true };
        var command = new Command("eval", "Error-versus-Discard evaluation of quality methods")
        {
            data, comparisons, qualities, pairs, methods, components, frModel, qualityModel, fmr, startingError, error, discard, nonMated, seed, cache, output,
        };
        common.AddTo(command);
        command.SetAction(p =>
        {
            var options = new EvaluationOptions
            {
                TargetFmr = p.GetValue(fmr),
                StartingError = p.GetValue(startingError),
                ErrorType = p.GetValue(error) == "fmr" ? EdcErrorType.Fmr : EdcErrorType.Fnmr,
                DiscardLimits = ParseLimits(p.GetValue(discard)!),
            };
            if (options.TargetFmr is <= 0 or >= 1) throw new UsageException("--fmr must be in (0, 1)");
            if (options.StartingError is <= 0 or >= 1) throw new UsageException("--starting-error must be in (0, 1)");
            var outDir = p.GetRequiredValue(output);
            IReadOnlyList<Comparison> comps;
            QualityTable table;
            if (p.GetValue(data) is { } dataDir)
            {
                if (p.GetValue(comparisons) is not null || p.GetValue(qualities) is not null)
                    throw new UsageException("give either --data or --comparisons with --qualities, not both");
                var chosen = p.GetValue(methods)!.ToLowerInvariant().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var unknown = chosen.Where(m => !IsKnownMethod(m)).ToList();
                if (unknown.Count > 0) throw new UsageException($"unknown quality method(s): {string.Join(", ", unknown)}; available: {string.Join(", ", KnownMethods)}");
                var componentIds = p.GetValue(components) switch
                {
                    null => [],
                    var c when c.Trim().Equals("all", StringComparison.OrdinalIgnoreCase) => MeasureCatalogue.All.Select(d => d.Id).ToArray(),
                    var c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                };
                try
                {
                    componentIds = componentIds.Select(id => MeasureCatalogue.Find(id).Descriptor.Id).ToArray();
                    (comps, table) = FromDataset(p, common, dataDir, chosen, componentIds, p.GetValue(frModel)!, p.GetValue(qualityModel), p.GetValue(pairs),
                        p.GetValue(nonMated), p.GetValue(seed), p.GetValue(cache), io);
                }
                catch (Exception e) when (e is FormatException or ArgumentException)
                {
                    throw new UsageException(e.Message, e);
                }
                Directory.CreateDirectory(outDir);
                ScoreFiles.WriteComparisons(Path.Combine(outDir, "comparisons.csv"), comps);
                ScoreFiles.WriteQualities(Path.Combine(outDir, "qualities.csv"), table, comps.SelectMany(c => new[] { c.SampleA, c.SampleB }).Distinct());
            }
            else
            {
                var c = p.GetValue(comparisons);
                var q = p.GetValue(qualities);
                if (c is null || q is null) throw new UsageException("give --data DIR, or --comparisons FILE with --qualities FILE");
                try
                {
                    comps = ScoreFiles.ReadComparisons(c);
                    table = ScoreFiles.ReadQualities(q);
                }
                catch (FormatException e)
                {
                    throw new UsageException(e.Message, e);
                }
            }
            EvaluationResult result;
            try
            {
                result = QualityEvaluation.Evaluate(comps, table, options);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message, e);
            }
            var files = EvaluationReport.Write(result, outDir);
            io.Out.Write(EvaluationReport.Markdown(result));
            io.Error.WriteLine($"fiqa eval: wrote {string.Join(", ", files.Select(Path.GetFileName))} to {outDir}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static double[] ParseLimits(string text)
    {
        var limits = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || d <= 0 || d > 1)
                throw new UsageException($"--discard: '{part}' is not a fraction in (0, 1]");
            limits.Add(d);
        }
        if (limits.Count == 0) throw new UsageException("--discard needs at least one limit");
        return limits.ToArray();
    }

    private static (IReadOnlyList<Comparison>, QualityTable) FromDataset(ParseResult p, CommonOptions common, string dir, string[] methods,
        string[] componentIds, string frModel, string? qualityModel, string? pairFile, int? maxNonMated, int seed, string? cacheDir, CliOutput io)
    {
        var dataset = IdentityDataset.FromFolder(dir, InputFiles.ImageExtensions);
        cacheDir ??= DefaultCache("eval");
        var hashes = dataset.Samples.Select(s => FeatureCache.ContentHash(s.Path)).ToArray();
        var fr = Cached(p, common, dataset, hashes, EmbeddingJob(p, common, frModel, cacheDir), io);
        var quality = qualityModel is null ? null : Cached(p, common, dataset, hashes, EmbeddingJob(p, common, qualityModel, cacheDir), io);
        var unified = methods.Where(m => !EmbeddingMethods.Contains(m)).ToArray();
        var scalars = componentIds.Length + unified.Length == 0 ? null : Cached(p, common, dataset, hashes, QualityJob(p, common, componentIds, unified, cacheDir), io);

        // Samples without a face cannot be compared; they are left out and counted.
        var usable = Enumerable.Range(0, dataset.Samples.Count).Where(i => fr[i] is not null).ToList();
        int dropped = dataset.Samples.Count - usable.Count;
        if (dropped > 0) io.Error.WriteLine($"fiqa eval: {dropped} of {dataset.Samples.Count} images had no usable face and are left out");
        var (mated, nonMated) = pairFile is null
            ? IdentityDataset.Pairs(usable.Select(i => dataset.Samples[i].Identity).ToList(), maxNonMated, seed)
            : IdentityDataset.PairsFromLfwFile(pairFile, usable.Select(i => dataset.Samples[i].Id).ToList());
        var comps = new List<Comparison>(mated.Count + nonMated.Count);
        foreach (var (list, isMated) in new[] { (mated, true), (nonMated, false) })
            foreach (var (a, b) in list)
            {
                var (sa, sb) = (dataset.Samples[usable[a]], dataset.Samples[usable[b]]);
                double similarity = System.Numerics.Tensors.TensorPrimitives.Dot(fr[usable[a]]!.AsSpan(1), fr[usable[b]]!.AsSpan(1));
                comps.Add(new Comparison(sa.Id, sb.Id, similarity, isMated));
            }
        // Same-model rows always; with a second model, cross-model rows too (quality from it, comparisons from the FR model).
        var sources = new List<(string Suffix, float[]?[] Features)> { ("", fr) };
        if (quality is not null) sources.Add(($"@{Path.GetFileNameWithoutExtension(qualityModel)}", quality));
        var names = sources.SelectMany(src => methods.Select(m => m + src.Suffix)).Concat(componentIds).ToList();
        var certainty = sources.Select(src => methods.Contains("crfiqa") ? CertaintyRatios(dataset, src.Features) : null).ToList();
        var rows = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (int i = 0; i < dataset.Samples.Count; i++)
            rows[dataset.Samples[i].Id] = sources.SelectMany((src, s) => methods.Select(m => m switch
            {
                "norm" => src.Features[i] is { } v ? v[0] : double.NaN,
                "crfiqa" => certainty[s]![i],
                // Unified methods run on the FR model's pipeline only (no cross-model rows).
                _ => s == 0 && scalars?[i] is { } q ? q[componentIds.Length + Array.IndexOf(unified, m)] : double.NaN,
            })).Concat(componentIds.Select((_, k) => scalars?[i] is { } q ? q[k] : double.NaN)).ToArray();
        io.Error.WriteLine($"fiqa eval: {usable.Count} samples, {mated.Count} mated and {nonMated.Count} non-mated comparisons");
        return (comps, new QualityTable(names, rows));
    }

    // CR-FIQA certainty ratios from the identity labels (NaN for samples without a face).
    private static double[] CertaintyRatios(IdentityDataset dataset, float[]?[] features)
    {
        var usable = Enumerable.Range(0, features.Length).Where(i => features[i] is not null).ToList();
        var cr = Fiqa.Quality.Unified.CertaintyRatio.Compute(usable.Select(i => features[i]![1..]).ToList(), usable.Select(i => dataset.Samples[i].Identity).ToList());
        var all = Enumerable.Repeat(double.NaN, features.Length).ToArray();
        for (int k = 0; k < usable.Count; k++) all[usable[k]] = cr[k];
        return all;
    }

    /// <summary>What to compute per image, and the cache it lives in; values null = no usable face.</summary>
    private sealed record CachedJob(FeatureCache Cache, IDisposable Owner, Action Warm, Func<string, JobResult> Run);

    private sealed record JobResult(FileAnalysis Analysis, float[]? Values);

    // Per sample: [raw norm, unit embedding...]. Cached by model file checksums and image content.
    private static CachedJob EmbeddingJob(ParseResult p, CommonOptions common, string model, string cacheDir)
    {
        var options = common.Analyzer(p, FaceParts.Embedding, allFaces: false, intraOpThreads: 1) with { Embedder = model };
        var analyzer = new FaceAnalyzer(options);
        var decode = common.Decode(p);
        var cache = new FeatureCache(cacheDir, ModelKey(options, model));
        return new CachedJob(cache, analyzer, analyzer.Warm, path =>
        {
            var r = FileAnalysis.Run(analyzer, path, decode);
            var e = r.Status == FileStatus.Ok ? r.Faces[0].Embedding : null;
            return new JobResult(r, e is null ? null : [e.Norm, .. e.Vector]);
        });
    }

    // Per sample: the 0..100 scalar of each component (NaN on failure to assess), then the raw score of each unified method.
    private static CachedJob QualityJob(ParseResult p, CommonOptions common, string[] ids, string[] unified, string cacheDir)
    {
        var face = common.Analyzer(p, FaceParts.None, allFaces: false, intraOpThreads: 1);
        var assessor = FaceQualityAssessor.Create(new AssessorOptions { Face = face, Measures = ids, UnifiedMethods = unified, Decode = common.Decode(p) });
        var store = ModelStore.Locate(face.ModelsDirectory);
        // The distilled head is part of what the values depend on.
        var headPath = Path.Combine(store.Directory, Fiqa.Quality.Unified.DistilledQuality.DefaultFileName);
        var headKey = File.Exists(headPath) ? FeatureCache.ContentHash(headPath) : "no-head";
        var cache = new FeatureCache(cacheDir, "quality|" + string.Join(",", ids) + "|" + string.Join(",", unified) + "|" + headKey + "|" + ModelKey(face, face.Embedder));
        return new CachedJob(cache, assessor, assessor.Warm, path =>
        {
            var a = assessor.Assess(path);
            if (a.Faces.Count == 0) return new JobResult(a.Analysis, null);
            var values = ids.Select(id => a.Quality[id].Status == MeasureStatus.Success ? a.Quality[id].Scalar : float.NaN)
                .Concat(unified.Select(m => (float)a.Faces[0].UnifiedMethods[m].Raw)).ToArray();
            return new JobResult(a.Analysis, values);
        });
    }

    /// <summary>~/.cache/fiqa/&lt;name&gt;.</summary>
    internal static string DefaultCache(string name) => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "fiqa", name);

    internal static string ModelKey(FaceAnalyzerOptions options, string embedder)
    {
        var store = ModelStore.Locate(options.ModelsDirectory);
        string Sha(string name) => store.Get(name).Sha256 ?? name;
        // "v2": entries are [0, values…] or [NaN]; bump when the layout changes so stale caches are not misread.
        return string.Join("|", "v2", Sha(options.Detector), Sha(options.Landmarks), Sha(embedder), options.AlignedInput, options.Detection.ScoreThreshold);
    }

    // Runs the job for every image not in its cache (in parallel, results cached as they come), then reads all from it.
    private static float[]?[] Cached(ParseResult p, CommonOptions common, IdentityDataset dataset, string[] hashes, CachedJob job, CliOutput io)
    {
        using var owner = job.Owner;
        // A leading NaN marks "no usable face" in the cache.
        var todo = Enumerable.Range(0, hashes.Length).Where(i => !job.Cache.TryGet(hashes[i], out _)).ToList();
        if (todo.Count > 0)
        {
            job.Warm();
            int k = 0;
            BatchRunner.Run(todo.Select(i => dataset.Samples[i].Path).ToList(), job.Run, common.ThreadCount(p), io.Error, r =>
            {
                int i = todo[k++];
                if (r.Analysis.Status == FileStatus.Error) io.Error.WriteLine($"fiqa eval: {r.Analysis.Path}: {r.Analysis.Error}");
                job.Cache.Add(hashes[i], r.Values is null ? [float.NaN] : [0, .. r.Values]);
            });
        }
        var values = new float[]?[hashes.Length];
        for (int i = 0; i < values.Length; i++)
        {
            job.Cache.TryGet(hashes[i], out var v);
            values[i] = v.Length == 1 && float.IsNaN(v[0]) ? null : v[1..];
        }
        return values;
    }
}

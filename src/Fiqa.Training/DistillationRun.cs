using System.Globalization;
using Fiqa.Evaluation;
using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Onnx;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Training;

/// <summary>One run of <c>fiqa train-quality</c>: identity folders, their seeded degradations, the distillation, and the
/// face pipeline and cache the teachers are scored with.</summary>
public sealed record DistillationRunOptions
{
    /// <summary>The installed identity folders (relative to the data folder) a run reads when none are given: the dlib
    /// johns, the franck video frames and the crops of the group photos (scripts/provision-quality-head.sh).</summary>
    public static IReadOnlyList<string> DefaultData { get; } = ["dlib/johns", "video", "crops"];

    /// <summary>Identity folder roots, one sub-folder per identity.</summary>
    public required IReadOnlyList<string> Data { get; init; }
    /// <summary>File extensions (with the dot) read as images from <see cref="Data"/>.</summary>
    public required IReadOnlySet<string> ImageExtensions { get; init; }
    /// <summary>Degradations applied to every image, besides the original.</summary>
    public IReadOnlyList<DegradationKind> Kinds { get; init; } = Degradation.AllKinds;
    /// <summary>Severity levels, 1..<see cref="Degradation.MaxLevel"/>.</summary>
    public IReadOnlyList<int> Levels { get; init; } = [1, 2, 3, 4, 5];
    /// <summary>Seed of the degradations (the held-out split and training have theirs in <see cref="Distillation"/>).</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Teachers, split, inputs, head and optimiser.</summary>
    public DistillationOptions Distillation { get; init; } = new();
    /// <summary>Jittered copies of each training image (<see cref="JitterOptions"/>), 0..16; 0: none.</summary>
    public int JitterCopies { get; init; } = DistillationOptions.DefaultJitterCopies;
    /// <summary>Face pipeline; its <see cref="FaceAnalyzerOptions.Paths"/> locate the models (null: resolved).</summary>
    public FaceAnalyzerOptions Face { get; init; } = new();
    /// <summary>Decode limits of the source images.</summary>
    public DecodeOptions Decode { get; init; } = DecodeOptions.Default;
    /// <summary>Images scored in parallel.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Teacher-score cache folder (null: the paths' <c>train</c> cache).</summary>
    public string? CacheFolder { get; init; }
}

/// <summary>The images of a run: the identity folders' samples, the degraded plan over them and the identities held out
/// for the report.</summary>
public sealed record DistillationPlan(IdentityDataset Dataset, IReadOnlyList<DegradedSample> Samples, IReadOnlySet<string> HeldOut)
{
    /// <summary>Distinct identities of the source images.</summary>
    public int Identities => Dataset.Samples.Select(s => s.Identity).Distinct(StringComparer.Ordinal).Count();
}

/// <summary>Callbacks of a run, for a command's output. <see cref="Scored"/> is called from the scoring threads.</summary>
public sealed record DistillationProgress
{
    /// <summary>(images done, images planned) while the teachers and head inputs are collected.</summary>
    public Action<int, int>? Scored { get; init; }
    /// <summary>The collection, before training starts.</summary>
    public Action<DistillationSet>? Collected { get; init; }
    /// <summary>(epoch, mean L1) after each training epoch.</summary>
    public Action<int, double>? Epoch { get; init; }
}

/// <summary>What a run produced: the head (its provenance complete), the report, and the collection it was trained on.</summary>
public sealed record DistillationRunResult(QualityHead Head, DistillationReport Report, DistillationSet Set);

/// <summary>Runs <c>fiqa train-quality</c>: plan the degraded images, collect teachers and head inputs (cached), train
/// the head and report on the held-out identities.</summary>
public static class DistillationRun
{
    /// <summary>The run's images; bad folders or options throw <see cref="ArgumentException"/>,
    /// <see cref="DirectoryNotFoundException"/> or <see cref="InvalidDataException"/> with the reason.</summary>
    public static DistillationPlan Plan(DistillationRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dataset = IdentityDataset.FromFolders(options.Data, options.ImageExtensions);
        var samples = DegradedDataset.Plan(dataset.Samples, options.Kinds, options.Levels, options.Seed);
        var d = options.Distillation;
        var heldOut = IdentitySplit.HeldOutIdentities(dataset.Samples.Select(s => s.Identity), d.HoldOut, d.Seed).ToHashSet(StringComparer.Ordinal);
        return new DistillationPlan(dataset, samples, heldOut);
    }

    /// <summary>Scores <paramref name="plan"/> with the teachers and collects the head's candidate inputs (with the run's
    /// jittered copies), through the run's cache.</summary>
    public static DistillationSet Collect(DistillationRunOptions options, DistillationPlan plan, DistillationProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(plan);
        if (options.JitterCopies is < 0 or > 16) throw new ArgumentException($"jitter copies must be in 0..16, got {options.JitterCopies}");
        var paths = options.Face.Paths ?? FiqaPaths.Resolve();
        var face = options.Face with { Paths = paths };
        var store = ModelStore.For(paths);
        var teachers = options.Distillation.Teachers;
        var blind = string.Join(",", teachers.Where(QualityTeachers.IsBlind).Select(UnifiedCatalogue.CacheIdentity));
        var cache = new FeatureCache(options.CacheFolder ?? paths.CacheFor("train"), CacheKey(blind, face, store));
        return DistillationCollector.Collect(plan.Samples, teachers, new AssessorOptions { Face = face, Decode = options.Decode }, options.Threads, plan.HeldOut,
            done => progress?.Scored?.Invoke(done, plan.Samples.Count), cache,
            options.JitterCopies == 0 ? null : new JitterOptions { Draws = options.JitterCopies });
    }

    /// <summary>Collects, trains and reports; the head's provenance names the data folders and degradations. Options the
    /// distillation cannot use (a teacher not collected, too few usable samples) throw <see cref="ArgumentException"/>.</summary>
    public static DistillationRunResult Run(DistillationRunOptions options, DistillationPlan plan, DistillationProgress? progress = null)
    {
        var set = Collect(options, plan, progress);
        progress?.Collected?.Invoke(set);
        var paths = options.Face.Paths ?? FiqaPaths.Resolve();
        var (head, report) = DistillationTrainer.Train(set, options.Distillation, ModelStore.For(paths).Get(options.Face.Embedder).Sha256, progress?.Epoch);
        head.Provenance["data"] = string.Join(";", options.Data.Select(r => Path.GetFileName(Path.TrimEndingDirectorySeparator(r))));
        head.Provenance["degradations"] = FormattableString.Invariant(
            $"{(options.Kinds.SequenceEqual(Degradation.AllKinds) ? "all" : string.Join(",", options.Kinds.Select(Degradation.Name)))} levels {string.Join(",", options.Levels)} seed {options.Seed}");
        return new DistillationRunResult(head, report, set);
    }

    /// <summary>The key of cached teacher scores and head inputs: the models and face options that change them and the
    /// blind teachers' identities (<see cref="UnifiedCatalogue.CacheIdentity"/>, comma-separated).</summary>
    public static string CacheKey(string blindTeachers, FaceAnalyzerOptions face, ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(face);
        ArgumentNullException.ThrowIfNull(store);
        string Sha(string name) => store.Get(name).Sha256 ?? name;
        // "v3": entries are [blind teachers' scores…, features…, raw embedding…] or [NaN]; bump when the layout changes.
        var serfiq = new SerFiqOptions();
        return string.Join("|", "train", "v3", blindTeachers, $"serfiq{serfiq.Passes}-{serfiq.DropoutRate.ToString("R", CultureInfo.InvariantCulture)}-{serfiq.Seed}", string.Join("|", "v2", Sha(face.Detector), Sha(face.Landmarks), Sha(face.Embedder), face.AlignedInput, face.Detection.ScoreThreshold));
    }
}

using Fiqa.Evaluation;
using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Onnx;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Training;

/// <summary>One run of <c>fiqa train-quality-lfw</c>: LFW's protocol, the head recipes to compare, the face pipeline
/// and cache of the per-image pass, and the degraded copies some recipes add.</summary>
public sealed record LfwTrainingRunOptions
{
    /// <summary>LFW's protocol files and images.</summary>
    public required LfwProtocol Protocol { get; init; }
    /// <summary>Head recipes to compare (<see cref="LfwRecipes.Parse"/>).</summary>
    public required IReadOnlyList<LfwHeadRecipe> Recipes { get; init; }
    /// <summary>Face pipeline; its <see cref="FaceAnalyzerOptions.Paths"/> locate the models (null: resolved).</summary>
    public FaceAnalyzerOptions Face { get; init; } = new();
    /// <summary>Decode limits of the images.</summary>
    public DecodeOptions Decode { get; init; } = DecodeOptions.Default;
    /// <summary>Images scored in parallel.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Per-image cache folder (null: the paths' <c>train</c> cache).</summary>
    public string? CacheFolder { get; init; }
    /// <summary>Further blind methods' scores (<c>fiqa eval</c>'s qualities.csv) added to the View 2 pair table.</summary>
    public IReadOnlyList<QualityTable> FurtherQualities { get; init; } = [];
    /// <summary>The degraded collection the <see cref="LfwHeadRecipe.Breadth"/> recipes add (train-quality's defaults
    /// over the installed identity folders); read only when such a recipe is asked for.</summary>
    public DistillationRunOptions? Breadth { get; init; }
}

/// <summary>Callbacks of an LFW run, for a command's output; <see cref="Scored"/> is called from the scoring threads.</summary>
public sealed record LfwTrainingProgress
{
    /// <summary>(images done, images planned) during the per-image pass.</summary>
    public Action<int, int>? Scored { get; init; }
    /// <summary>Progress lines of the degraded collection and the report.</summary>
    public Action<string>? Line { get; init; }
}

/// <summary>What an LFW run produced: the collection, the report (with the recipe View 1 selects), and what the final
/// heads are built from.</summary>
public sealed record LfwTrainingResult(LfwTrainingRunOptions Options, LfwPassSet Set, LfwReportResult Report, DistillationSet? Breadth, QualityHead? Installed,
    string? EmbedderSha256)
{
    /// <summary>The recipe's head trained on every View 2 person, with its provenance.</summary>
    public QualityHead FinalHead(LfwHeadRecipe recipe) => LfwReport.FinalHead(Set, recipe, EmbedderSha256, Report, Breadth, Installed);
}

/// <summary>Runs <c>fiqa train-quality-lfw</c>: one cached face-pipeline pass over LFW's images, heads chosen on View 1
/// and reported on View 2 by cross-fitting (<see cref="LfwReport"/>), the selected head written with its split list.</summary>
public static class LfwTrainingRun
{
    /// <summary>The per-image pass over View 2's people, through the run's cache. A listed image that is missing throws
    /// <see cref="FileNotFoundException"/>.</summary>
    public static LfwPassSet Collect(LfwTrainingRunOptions options, LfwTrainingProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var paths = options.Face.Paths ?? FiqaPaths.Resolve();
        var face = options.Face with { Paths = paths };
        var cache = new FeatureCache(options.CacheFolder ?? paths.CacheFor("train"), LfwQualityTraining.CacheKey(face, ModelStore.For(paths)));
        return LfwQualityTraining.Collect(options.Protocol, new AssessorOptions { Face = face, Decode = options.Decode }, options.Threads, cache, progress?.Scored);
    }

    /// <summary>Compares the recipes on <paramref name="set"/> and writes the report to <paramref name="outDir"/>; the
    /// installed <c>distilled</c> head is a column and the base of fused recipes.</summary>
    public static LfwTrainingResult Evaluate(LfwTrainingRunOptions options, LfwPassSet set, string outDir, LfwTrainingProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(set);
        var paths = options.Face.Paths ?? FiqaPaths.Resolve();
        var store = ModelStore.For(paths);
        var sha = store.Get(options.Face.Embedder).Sha256;
        var installedPath = store.File(DistilledQuality.DefaultFileName);
        var installed = File.Exists(installedPath) ? QualityHead.Load(installedPath) : null;
        DistillationSet? breadth = null;
        if (options.Recipes.Any(r => r.Breadth))
        {
            var run = options.Breadth ?? throw new ArgumentException("a +degraded recipe needs the degraded collection's options (Breadth)");
            (breadth, int held) = LfwQualityTraining.DegradedBreadth(run);
            progress?.Line?.Invoke($"{breadth.Samples.Count} degraded training samples (with jittered copies) of {breadth.Samples.Select(s => s.Identity).Distinct().Count()} installed identities; {held} held out");
        }
        var report = LfwReport.Run(set, options.Recipes, installed, sha, paths.Font, outDir, breadth, options.FurtherQualities, progress?.Line);
        return new LfwTrainingResult(options, set, report, breadth, installed, sha);
    }

    /// <summary>Writes the head of the recipe View 1 selected, trained on every View 2 person, to <paramref name="path"/>
    /// and its split list beside it (<c>.splits.tsv</c>); <paramref name="command"/> goes into the provenance so a
    /// retrained file compares equal byte for byte. Returns the recipe, or null (nothing written) when a single method
    /// won the selection.</summary>
    public static LfwHeadRecipe? WriteSelectedHead(LfwTrainingResult result, string path, string command)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Report.Selected is not { } recipe) return null;
        var head = result.FinalHead(recipe);
        head.Provenance["command"] = command;
        head.Save(path);
        File.WriteAllText(Path.ChangeExtension(path, ".splits.tsv"), LfwQualityTraining.SplitList(result.Options.Protocol));
        return recipe;
    }
}

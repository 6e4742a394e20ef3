using System.CommandLine;
using Fiqa.Evaluation;
using Fiqa.Face;
using Fiqa.Quality;

namespace Fiqa.Cli;

/// <summary>Where the comparisons and quality scores of <c>fiqa eval</c> and <c>fiqa calibrate threshold</c> come from:
/// a folder of identities scored here (<c>--data</c>, with the FR model, the non-mated sample and the feature cache), or
/// the score files of any tool (<c>--comparisons</c> with <c>--qualities</c>).</summary>
internal sealed class ScoreSourceOptions
{
    public Option<string?> Data { get; } = new("--data") { Description = "Folder with one sub-folder per identity" };
    public Option<string?> Comparisons { get; } = new("--comparisons") { Description = "Instead: comparisons.csv (sample_a,sample_b,similarity,mated) from any tool" };
    public Option<string?> Qualities { get; } = new("--qualities") { Description = "With --comparisons: qualities.csv (sample,<method>,...)" };
    public Option<string> FrModel { get; } = new("--fr-model") { Description = "Embedder for the comparisons (name or manifest path)", DefaultValueFactory = _ => "fr_feature" };
    public Option<int?> NonMated { get; } = new("--non-mated") { Description = "With --data: sample this many non-mated pairs (default: all)" };
    public Option<string?> Cache { get; } = new("--cache") { Description = "Feature cache folder, shared by eval and calibrate (default: $FIQA_CACHE/eval, else ~/.cache/fiqa/eval)" };
    // Components are compared by their scalars, so their mapping is the user's to set (cached per mappings hash).
    public Option<string?> Mappings { get; } = MappingsCommand.Option();

    public IEnumerable<Option> All => [Data, Comparisons, Qualities, FrModel, NonMated, Cache, Mappings];

    /// <summary>The identity folder to score, or null when score files are given; usage errors for a mix or a bad value.</summary>
    public string? DataFolder(ParseResult p)
    {
        if (p.GetValue(NonMated) is < 1) throw new UsageException($"--non-mated must be positive, got {p.GetValue(NonMated)}");
        if (p.GetValue(Data) is not { } dataDir) return null;
        if (p.GetValue(Comparisons) is not null || p.GetValue(Qualities) is not null)
            throw new UsageException("give either --data or --comparisons with --qualities, not both");
        if (!Directory.Exists(dataDir)) throw new UsageException($"--data folder not found: {dataDir}");
        return dataDir;
    }

    /// <summary>The options of scoring <c>--data</c> with <paramref name="methods"/> (the caller adds its own fields).</summary>
    public DatasetEvaluationOptions Evaluation(ParseResult p, CommonOptions common, IReadOnlyList<string> methods, int seed) => new()
    {
        Methods = methods,
        MaxNonMated = p.GetValue(NonMated),
        Seed = seed,
        Threads = common.ThreadCount(p),
        CacheDirectory = p.GetValue(Cache),
        Assessor = new AssessorOptions
        {
            Face = common.Analyzer(p, FaceParts.Embedding, allFaces: false, intraOpThreads: 1) with { Embedder = p.GetValue(FrModel)! },
            Decode = common.Decode(p),
            Mappings = MappingsCommand.Load(p, Mappings),
        },
    };

    /// <summary>Scores the dataset, one progress meter per pass (the FR model's, then a second model's), each with its own
    /// rate and ETA; messages and progress go to stderr prefixed with <paramref name="name"/>.</summary>
    public static DatasetScores Score(CliOutput io, string name, IdentityDataset dataset, DatasetEvaluationOptions evaluation, double interval)
    {
        var meters = new System.Collections.Concurrent.ConcurrentDictionary<string, ProgressMeter>(StringComparer.Ordinal);
        return DatasetEvaluator.Score(dataset, evaluation, line => io.Error.WriteLine($"{name}: {line}"),
            d => meters.GetOrAdd(d.Pass, pass => new ProgressMeter(io.Error, $"{name}: {pass}", interval, "images")).Report(d.Done, d.Total));
    }

    /// <summary>Writes the scores as the files <c>--comparisons</c> and <c>--qualities</c> read back.</summary>
    public static void WriteScoreFiles(string outDir, IReadOnlyList<Comparison> comparisons, QualityTable table)
    {
        ScoreFiles.WriteComparisons(Path.Combine(outDir, "comparisons.csv"), comparisons);
        ScoreFiles.WriteQualities(Path.Combine(outDir, "qualities.csv"), table, comparisons.SelectMany(c => new[] { c.SampleA, c.SampleB }).Distinct());
    }

    /// <summary>The comparisons and qualities of the score files, and the two files' full paths.</summary>
    public (IReadOnlyList<Comparison> Comparisons, QualityTable Table, string Files) ReadScoreFiles(ParseResult p)
    {
        var c = p.GetValue(Comparisons);
        var q = p.GetValue(Qualities);
        if (c is null || q is null) throw new UsageException("give --data DIR, or --comparisons FILE with --qualities FILE");
        try
        {
            return (ScoreFiles.ReadComparisons(OutputFile.Existing(c, "--comparisons file")), ScoreFiles.ReadQualities(OutputFile.Existing(q, "--qualities file")),
                $"{Path.GetFullPath(c)} with {Path.GetFullPath(q)}");
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message, e);
        }
    }
}

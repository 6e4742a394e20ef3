using System.CommandLine;
using System.Globalization;
using Fiqa.Evaluation;
using Fiqa.Face;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Cli;

/// <summary><c>fiqa eval</c>: FNMR-EDC and pAUC for quality methods, from a folder of identities or from score files.</summary>
internal static class EvalCommand
{
    public static Command Create(CliOutput io)
    {
        var common = new CommonOptions();
        var source = new ScoreSourceOptions();
        var methods = new Option<string>("--methods")
        {
            Description = $"Quality methods for --data: {string.Join(", ", UnifiedCatalogue.Methods.Syntax)} (see 'fiqa methods'; labelled references such as crfiqa use the identity labels)",
            DefaultValueFactory = _ => "norm",
        };
        var qualityModel = new Option<string?>("--quality-model") { Description = "A second embedder: adds cross-model rows (quality from it, comparisons from --fr-model)" };
        var fmr = new Option<double>("--fmr") { Description = "Fix the threshold at this FMR on the non-mated comparisons", DefaultValueFactory = _ => 1e-3 };
        var startingError = new Option<double?>("--starting-error") { Description = "Instead fix it so FNMR at 0 % discard is about this" };
        var error = new Option<string>("--error") { Description = "fnmr (EDC over mated comparisons, default) or fmr (over non-mated)", DefaultValueFactory = _ => "fnmr" };
        error.AcceptOnlyFromAmong("fnmr", "fmr");
        var discard = new Option<string>("--discard") { Description = "pAUC discard limits, comma-separated", DefaultValueFactory = _ => "0.2,0.3" };
        var components = new Option<string?>("--components") { Description = "With --data: also evaluate quality components ('all' or ids, see 'fiqa measures'), by their 0..100 scalars" };
        var pairs = new Option<string?>("--pairs") { Description = "With --data: an LFW-style pair file instead of all pairs (name/name_0001.jpg layout)" };
        var seed = new Option<int>("--seed") { Description = "Seed for the non-mated sample", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out", "-o") { Description = "Output folder: results.json, report.md, report.html, edc.png, edc.svg", Required = true };
        var jitter = new Option<int?>("--jitter") { Description = "With --data: also score each face N times with the box jittered ±5 % and the five alignment points ±2 px; writes jitter.md (Spearman of the score with itself, spread per face)" };
        var jitterImages = new Option<int>("--jitter-images") { Description = "Images the jitter report uses (evenly spaced over the set)", DefaultValueFactory = _ => 200 };
        var progressInterval = ProgressMeter.IntervalOption();
        var command = new Command("eval", "Error-versus-Discard evaluation of quality methods")
        {
            pairs, methods, components, qualityModel, fmr, startingError, error, discard, seed, output, jitter, jitterImages, progressInterval,
        };
        foreach (var o in source.All) command.Options.Add(o);
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
            if (options.TargetFmr is <= 0 or >= 1) throw new UsageException($"--fmr must be in (0, 1), got {options.TargetFmr.ToString(CultureInfo.InvariantCulture)}");
            if (options.StartingError is <= 0 or >= 1) throw new UsageException($"--starting-error must be in (0, 1), got {options.StartingError?.ToString(CultureInfo.InvariantCulture)}");
            if (p.GetValue(jitter) is < 1 or > 100) throw new UsageException($"--jitter must be in 1..100, got {p.GetValue(jitter)}");
            if (p.GetValue(jitterImages) < 3) throw new UsageException($"--jitter-images must be at least 3, got {p.GetValue(jitterImages)}");
            var dataFolder = source.DataFolder(p);
            if (p.GetValue(jitter) is not null && dataFolder is null) throw new UsageException("--jitter needs --data (it re-runs the face pipeline on the images)");
            var paths = common.Paths(p);
            double interval = ProgressMeter.Interval(p, progressInterval);
            IReadOnlyList<string> withoutFace = [];
            var outDir = p.GetRequiredValue(output);
            IReadOnlyList<Comparison> comps;
            QualityTable table;
            if (dataFolder is { } dataDir)
            {
                var componentIds = p.GetValue(components) switch
                {
                    null => [],
                    var c when c.Trim().Equals("all", StringComparison.OrdinalIgnoreCase) => MeasureCatalogue.All.Select(d => d.Name).ToArray(),
                    var c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                };
                var evaluation = source.Evaluation(p, common, p.GetValue(methods)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), p.GetValue(seed)) with
                {
                    Components = componentIds,
                    QualityModel = p.GetValue(qualityModel),
                    PairFile = p.GetValue(pairs),
                };
                // Names and files are checked before any image is read.
                foreach (var m in evaluation.Methods) Validate(() => UnifiedCatalogue.Normalise(m));
                foreach (var c in componentIds) Validate(() => MeasureCatalogue.Find(c));
                if (evaluation.PairFile is { } pf) OutputFile.Existing(pf, "--pairs file");
                DatasetScores scores;
                try
                {
                    scores = ScoreSourceOptions.Score(io, "fiqa eval", IdentityDataset.FromFolder(dataDir, InputFiles.ImageExtensions), evaluation, interval);
                }
                catch (Exception e) when (e is FormatException or InvalidDataException or ArgumentException)
                {
                    throw UsageException.From(e);
                }
                comps = scores.Comparisons;
                withoutFace = scores.WithoutFaceImages;
                table = scores.Qualities;
                io.Error.WriteLine($"fiqa eval: {scores.Samples - scores.WithoutFace} samples, {comps.Count(c => c.Mated)} mated and {comps.Count(c => !c.Mated)} non-mated comparisons");
                OutputFile.Folder(outDir);
                ScoreSourceOptions.WriteScoreFiles(outDir, comps, table);
                if (p.GetValue(jitter) is { } draws)
                {
                    var dataset = IdentityDataset.FromFolder(dataDir, InputFiles.ImageExtensions);
                    int count = Math.Min(p.GetValue(jitterImages), dataset.Samples.Count);
                    var jitterFiles = Enumerable.Range(0, count).Select(k => dataset.Samples[(int)((long)k * dataset.Samples.Count / count)].Path).ToList();
                    var blind = evaluation.Methods.Select(UnifiedCatalogue.Normalise).Where(m => UnifiedCatalogue.Describe(m).Kind == UnifiedMethodKind.Blind).Distinct().ToList();
                    var jitterOptions = new JitterOptions { Draws = draws, Seed = p.GetValue(seed) };
                    var rows = JitterStability.Evaluate(jitterFiles, blind, evaluation.Assessor, jitterOptions, common.ThreadCount(p));
                    var md = JitterStability.Markdown(rows, jitterOptions);
                    File.WriteAllText(Path.Combine(outDir, "jitter.md"), md);
                    io.Out.Write(md);
                }
            }
            else (comps, table, _) = source.ReadScoreFiles(p);
            EvaluationResult result;
            try
            {
                result = QualityEvaluation.Evaluate(comps, table, options) with { WithoutFace = withoutFace };
            }
            catch (ArgumentException e)
            {
                throw UsageException.From(e);
            }
            foreach (var w in result.Warnings) io.Error.WriteLine($"fiqa eval: warning: {w}");
            var files = EvaluationReport.Write(result, OutputFile.Folder(outDir), paths.Font);
            io.Out.Write(EvaluationReport.Markdown(result));
            io.Error.WriteLine($"fiqa eval: wrote {string.Join(", ", files.Select(Path.GetFileName))} to {outDir}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Validate(Func<object> check)
    {
        try
        {
            check();
        }
        catch (ArgumentException e)
        {
            throw UsageException.From(e);
        }
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
}

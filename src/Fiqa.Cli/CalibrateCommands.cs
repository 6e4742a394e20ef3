using System.CommandLine;
using System.Globalization;
using Fiqa.Evaluation;
using Fiqa.Face;
using Fiqa.Face.Onnx;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Cli;

/// <summary><c>fiqa calibrate threshold</c> and <c>fiqa calibrate percentiles</c>: a quality threshold and a verdict profile
/// calibrated on the user's own population and recogniser (the arithmetic is <see cref="ThresholdCalibrator"/>,
/// <see cref="PopulationPercentiles"/> and <see cref="ProfileGenerator"/>).</summary>
internal static class CalibrateCommands
{
    public static Command CreateThreshold(CliOutput io)
    {
        var common = new CommonOptions();
        var source = new ScoreSourceOptions();
        var method = new Option<string>("--method") { Description = "Quality method to calibrate (default distilled, the UnifiedQualityScore; with score files: a column of --qualities)", DefaultValueFactory = _ => "distilled" };
        var fmr = new Option<double>("--fmr") { Description = "Fix the comparison threshold at this FMR on the non-mated comparisons", DefaultValueFactory = _ => 1e-3 };
        var startingError = new Option<double?>("--starting-error") { Description = "Instead fix it so FNMR before rejection is about this" };
        var targetFnmr = new Option<double?>("--target-fnmr") { Description = "Choose the lowest reject rate whose FNMR after rejection is at most this" };
        var maxReject = new Option<double?>("--max-reject") { Description = $"Reject at most this share of the samples (alone: the chosen point; default {ThresholdCalibrationOptions.DefaultMaxReject} when no target is given)" };
        var tableMax = new Option<double>("--table-max") { Description = "The table's reject rates run from 0 to this in steps of 0.01", DefaultValueFactory = _ => 0.3 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap replicates over identities (0: no intervals)", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the bootstrap and of the non-mated sample", DefaultValueFactory = _ => 1 };
        var minFalseMatches = new Option<int>("--min-false-matches") { Description = "Refuse an FMR the non-mated comparisons allow fewer false matches for (rule of 30)", DefaultValueFactory = _ => 30 };
        var output = new Option<string>("--out", "-o") { Description = "Output folder: threshold.json, threshold.md, edc.svg, edc.png", Required = true };
        var profileOut = new Option<string?>("--profile-out") { Description = "Also write a verdict profile holding the threshold as unified_threshold (method distilled only)" };
        var profileName = new Option<string>("--profile-name") { Description = "Name of that profile", DefaultValueFactory = _ => "calibrated-threshold" };
        var progressInterval = ProgressMeter.IntervalOption();
        var command = new Command("threshold", "The quality threshold that meets a target FNMR (or a reject budget) at a fixed FMR, with bootstrap intervals over identities")
        {
            method, fmr, startingError, targetFnmr, maxReject, tableMax, bootstrap, seed, minFalseMatches, output, profileOut, profileName, progressInterval,
        };
        foreach (var o in source.All) command.Options.Add(o);
        common.AddTo(command);
        command.SetAction(p =>
        {
            var options = new ThresholdCalibrationOptions
            {
                TargetFmr = p.GetValue(fmr),
                StartingError = p.GetValue(startingError),
                TargetFnmr = p.GetValue(targetFnmr),
                MaxReject = p.GetValue(maxReject),
                TableMaxReject = p.GetValue(tableMax),
                Bootstrap = p.GetValue(bootstrap),
                Seed = p.GetValue(seed),
                MinFalseMatches = p.GetValue(minFalseMatches),
            };
            if (options.Problem() is { } problem) throw new UsageException(problem);
            var dataFolder = source.DataFolder(p);
            double interval = ProgressMeter.Interval(p, progressInterval);
            var outDir = OutputFile.Folder(p.GetRequiredValue(output));
            var profilePath = p.GetValue(profileOut);
            string name = p.GetValue(method)!;
            IReadOnlyList<Comparison> comps;
            QualityTable table;
            Func<string, string>? identityOf = null;
            string population;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            if (dataFolder is { } dataDir)
            {
                try
                {
                    name = UnifiedCatalogue.Normalise(name);
                }
                catch (ArgumentException e)
                {
                    throw UsageException.From(e);
                }
                IdentityDataset dataset;
                try
                {
                    dataset = IdentityDataset.FromFolder(dataDir, InputFiles.ImageExtensions);
                }
                catch (InvalidDataException e)
                {
                    throw UsageException.From(e);
                }
                var evaluation = source.Evaluation(p, common, [name], p.GetValue(seed));
                io.Error.WriteLine($"fiqa calibrate threshold: scoring {dataset.Samples.Count} images of {dataset.Samples.Select(s => s.Identity).Distinct().Count()} identities ({name}; cached values are reused)");
                var scores = ScoreSourceOptions.Score(io, "fiqa calibrate threshold", dataset, evaluation, interval);
                comps = scores.Comparisons;
                table = scores.Qualities;
                var identities = dataset.Samples.ToDictionary(s => s.Id, s => s.Identity, StringComparer.Ordinal);
                identityOf = s => identities[s];
                population = string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetFullPath(dataDir)} ({dataset.Samples.Count} images, {scores.Samples - scores.WithoutFace} with a face, {dataset.Samples.Select(s => s.Identity).Distinct().Count()} identities; FR model {p.GetValue(source.FrModel)})");
                ScoreSourceOptions.WriteScoreFiles(outDir, comps, table);
            }
            else (comps, table, population) = source.ReadScoreFiles(p);
            if (!table.Methods.Contains(name))
                throw new UsageException($"--method '{name}' is not a column of the qualities (columns: {string.Join(", ", table.Methods)})");
            ThresholdCalibration calibration;
            EvaluationResult edc;
            try
            {
                calibration = ThresholdCalibrator.Calibrate(comps, table, name, identityOf, options);
                var single = new QualityTable([name], comps.SelectMany(x => new[] { x.SampleA, x.SampleB }).Distinct(StringComparer.Ordinal)
                    .ToDictionary(s => s, s => new[] { table.Quality(s, table.Methods.ToList().IndexOf(name)) }, StringComparer.Ordinal));
                edc = QualityEvaluation.Evaluate(comps, single, new EvaluationOptions { TargetFmr = options.TargetFmr, StartingError = options.StartingError });
            }
            catch (ArgumentException e)
            {
                throw UsageException.From(e);
            }
            string date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var files = ThresholdReport.Write(calibration, edc, outDir, common.Paths(p).Font, population, date).ToList();
            foreach (var w in calibration.Warnings) io.Error.WriteLine($"fiqa calibrate threshold: warning: {w}");
            if (profilePath is not null)
            {
                if (calibration.Method != "distilled")
                    throw new UsageException($"--profile-out: a profile judges the unified threshold on 'distilled' (the UnifiedQualityScore) only; this calibration is on '{calibration.Method}' (its threshold is in {files[0]})");
                var threshold = ThresholdReport.ToUnifiedThreshold(calibration, population, date);
                var profile = new VerdictProfile
                {
                    Name = p.GetValue(profileName)!,
                    Description = $"The calibrated quality threshold of 'fiqa calibrate threshold' ({calibration.ChosenRule}).",
                    Sources = $"fiqa calibrate threshold on {population}, {date}",
                    UnifiedThreshold = threshold,
                };
                files.Add(WriteProfile(profilePath, profile));
            }
            io.Out.Write(ThresholdReport.Markdown(calibration, population));
            io.Error.WriteLine($"fiqa calibrate threshold: wrote {string.Join(", ", files.Select(Path.GetFileName))} ({clock.Elapsed.TotalSeconds:F0} s)");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>fiqa calibrate expression</c>: refits <see cref="ExpressionFusion"/> on the verdict benchmark's
    /// calibration half and prints the weights with each half's AUC (<see cref="ExpressionFusionFit"/>).</summary>
    public static Command CreateExpression(CliOutput io)
    {
        var common = new CommonOptions();
        var labels = new Option<string>("--labels") { Description = "Label CSV with a not_neutral column and calibration/reported splits (benchmarks/verdicts/lfw-labels.csv)", Required = true };
        var images = new Option<string>("--images") { Description = "Folder the label file's paths are relative to (LFW: lfw-deepfunneled)", Required = true };
        var output = new Option<string?>("--out", "-o") { Description = "Also write the Markdown here" };
        var progressInterval = ProgressMeter.IntervalOption();
        var command = new Command("expression", "Fit ExpressionNeutrality's fusion of the expression network and the mouth's landmarks on labelled photos' calibration half; AUC on both halves")
        {
            labels, images, output, progressInterval,
        };
        common.AddTo(command);
        command.SetAction(p =>
        {
            var imageRoot = p.GetRequiredValue(images);
            if (!Directory.Exists(imageRoot)) throw new UsageException($"--images folder not found: {imageRoot}");
            var photos = EvalVerdictsCommand.ReadLabels(p.GetRequiredValue(labels));
            int threads = common.ThreadCount(p);
            var meter = new ProgressMeter(io.Error, "fiqa calibrate expression", ProgressMeter.Interval(p, progressInterval), "images");
            var gate = new object();
            var options = common.Analyzer(p, FaceParts.Landmarks | FaceParts.Expression, allFaces: false, intraOpThreads: 1);
            // Fitted on the model file's own outputs unless asked otherwise: the int8 graph is adopted because what the
            // fusion reports from it agrees with them (docs/speed.md, "int8 quantisation").
            if (p.GetValue(common.ExpressionPrecision) is null)
                options = options with { ExpressionRun = options.ExpressionRun with { Precision = ModelPrecision.Float } };
            using var analyzer = new FaceAnalyzer(options);
            var samples = EvalVerdictsCommand.ReadImages(() => ExpressionFusionFit.Observe(analyzer, imageRoot, photos, threads, (done, total) => { lock (gate) meter.Report(done, total); }));
            ExpressionFusion fusion;
            try
            {
                fusion = ExpressionFusionFit.Fit(samples);
            }
            catch (ArgumentException e)
            {
                throw new CommandFailedException(e.Message, e);
            }
            var markdown = ExpressionFusionFit.ToMarkdown(fusion, ExpressionFusionFit.Figures(samples, fusion));
            if (p.GetValue(output) is { } path) EvalVerdictsCommand.Write(path, markdown);
            io.Out.Write(markdown);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command CreatePercentiles(CliOutput io)
    {
        var common = new CommonOptions();
        var data = new Option<string>("--data") { Description = "Reference population: a folder with one sub-folder per identity", Required = true };
        var perIdentity = new Option<int?>("--per-identity") { Description = "At most this many images per identity (the first by name), so a few people do not dominate" };
        var measures = new Option<string?>("--measures") { Description = "Components to compute (default: all; see 'fiqa measures')" };
        var methods = new Option<string>("--methods") { Description = "Unified methods besides the components ('none' for none; see 'fiqa methods')", DefaultValueFactory = _ => "norm,serfiq,froq" };
        var percentiles = new Option<string>("--percentiles") { Description = "Percentiles to report, comma-separated (0..100)", DefaultValueFactory = _ => "1,5,10,25,50" };
        var output = new Option<string>("--out", "-o") { Description = "Output folder: percentiles.json, percentiles.md", Required = true };
        var profileOut = new Option<string?>("--profile-out") { Description = "Also write a verdict profile with a requirement per component at --reject-percentile, in native units" };
        var rejectPercentile = new Option<double>("--reject-percentile") { Description = "Each requirement rejects about this percentage of the population on its component", DefaultValueFactory = _ => 5 };
        var profileName = new Option<string>("--profile-name") { Description = "Name of the generated profile", DefaultValueFactory = _ => "calibrated" };
        var components = new Option<string?>("--components") { Description = "Components the profile sets requirements on (default: every one computed)" };
        var threshold = new Option<string?>("--threshold") { Description = "A threshold.json of 'fiqa calibrate threshold' (method distilled): added to the profile as unified_threshold" };
        var mappings = MappingsCommand.Option();
        var progressInterval = ProgressMeter.IntervalOption();
        var command = new Command("percentiles", "Population percentiles of every component (raw and scalar) and method over a reference set, and a verdict profile generated from them")
        {
            data, perIdentity, measures, methods, percentiles, output, profileOut, rejectPercentile, profileName, components, threshold, mappings, progressInterval,
        };
        common.AddTo(command);
        command.SetAction(p =>
        {
            var dataDir = p.GetRequiredValue(data);
            if (!Directory.Exists(dataDir)) throw new UsageException($"--data folder not found: {dataDir}");
            if (p.GetValue(perIdentity) is < 1) throw new UsageException($"--per-identity must be at least 1, got {p.GetValue(perIdentity)}");
            var meter = new ProgressMeter(io.Error, "fiqa calibrate percentiles: images", ProgressMeter.Interval(p, progressInterval), "images");
            var levels = new List<double>();
            foreach (var part in p.GetValue(percentiles)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v is < 0 or > 100)
                    throw new UsageException($"--percentiles: '{part}' is not a percentile in 0..100");
                levels.Add(v);
            }
            if (levels.Count == 0) throw new UsageException("--percentiles needs at least one value");
            var profilePath = p.GetValue(profileOut);
            double reject = p.GetValue(rejectPercentile);
            if (reject is <= 0 or > 50) throw new UsageException($"--reject-percentile must be in (0, 50], got {reject.ToString(CultureInfo.InvariantCulture)}");
            var componentIds = AssessorOptions.ParseNames(p.GetValue(components));
            UnifiedThreshold? unified = null;
            try
            {
                foreach (var c in componentIds ?? []) MeasureCatalogue.Find(c);
                if (p.GetValue(threshold) is { } t) unified = ThresholdReport.ReadUnifiedThreshold(OutputFile.Existing(t, "--threshold file"));
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                throw UsageException.From(e);
            }
            if (unified is not null && profilePath is null) throw new UsageException("--threshold goes into the generated profile: give --profile-out FILE too");
            IdentityDataset dataset;
            try
            {
                dataset = IdentityDataset.FromFolder(dataDir, InputFiles.ImageExtensions);
            }
            catch (InvalidDataException e)
            {
                throw UsageException.From(e);
            }
            var samples = p.GetValue(perIdentity) is int k
                ? dataset.Samples.GroupBy(s => s.Identity).SelectMany(g => g.Take(k)).ToList()
                : dataset.Samples.ToList();
            var outDir = OutputFile.Folder(p.GetRequiredValue(output));
            var assessorOptions = new AssessorOptions
            {
                Face = common.Analyzer(p, FaceParts.None, allFaces: false, intraOpThreads: 1),
                Measures = AssessorOptions.ParseNames(p.GetValue(measures)),
                UnifiedMethods = AssessorOptions.ParseNames(p.GetValue(methods)) ?? [],
                Decode = common.Decode(p),
                Mappings = MappingsCommand.Load(p, mappings),
            };
            using var assessor = FaceQualityAssessor.Create(assessorOptions);
            int identities = samples.Select(s => s.Identity).Distinct().Count();
            io.Error.WriteLine($"fiqa calibrate percentiles: {samples.Count} images of {identities} identities; {assessor.Measures.Count} components, {assessor.UnifiedMethods.Count} methods");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var faces = new FaceQuality?[samples.Count];
            int done = 0;
            var errorLock = new Lock();
            Parallel.For(0, samples.Count, new ParallelOptions { MaxDegreeOfParallelism = common.ThreadCount(p) }, i =>
            {
                var a = assessor.Assess(samples[i].Path);
                if (a.Status == FileStatus.Error)
                    lock (errorLock) io.Error.WriteLine($"fiqa calibrate percentiles: {samples[i].Path}: {a.Analysis.Error}");
                faces[i] = a.Faces.Count > 0 ? a.Faces[0] : null;
                meter.Report(Interlocked.Increment(ref done), samples.Count);
            });
            string date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            int withFace = faces.Count(f => f is not null);
            var population = new ProfileCalibration
            {
                Population = Path.GetFullPath(dataDir) + (p.GetValue(perIdentity) is int per ? $" (first {per} images per identity)" : ""),
                Images = samples.Count,
                Faces = withFace,
                Identities = identities,
                Date = date,
                Command = "fiqa calibrate percentiles",
            };
            var table = new PopulationPercentiles(population);
            foreach (var f in faces)
                if (f is not null) table.Add(f);
            File.WriteAllText(Path.Combine(outDir, "percentiles.json"), table.Json(levels));
            var md = table.Markdown(levels);
            File.WriteAllText(Path.Combine(outDir, "percentiles.md"), md);
            io.Out.Write(md);
            var written = new List<string> { "percentiles.json", "percentiles.md" };
            if (profilePath is not null)
            {
                VerdictProfile profile;
                IReadOnlyList<string> skipped;
                try
                {
                    (profile, skipped) = ProfileGenerator.Generate(table, new ProfileGeneratorOptions
                    {
                        Name = p.GetValue(profileName)!, RejectPercentile = reject, Components = componentIds, UnifiedThreshold = unified,
                    });
                }
                catch (ArgumentException e)
                {
                    throw UsageException.From(e);
                }
                foreach (var s in skipped) io.Error.WriteLine($"fiqa calibrate percentiles: no requirement on {s}");
                written.Add(WriteProfile(profilePath, profile));
                // Judged again from the file as written: it loads, and what it costs its own population is said.
                var loaded = VerdictProfile.Load(profilePath);
                double pass = ProfileGenerator.PassRate(loaded, table.Faces);
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"\nProfile '{loaded.Name}': {loaded.Requirements.Count} requirements; {pass:P1} of the {table.FaceCount} reference faces pass it (each requirement alone rejects about {reject:G} %)."));
            }
            io.Error.WriteLine($"fiqa calibrate percentiles: {withFace} of {samples.Count} images with a face; wrote {string.Join(", ", written.Select(Path.GetFileName))} in {clock.Elapsed.TotalSeconds:F0} s");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string WriteProfile(string path, VerdictProfile profile)
    {
        if (Directory.Exists(path)) throw new UsageException($"--profile-out names a folder: {path}");
        try
        {
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
            File.WriteAllText(path, ProfileGenerator.ToJson(profile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"cannot write --profile-out {path}: {e.Message}", e);
        }
        // The file must load as any profile does; a failure here is a bug, said with the file's name.
        VerdictProfile.Load(path);
        return path;
    }
}

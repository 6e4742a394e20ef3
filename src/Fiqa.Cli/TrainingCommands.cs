using System.CommandLine;
using System.Globalization;
using Fiqa.Evaluation;
using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Onnx;
using Fiqa.Quality;
using Fiqa.Quality.Unified;
using Fiqa.Training;

namespace Fiqa.Cli;

/// <summary><c>fiqa crop</c>, <c>fiqa degrade</c>, <c>fiqa train-quality</c> and <c>fiqa calibrate froq</c>: parse the
/// options, call <see cref="Fiqa.Training"/>, print.</summary>
internal static class TrainingCommands
{
    private sealed class DatasetOptions
    {
        public Option<string[]> Data { get; } = new("--data")
        {
            Description = "Identity folder root (one sub-folder per identity); repeatable. Default: the installed dlib johns, franck video frames and face crops (scripts/provision-quality-head.sh)",
            AllowMultipleArgumentsPerToken = true,
        };
        public Option<string> Kinds { get; } = new("--kinds") { Description = $"Degradations: all, or some of {string.Join(",", Degradation.AllKinds.Select(Degradation.Name))}", DefaultValueFactory = _ => "all" };
        public Option<string> Levels { get; } = new("--levels") { Description = $"Severity levels 1..{Degradation.MaxLevel}, comma-separated", DefaultValueFactory = _ => "1,2,3,4,5" };
        public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the degradations (and of the held-out split and training)", DefaultValueFactory = _ => 1 };

        public void AddTo(Command c)
        {
            c.Add(Data);
            c.Add(Kinds);
            c.Add(Levels);
            c.Add(Seed);
        }

        /// <summary>A run's images from --data (else the installed <see cref="DistillationRunOptions.DefaultData"/>),
        /// --kinds, --levels and --seed; the distillation's own options at their defaults.</summary>
        public DistillationRunOptions RunOptions(ParseResult p, FiqaPaths paths)
        {
            var roots = p.GetValue(Data) is { Length: > 0 } given ? given : DistillationRunOptions.DefaultData.Select(d => CliPaths.RequireData(paths, d)).ToArray();
            try
            {
                var kinds = p.GetValue(Kinds)!.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)
                    ? Degradation.AllKinds
                    : p.GetValue(Kinds)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Degradation.Parse).ToList();
                var levels = p.GetValue(Levels)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(l => int.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new ArgumentException($"--levels: '{l}' is not a number"))
                    .ToList();
                return new DistillationRunOptions { Data = roots, ImageExtensions = InputFiles.ImageExtensions, Kinds = kinds, Levels = levels, Seed = p.GetValue(Seed) };
            }
            catch (ArgumentException e)
            {
                throw UsageException.From(e);
            }
        }

        public static DistillationPlan Plan(DistillationRunOptions options)
        {
            try
            {
                return DistillationRun.Plan(options);
            }
            catch (Exception e) when (e is ArgumentException or DirectoryNotFoundException or InvalidDataException)
            {
                throw UsageException.From(e);
            }
        }

        public (IdentityDataset Dataset, IReadOnlyList<DegradedSample> Plan) Plan(ParseResult p, FiqaPaths paths)
        {
            var o = RunOptions(p, paths);
            try
            {
                var dataset = IdentityDataset.FromFolders(o.Data, o.ImageExtensions);
                return (dataset, DegradedDataset.Plan(dataset.Samples, o.Kinds, o.Levels, o.Seed));
            }
            catch (Exception e) when (e is ArgumentException or DirectoryNotFoundException or InvalidDataException)
            {
                throw UsageException.From(e);
            }
        }

        /// <summary>The identity roots' folder names, for provenance ("johns;video;crops").</summary>
        public string DataNames(ParseResult p) =>
            string.Join(";", (p.GetValue(Data) is { Length: > 0 } given ? given : DistillationRunOptions.DefaultData).Select(r => Path.GetFileName(Path.TrimEndingDirectorySeparator(r))));
    }

    /// <summary><c>fiqa export-head</c>: the quality head and its embedder as one ONNX model with a manifest.</summary>
    public static Command CreateExportHead(CliOutput io)
    {
        var head = new Option<string?>("--head") { Description = $"Head file (default: the models folder's {DistilledQuality.DefaultFileName})" };
        var models = new Option<string?>("--models") { Description = "Models folder (default: $FIQA_MODELS, else the installation's models/)" };
        var output = new Option<string>("--out", "-o") { Description = "The .onnx to write; its manifest goes beside it (.json), for --unified onnx:MANIFEST", Required = true };
        var command = new Command("export-head", "Export the distilled quality head with its embedder as one image-in, score-out ONNX model and manifest") { head, models, output };
        command.SetAction(p =>
        {
            var store = ModelStore.For(CliPaths.Resolve(p.GetValue(models)));
            var headPath = p.GetValue(head) ?? store.File(DistilledQuality.DefaultFileName);
            if (!File.Exists(headPath)) throw new CommandFailedException($"quality head not found: {headPath}. Train it with: {DistilledQuality.TrainCommand}");
            var outPath = p.GetRequiredValue(output);
            if (!outPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) throw new UsageException($"--out must name an .onnx file, got {outPath}");
            var manifest = QualityHeadOnnx.Write(QualityHead.Load(headPath), store.Get(new FaceAnalyzerOptions().Embedder), outPath);
            io.Error.WriteLine($"fiqa export-head: wrote {outPath} and {manifest}; score it with: fiqa assess IMAGE --unified onnx:{manifest}");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command CreateCrop(CliOutput io)
    {
        var common = new CommonOptions();
        var inputs = new Argument<string[]>("inputs") { Description = "Images or folders", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Output root: <image>_<k>/<image>_<k>.png per face", Required = true };
        var margin = new Option<float>("--margin") { Description = "Box growth factor about its centre", DefaultValueFactory = _ => 1.8f };
        var minSize = new Option<int>("--min-size") { Description = "Skip faces whose box is narrower than this, pixels", DefaultValueFactory = _ => 48 };
        var command = new Command("crop", "Save every detected face (box grown by --margin) as its own identity folder") { inputs, output, margin, minSize };
        common.AddTo(command);
        command.SetAction(p =>
        {
            if (p.GetValue(margin) is var m && m is <= 0 or > 10) throw new UsageException($"--margin must be in (0, 10], got {m.ToString(CultureInfo.InvariantCulture)}");
            var list = InputFiles.Expand(p.GetValue(inputs)!);
            if (list.SkippedSummary is { } skipped) io.Error.WriteLine($"fiqa crop: {skipped}");
            var outDir = OutputFile.Folder(p.GetRequiredValue(output));
            using var analyzer = new FaceAnalyzer(common.Analyzer(p, FaceParts.None, allFaces: true, intraOpThreads: common.ThreadCount(p)));
            var (written, failures) = FaceCrops.Write(list.Files, outDir, analyzer, p.GetValue(margin), p.GetValue(minSize), common.Decode(p));
            foreach (var f in failures) io.Error.WriteLine($"fiqa crop: {f}");
            io.Error.WriteLine($"fiqa crop: {written} faces from {list.Files.Count} images written to {outDir}");
            return failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    public static Command CreateDegrade(CliOutput io)
    {
        var common = new CommonOptions();
        var set = new DatasetOptions();
        var output = new Option<string>("--out", "-o") { Description = "Output root: identity folders plus manifest.csv", Required = true };
        var split = new Option<string>("--split") { Description = "Identities to write: all, or train-quality's held-out or calibration (training) side of --holdout with --seed", DefaultValueFactory = _ => "all" };
        split.AcceptOnlyFromAmong("all", "held-out", "calibration");
        var holdOut = new Option<double>("--holdout") { Description = "Share of identities held out (as train-quality's --holdout)", DefaultValueFactory = _ => new DistillationOptions().HoldOut };
        var command = new Command("degrade", "Write seeded degraded copies of identity folders (blur, noise, JPEG, low light, downscale, occlusion)") { output, split, holdOut };
        set.AddTo(command);
        common.AddTo(command);
        command.SetAction(p =>
        {
            var (dataset, plan) = set.Plan(p, common.Paths(p));
            if (p.GetValue(split) is "held-out" or "calibration")
            {
                if (p.GetValue(holdOut) is <= 0 or >= 1) throw new UsageException($"--holdout must be in (0, 1), got {p.GetValue(holdOut).ToString(CultureInfo.InvariantCulture)}");
                HashSet<string> held;
                try
                {
                    held = IdentitySplit.HeldOutIdentities(dataset.Samples.Select(s => s.Identity), p.GetValue(holdOut), p.GetValue(set.Seed)).ToHashSet(StringComparer.Ordinal);
                }
                catch (ArgumentException e)
                {
                    throw UsageException.From(e);
                }
                bool wantHeld = p.GetValue(split) == "held-out";
                plan = plan.Where(s => held.Contains(s.Identity) == wantHeld).ToList();
            }
            var outDir = OutputFile.Folder(p.GetRequiredValue(output));
            var (written, failures) = DegradedDataset.Write(plan, outDir, common.Decode(p), common.ThreadCount(p));
            foreach (var f in failures) io.Error.WriteLine($"fiqa degrade: {f}");
            io.Error.WriteLine($"fiqa degrade: wrote {written} images and manifest.csv to {outDir}");
            return failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    public static Command CreateTrain(CliOutput io)
    {
        var common = new CommonOptions();
        var set = new DatasetOptions();
        var teacher = new Option<string>("--teacher")
        {
            Description = $"Teacher labels, comma-separated (several: one shared regressor + a monotone transform per teacher): {string.Join(", ", QualityTeachers.Names)}",
            DefaultValueFactory = _ => string.Join(",", DistillationOptions.DefaultTeachers),
        };
        var extraInputs = new Option<string>("--extra-inputs")
        {
            Description = $"Head inputs after the activation norms: none, or some of {string.Join(",", QualityHead.KnownExtraInputs)}",
            DefaultValueFactory = _ => string.Join(",", QualityHead.KnownExtraInputs),
        };
        var activations = new Option<string>("--activations") { Description = "Activation norms the head reads: all, or the deepest N tensors (0: none)", DefaultValueFactory = _ => DistillationOptions.DefaultActivations.ToString(CultureInfo.InvariantCulture) };
        var epsilon = new Option<double>("--epsilon") { Description = "eDifFIQA's label optimisation strength ε (eDifFIQA: 0.5; 0 keeps the teacher's labels)", DefaultValueFactory = _ => new DistillationOptions().Epsilon };
        var holdOut = new Option<double>("--holdout") { Description = "Share of identities held out for the report", DefaultValueFactory = _ => 0.25 };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs", DefaultValueFactory = _ => new QualityHeadTrainingOptions().Epochs };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units of the head (eDifFIQA: 1024 on the embedding; default for the 95 activation norms)", DefaultValueFactory = _ => new QualityHeadTrainingOptions().Hidden };
        var rate = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => new QualityHeadTrainingOptions().LearningRate };
        var jitterDraws = new Option<int>("--jitter-copies") { Description = "Jittered copies of each training image (box ±5 %, alignment points ±2 px) with the image's labels: trains the head to ignore detector variability; 0: none", DefaultValueFactory = _ => DistillationOptions.DefaultJitterCopies };
        var decay = new Option<double>("--weight-decay") { Description = "L2 weight decay of the head's weights", DefaultValueFactory = _ => new QualityHeadTrainingOptions().WeightDecay };
        var members = new Option<int>("--members") { Description = "Bagged heads, each on a bootstrap draw of the training identities, averaged into one MLP (1: a single head)", DefaultValueFactory = _ => new QualityHeadTrainingOptions().Members };
        var output = new Option<string?>("--out", "-o") { Description = $"Head file (default: {DistilledQuality.DefaultFileName} in the models folder, used by 'distilled')" };
        var cache = new Option<string?>("--cache") { Description = "Teacher-score cache folder (default: $FIQA_CACHE/train, else ~/.cache/fiqa/train)" };
        var progressInterval = ProgressMeter.IntervalOption();
        var command = new Command("train-quality", "Distil a teacher quality method into the fast 'distilled' head (eDifFIQA-style)")
        {
            teacher, extraInputs, activations, epsilon, holdOut, epochs, hidden, rate, decay, members, jitterDraws, output, cache, progressInterval,
        };
        set.AddTo(command);
        common.AddTo(command);
        command.SetAction(p =>
        {
            List<string> teacherNames;
            try
            {
                teacherNames = p.GetValue(teacher)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(QualityTeachers.Normalise).Distinct().ToList();
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--teacher: {CliApp.Message(e)}", e);
            }
            if (teacherNames.Count == 0) throw new UsageException($"--teacher: name at least one of {string.Join(", ", QualityTeachers.Names)}");
            var extrasText = p.GetValue(extraInputs)!.Trim();
            var extras = extrasText.Equals("none", StringComparison.OrdinalIgnoreCase) ? [] : extrasText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            if (extras.FirstOrDefault(e => !QualityHead.KnownExtraInputs.Contains(e)) is { } unknownExtra)
                throw new UsageException($"--extra-inputs: unknown '{unknownExtra}'; known: {string.Join(", ", QualityHead.KnownExtraInputs)} or none");
            string teacherName = string.Join(",", teacherNames);
            var options = new DistillationOptions
            {
                Teachers = teacherNames,
                ExtraInputs = extras,
                Activations = p.GetValue(activations)!.Trim() is var act && act.Equals("all", StringComparison.OrdinalIgnoreCase) ? null
                    : int.TryParse(act, NumberStyles.None, CultureInfo.InvariantCulture, out int nAct) ? nAct : throw new UsageException($"--activations: 'all' or a count, got '{act}'"),
                Epsilon = p.GetValue(epsilon),
                HoldOut = p.GetValue(holdOut),
                Seed = p.GetValue(set.Seed),
                Training = new QualityHeadTrainingOptions { Epochs = p.GetValue(epochs), Hidden = p.GetValue(hidden), LearningRate = p.GetValue(rate), WeightDecay = p.GetValue(decay), Members = p.GetValue(members), Seed = p.GetValue(set.Seed) },
            };
            if (options.HoldOut is <= 0 or >= 1) throw new UsageException($"--holdout must be in (0, 1), got {options.HoldOut.ToString(CultureInfo.InvariantCulture)}");
            if (options.Epsilon is < 0 or > 1) throw new UsageException($"--epsilon must be in [0, 1], got {options.Epsilon.ToString(CultureInfo.InvariantCulture)}");
            if (options.Training.Epochs < 1 || options.Training.Hidden < 1) throw new UsageException("--epochs and --hidden must be positive");
            if (options.Training.Members is < 1 or > 64) throw new UsageException($"--members must be in 1..64, got {options.Training.Members}");
            if (!(options.Training.WeightDecay >= 0)) throw new UsageException($"--weight-decay must be ≥ 0, got {options.Training.WeightDecay.ToString(CultureInfo.InvariantCulture)}");
            int copies = p.GetValue(jitterDraws);
            if (copies is < 0 or > 16) throw new UsageException($"--jitter-copies must be in 0..16, got {copies}");
            var face = common.Analyzer(p, FaceParts.Embedding, allFaces: false, intraOpThreads: 1);
            var paths = face.Paths!;
            var run = set.RunOptions(p, paths) with
            {
                Distillation = options, JitterCopies = copies, Face = face, Decode = common.Decode(p), Threads = common.ThreadCount(p), CacheFolder = p.GetValue(cache),
            };
            var plan = DatasetOptions.Plan(run);
            var outPath = p.GetValue(output) ?? ModelStore.For(paths).File(DistilledQuality.DefaultFileName);
            io.Error.WriteLine($"fiqa train-quality: {plan.Dataset.Samples.Count} images of {plan.Identities} identities → {plan.Samples.Count} with degradations; teacher {teacherName}");

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var meter = new ProgressMeter(io.Error, "fiqa train-quality: scored", ProgressMeter.Interval(p, progressInterval), "images");
            var progress = new DistillationProgress
            {
                Scored = (done, total) => meter.Report(done, total),
                Collected = samples =>
                {
                    if (ProgressMeter.WithoutFaceLine("fiqa train-quality", samples.WithoutFace, samples.Originals.Count) is { } noFace) io.Error.WriteLine(noFace);
                    io.Error.WriteLine($"fiqa train-quality: teacher scores and head inputs in {clock.Elapsed.TotalSeconds:F0} s; training on {samples.ObservedTensors.Count} activation norms + {(extras.Count == 0 ? "nothing else" : string.Join(", ", extras))}");
                    clock.Restart();
                },
                Epoch = (epoch, loss) => { if (epoch % 5 == 0 || epoch == 1) io.Error.WriteLine($"  epoch {epoch}/{options.Training.Epochs}: mean L1 {loss:F4}"); },
            };
            DistillationRunResult result;
            try
            {
                result = DistillationRun.Run(run, plan, progress);
            }
            catch (ArgumentException e)
            {
                throw UsageException.From(e);
            }
            try
            {
                result.Head.Save(outPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandFailedException($"cannot write --out {outPath}: {e.Message}", e);
            }
            io.Error.WriteLine($"fiqa train-quality: trained in {clock.Elapsed.TotalSeconds:F0} s; wrote {outPath}");
            io.Out.WriteLine(DistillationReporting.Describe(result.Report));
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command CreateCalibrate(CliOutput io)
    {
        var common = new CommonOptions();
        var set = new DatasetOptions();
        var top = new Option<int>("--top") { Description = "Best single layers the greedy search combines (FROQ: 10)", DefaultValueFactory = _ => new FroqCalibrationOptions().TopLayers };
        var maxSamples = new Option<int>("--max-samples") { Description = "Calibration images drawn (seeded) from the degraded set", DefaultValueFactory = _ => 600 };
        var output = new Option<string?>("--out", "-o") { Description = $"Calibration file (default: {Froq.DefaultFileName} in the models folder, used by 'froq')" };
        var progressInterval = ProgressMeter.IntervalOption();
        var froq = new Command("froq", "Choose FROQ's observed layers: Spearman of every activation norm with perturbation pseudo-labels, then FROQ's greedy set search")
        {
            top, maxSamples, output, progressInterval,
        };
        set.AddTo(froq);
        common.AddTo(froq);
        froq.SetAction(p =>
        {
            if (p.GetValue(top) < 1 || p.GetValue(maxSamples) < 3) throw new UsageException("--top must be ≥ 1 and --max-samples ≥ 3");
            var face = common.Analyzer(p, FaceParts.Embedding, allFaces: false, intraOpThreads: 1);
            var paths = face.Paths!;
            var (dataset, plan) = set.Plan(p, paths);
            int seed = p.GetValue(set.Seed);
            // A seeded subset independent of the listing order, so the same options give the same file.
            var subset = IdentitySplit.SeededOrder(plan, s => s.Id, seed).Take(p.GetValue(maxSamples)).OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
            var store = ModelStore.For(paths);
            var outPath = p.GetValue(output) ?? store.File(Froq.DefaultFileName);
            var options = new FroqCalibrationOptions { TopLayers = p.GetValue(top) };
            io.Error.WriteLine($"fiqa calibrate froq: {subset.Count} of {plan.Count} images ({dataset.Samples.Select(s => s.Identity).Distinct().Count()} identities); labels {options.Labels}");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var meter = new ProgressMeter(io.Error, "fiqa calibrate froq: observed", ProgressMeter.Interval(p, progressInterval), "images");
            var observed = FroqCalibrator.Observe(subset, new AssessorOptions { Face = face, Decode = common.Decode(p) }, options, common.ThreadCount(p),
                done => meter.Report(done, subset.Count));
            if (ProgressMeter.WithoutFaceLine("fiqa calibrate froq", observed.WithoutFaceImages, subset.Count) is { } noFace) io.Error.WriteLine(noFace);
            var provenance = $"data {set.DataNames(p)}; " +
                $"degradations {p.GetValue(set.Kinds)} levels {p.GetValue(set.Levels)} seed {seed}; {subset.Count} images drawn";
            FroqCalibration calibration;
            try
            {
                calibration = FroqCalibrator.Choose(observed, options, face.Embedder, store.Get(face.Embedder).Sha256, provenance);
            }
            catch (ArgumentException e)
            {
                throw UsageException.From(e);
            }
            try
            {
                calibration.Save(outPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandFailedException($"cannot write --out {outPath}: {e.Message}", e);
            }
            io.Error.WriteLine($"fiqa calibrate froq: {observed.Tensors.Count} tensors observed on {calibration.Faces} faces ({observed.WithoutFace} without a face) in {clock.Elapsed.TotalSeconds:F0} s; wrote {outPath}");
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"layers: {string.Join(", ", calibration.Layers.Select(l => $"{l.Tensor} (ρ {l.Spearman:F3})"))}\nset Spearman vs {calibration.Labels}: {calibration.SetSpearman:F4}; best single layer: {calibration.Candidates[0].Spearman:F4}"));
            return ExitCodes.Success;
        });
        return new Command("calibrate", "Calibrate a training-free quality method, report the capture components' ladders, or calibrate a quality threshold and profile on your own population") { froq, CreateCalibrateComponents(io), CalibrateCommands.CreateThreshold(io), CalibrateCommands.CreatePercentiles(io), CalibrateCommands.CreateExpression(io), Int8Commands.CreateCalibrate(io) };
    }

    private static Command CreateCalibrateComponents(CliOutput io)
    {
        var common = new CommonOptions();
        var split = new Option<string>("--split") { Description = "Installed portraits to use: calibration, held-out or all", DefaultValueFactory = _ => "held-out" };
        split.AcceptOnlyFromAmong("calibration", "held-out", "all");
        var output = new Option<string?>("--out", "-o") { Description = "Also write the Markdown here" };
        var progressInterval = ProgressMeter.IntervalOption();
        var mappings = MappingsCommand.Option();
        mappings.Description = "Try a candidate mappings file (see 'fiqa mappings') on the ladders before adopting it";
        var command = new Command("components", "Capture components on degradation ladders (blur, motion, noise, JPEG, exposure, down-scaling): clean and severe medians, steps the right way, shifts under the other ladders")
        {
            split, output, progressInterval, mappings,
        };
        common.AddTo(command);
        command.SetAction(p =>
        {
            var face = common.Analyzer(p, FaceParts.None, allFaces: false, intraOpThreads: 1);
            var portraits = ComponentLadders.InstalledPortraits(face.Paths!.Data, p.GetValue(split)!);
            if (portraits.Count == 0) throw new CommandFailedException($"no installed portraits under {face.Paths.Data}: run scripts/provision.sh");
            var table = MappingsCommand.Load(p, mappings);
            using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Face = face, Measures = ComponentLadders.OwnLadders.Keys.ToList(), Mappings = table });
            io.Error.WriteLine($"fiqa calibrate components: {portraits.Count} portraits ({p.GetValue(split)}), {CaptureLadder.Ladders.Sum(l => l.Steps.Length)} ladder steps each");
            var meter = new ProgressMeter(io.Error, "fiqa calibrate components", ProgressMeter.Interval(p, progressInterval), "portraits");
            var results = ComponentLadders.Run(assessor, portraits, common.ThreadCount(p), done => meter.Report(done, portraits.Count));
            var markdown = ComponentLadders.Markdown(results);
            io.Out.Write(markdown);
            if (p.GetValue(output) is { } outPath)
            {
                try { File.WriteAllText(outPath, markdown); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CommandFailedException($"cannot write --out {outPath}: {e.Message}", e);
                }
            }
            return ExitCodes.Success;
        });
        return command;
    }
}

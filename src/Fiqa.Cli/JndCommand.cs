using System.CommandLine;
using System.Globalization;
using Fiqa.Evaluation;
using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Quality.Records;

namespace Fiqa.Cli;

/// <summary><c>fiqa jnd IMAGE… --codec jpeg|webp|avif</c>: per face image, the strongest compression the recogniser does
/// not notice; <c>fiqa jnd-eval</c>: the same over the installed identities, with lost matches counted.</summary>
internal static class JndCommand
{
    private sealed class JndFlags
    {
        public Option<string> Codec { get; } = new("--codec") { Description = $"Codec: {string.Join(", ", Codecs.All.Syntax)}", DefaultValueFactory = _ => "jpeg" };
        public Option<int?> MaxDrop { get; } = new("--max-drop") { Description = "Largest allowed drop of the unified score (distilled, 0..100 points); default: not checked" };
        public Option<double> Margin { get; } = new("--margin") { Description = "Share of the threshold's angle the embedding may move (0..1]", DefaultValueFactory = _ => new JndOptions().Margin };
        public Option<double?> MinSimilarity { get; } = new("--min-similarity") { Description = "Required cosine to the original (overrides --threshold and --margin)" };
        public Option<double> Threshold { get; } = new("--threshold") { Description = $"Decision threshold (default {Verification.DefaultThreshold}: FMR≈1e-3 on the installed data)", DefaultValueFactory = _ => new JndOptions().Threshold };
        public Option<int> Baseline { get; } = new("--baseline-quality") { Description = "JPEG quality of the baseline the savings are measured against", DefaultValueFactory = _ => 75 };

        public void AddTo(Command c)
        {
            c.Add(Codec);
            c.Add(MaxDrop);
            c.Add(Margin);
            c.Add(MinSimilarity);
            c.Add(Threshold);
            c.Add(Baseline);
        }

        public JndOptions Options(ParseResult p)
        {
            var o = new JndOptions
            {
                Threshold = p.GetValue(Threshold),
                Margin = p.GetValue(Margin),
                MinSimilarity = p.GetValue(MinSimilarity),
                MaxUnifiedDrop = p.GetValue(MaxDrop),
                BaselineJpegQuality = p.GetValue(Baseline),
            };
            try
            {
                o.Validate();
            }
            catch (ArgumentException e)
            {
                throw UsageException.From(e);
            }
            return o;
        }
    }

    /// <summary>The codec by name: an unknown name is a usage error listing the valid ones, missing tools a setup error.</summary>
    internal static IImageCodec Codec(string name)
    {
        try
        {
            return Codecs.Create(name);
        }
        catch (UnknownNameException e)
        {
            throw UsageException.From(e);
        }
        catch (CodecUnavailableException e)
        {
            throw new Fiqa.Onnx.ModelConfigurationException(e.Message, e);
        }
    }

    public static Command Create(CliOutput io)
    {
        var common = new CommonOptions();
        var flags = new JndFlags();
        var output = new Option<string?>("--out") { Description = "Folder for the chosen files (<name>.jnd.<ext>)" };
        var inputs = new Argument<string[]>("images") { Description = "Face images, folders or @list.txt", Arity = ArgumentArity.OneOrMore };
        var command = new Command("jnd", "Strongest compression per face image that still matches the original") { inputs, output };
        common.AddTo(command);
        flags.AddTo(command);
        command.SetAction(p =>
        {
            var options = flags.Options(p);
            var codec = Codec(p.GetRequiredValue(flags.Codec));
            var list = InputFiles.Expand(p.GetRequiredValue(inputs));
            if (list.SkippedSummary is { } skipped) io.Error.WriteLine($"fiqa jnd: {skipped}");
            if (list.Files.Count == 0) throw new UsageException("no image files among the inputs");
            var outDir = p.GetValue(output) is { } o ? OutputFile.Folder(o) : null;
            int threads = common.ThreadCount(p);
            int workers = list.Files.Count > 1 ? threads : 1;
            var decode = common.Decode(p);
            using var jnd = new CompressionJnd(codec, options, common.Analyzer(p, FaceParts.Embedding, allFaces: false, list.Files.Count > 1 ? 1 : threads));
            long chosenBytes = 0, baselineBytes = 0;
            var saved = new List<double>();
            int ok = 0;
            BatchRunner.Run(list.Files, file => Record(file, jnd, codec, decode, outDir), workers, io.Error, r =>
            {
                io.Out.WriteLine(r.Json);
                io.Out.Flush();
                if (r.Error is { } error) io.Error.WriteLine($"fiqa jnd: {r.File}: {error}");
                if (r.Result is { Status: JndStatus.Ok } res)
                {
                    ok++;
                    chosenBytes += res.Encoded!.Length;
                    baselineBytes += res.BaselineBytes;
                    saved.Add(res.SavedVersusBaseline!.Value);
                }
            });
            if (ok > 0)
            {
                saved.Sort();
                double median = saved.Count % 2 == 1 ? saved[saved.Count / 2] : (saved[saved.Count / 2 - 1] + saved[saved.Count / 2]) / 2;
                io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"fiqa jnd: {codec.Descriptor.Name}, cosine ≥ {options.RequiredSimilarity:0.###}: {ok} of {list.Files.Count} images; {chosenBytes} bytes against {baselineBytes} for JPEG {options.BaselineJpegQuality} (saved {100 * (1 - (double)chosenBytes / baselineBytes):0.0} %, median per image {100 * median:0.0} %)"));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command CreateEval(CliOutput io)
    {
        var flags = new JndFlags();
        var models = new Option<string?>("--models") { Description = "Models folder (default: $FIQA_MODELS, else the installation's models/)" };
        var data = new Option<string[]>("--data") { Description = "Identity folders (one sub-folder per identity); default: the installed dlib johns", AllowMultipleArgumentsPerToken = true };
        var codecs = new Option<string>("--codecs") { Description = "Codecs to search, comma-separated (avif is skipped with a message when libavif-bin is missing)", DefaultValueFactory = _ => "jpeg,webp,avif" };
        var ladder = new Option<string>("--ladder") { Description = "Quality ladder of the correlation study (JPEG and WebP)", DefaultValueFactory = _ => "90,70,50,30,20,10,5" };
        var threads = new Option<int>("--threads") { Description = "Images in parallel (results do not depend on it)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var progressInterval = ProgressMeter.IntervalOption();
        var command = new Command("jnd-eval", "JND savings per codec and lost matches on identity folders; which distortion measure predicts the recogniser") { models, data, codecs, ladder, threads, progressInterval };
        flags.AddTo(command);
        command.SetAction(p =>
        {
            var options = flags.Options(p);
            var paths = CliPaths.Resolve(p.GetValue(models));
            var roots = p.GetValue(data) is { Length: > 0 } d ? d : [CliPaths.RequireData(paths, "dlib/johns")];
            if (p.GetValue(threads) < 1) throw new UsageException($"--threads must be at least 1, got {p.GetValue(threads)}");
            double interval = ProgressMeter.Interval(p, progressInterval);
            int[] steps;
            try
            {
                steps = p.GetRequiredValue(ladder).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            }
            catch (FormatException)
            {
                throw new UsageException($"--ladder must be comma-separated integers, got '{p.GetValue(ladder)}'");
            }
            var searched = new List<IImageCodec>();
            foreach (var name in p.GetRequiredValue(codecs).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                try
                {
                    searched.Add(Codecs.Create(name));
                }
                catch (UnknownNameException e)
                {
                    throw UsageException.From(e);
                }
                catch (CodecUnavailableException e)
                {
                    io.Error.WriteLine($"fiqa jnd-eval: skipping {name}: {e.Message}");
                }
            }
            IdentityDataset dataset;
            try
            {
                dataset = IdentityDataset.FromFolders(roots, InputFiles.ImageExtensions);
            }
            catch (Exception e) when (e is DirectoryNotFoundException or InvalidDataException)
            {
                throw new UsageException(e.Message, e);
            }
            // One meter per pass: finding faces, each codec's search, the correlation ladder.
            var meters = new System.Collections.Concurrent.ConcurrentDictionary<string, ProgressMeter>(StringComparer.Ordinal);
            var report = JndEvaluation.Run(dataset, searched, [Codecs.Create("jpeg"), Codecs.Create("webp")], new JndEvaluationOptions
            {
                Jnd = options,
                Ladder = steps,
                Threads = p.GetValue(threads),
                Face = new FaceAnalyzerOptions { Paths = paths, Session = new Fiqa.Onnx.OnnxSessionOptions { IntraOpThreads = 1 } },
            }, io.Error, e => meters.GetOrAdd(e.Pass, pass => new ProgressMeter(io.Error, $"fiqa jnd-eval: {pass}", interval, pass == "ladder" ? "encodings" : "images")).Report(e.Done, e.Total));
            foreach (var c in report.Codecs)
                io.Out.WriteLine(FaceJson.Write(w =>
                {
                    w.WriteString("codec", c.Codec);
                    w.WriteNumber("images", c.Images);
                    w.WriteNumber("found", c.Found);
                    Number(w, "median_saved_vs_baseline", c.MedianSaved);
                    Number(w, "total_saved_vs_baseline", c.TotalSaved);
                    Number(w, "median_quality", c.MedianQuality);
                    w.WriteNumber("mated_pairs", c.MatedPairs);
                    w.WriteNumber("lost_matches", c.LostMatches);
                    w.WriteNumber("required_similarity", Math.Round(options.RequiredSimilarity, 4));
                }));
            foreach (var m in report.Correlations)
                io.Out.WriteLine(FaceJson.Write(w =>
                {
                    w.WriteString("metric", m.Metric);
                    w.WriteNumber("pairs", m.Pairs);
                    Number(w, "srcc_vs_mated_similarity_drop", m.Spearman);
                }));
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Number(System.Text.Json.Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, Math.Round(v, 4));
        else w.WriteNull(name);
    }

    private sealed record FileRecord(string File, string Json, JndResult? Result, string? Error);

    private static FileRecord Record(string file, CompressionJnd jnd, IImageCodec codec, DecodeOptions decode, string? outDir)
    {
        long originalBytes;
        JndResult result;
        try
        {
            originalBytes = new FileInfo(file).Length;
            result = jnd.Find(ImageDecoder.Decode(file, decode));
        }
        catch (Exception e) when (e is ImageDecodeException or IOException or UnauthorizedAccessException)
        {
            return new FileRecord(file, FaceJson.Write(w => { w.WriteString("file", file); w.WriteString("status", "error"); w.WriteString("error", e.Message); }), null, e.Message);
        }
        string? written = null;
        if (outDir is not null && result.Encoded is { } bytes)
        {
            written = Path.Combine(outDir, Path.GetFileNameWithoutExtension(file) + ".jnd" + codec.Descriptor.Extension);
            try
            {
                File.WriteAllBytes(written, bytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandFailedException($"cannot write {written}: {e.Message}", e);
            }
        }
        var json = FaceJson.Write(w =>
        {
            w.WriteString("file", file);
            w.WriteString("status", result.Status switch { JndStatus.Ok => "ok", JndStatus.NoFace => "no_face", _ => "no_setting" });
            w.WriteString("codec", result.Codec);
            w.WriteNumber("required_similarity", Math.Round(result.RequiredSimilarity, 4));
            w.WriteNumber("original_bytes", originalBytes);
            w.WriteNumber("baseline_bytes", result.BaselineBytes);
            if (result.Encoded is { } e)
            {
                w.WriteNumber("quality", result.Quality!.Value);
                w.WriteNumber("bytes", e.Length);
                w.WriteNumber("saved_vs_baseline", Math.Round(result.SavedVersusBaseline!.Value, 4));
                w.WriteNumber("saved_vs_original", Math.Round(1 - (double)e.Length / originalBytes, 4));
                w.WriteNumber("similarity", Math.Round(result.Similarity!.Value, 4));
                w.WriteBoolean("scale_end", result.ScaleEndReached);
            }
            if (result.UnifiedOriginal is { } uo) w.WriteNumber("unified_original", uo);
            if (result.Unified is { } u) w.WriteNumber("unified", u);
            w.WriteNumber("settings_tried", result.Steps.Count);
            if (written is not null) w.WriteString("out", written);
        });
        return new FileRecord(file, json, result, null);
    }
}

using System.CommandLine;
using System.Globalization;
using Fiqa.Evaluation;
using Fiqa.Face;
using Fiqa.Imaging;

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
        public Option<double> Threshold { get; } = new("--threshold") { Description = $"Decision threshold (default {Verification.DefaultThreshold}: FMR≈1e-3 on the installed data)", DefaultValueFactory = _ => Verification.DefaultThreshold };
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
            throw new Face.Models.ModelConfigurationException(e.Message, e);
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

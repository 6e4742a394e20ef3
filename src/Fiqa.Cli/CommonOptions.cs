using System.CommandLine;
using Fiqa.Face;
using Fiqa.Face.Onnx;
using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Cli;

/// <summary>Options shared by the face commands: models, limits, threading — parsed and checked in one place.</summary>
internal sealed class CommonOptions
{
    public Option<string?> Models { get; } = new("--models") { Description = "Models folder (default: $FIQA_MODELS, else the installation's models/)" };
    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "Worker threads: images in parallel for batches, ONNX intra-op threads for a single image",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };
    public Option<long> MaxBytes { get; } = new("--max-bytes") { Description = "Largest accepted file, bytes", DefaultValueFactory = _ => DecodeOptions.Default.MaxBytes };
    public Option<long> MaxPixels { get; } = new("--max-pixels") { Description = "Largest accepted image, width x height", DefaultValueFactory = _ => DecodeOptions.Default.MaxPixels };
    public Option<bool> Aligned { get; } = new("--aligned") { Description = "Inputs are face crops: skip detection, the whole image is the face" };
    public Option<float?> MinScore { get; } = new("--min-score") { Description = "Detector score threshold, 0..1 (default: the model manifest's)" };
    public Option<ModelPrecision?> ExpressionPrecision { get; } = new("--expression-precision") { Description = "Run the expression network in float or int8 (default: the library's; docs/speed.md, \"int8 quantisation\")" };

    public void AddTo(Command command)
    {
        command.Add(Models);
        command.Add(Threads);
        command.Add(MaxBytes);
        command.Add(MaxPixels);
        command.Add(Aligned);
        command.Add(MinScore);
        command.Add(ExpressionPrecision);
    }

    public int ThreadCount(ParseResult p)
    {
        int t = p.GetValue(Threads);
        if (t < 1) throw new UsageException($"--threads must be at least 1, got {t}");
        return t;
    }

    public DecodeOptions Decode(ParseResult p)
    {
        long bytes = p.GetValue(MaxBytes), pixels = p.GetValue(MaxPixels);
        if (bytes < 1) throw new UsageException($"--max-bytes must be positive, got {bytes}");
        if (pixels < 1) throw new UsageException($"--max-pixels must be positive, got {pixels}");
        return new DecodeOptions { MaxBytes = bytes, MaxPixels = pixels };
    }

    /// <summary>Every path the run uses, resolved once: --models, else $FIQA_MODELS, else the installation this program
    /// was built in — so <c>/path/to/fiqa</c> works from any folder.</summary>
    public FiqaPaths Paths(ParseResult p) => CliPaths.Resolve(p.GetValue(Models));

    public FaceAnalyzerOptions Analyzer(ParseResult p, FaceParts parts, bool allFaces, int intraOpThreads)
    {
        bool aligned = p.GetValue(Aligned);
        if (p.GetValue(MinScore) is { } score && score is < 0 or > 1)
            throw new UsageException($"--min-score must be in 0..1 (a detector probability), got {score.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        return new FaceAnalyzerOptions
        {
            Paths = Paths(p),
            AlignedInput = aligned,
            AllFaces = allFaces,
            Parts = parts,
            Detection = new FaceDetectorOptions { ScoreThreshold = p.GetValue(MinScore) },
            Session = new OnnxSessionOptions { IntraOpThreads = intraOpThreads },
            ExpressionRun = p.GetValue(ExpressionPrecision) is { } precision ? new ExpressionRunOptions { Precision = precision } : new ExpressionRunOptions(),
        };
    }
}

/// <summary>The CLI's paths: resolved from the program's own folder, so the installation's models and data are found
/// wherever the command is started.</summary>
internal static class CliPaths
{
    public static FiqaPaths Resolve(string? models = null) =>
        FiqaPaths.Resolve(new FiqaPathOverrides { Models = models }, AppContext.BaseDirectory);

    /// <summary>A path under the installed data that must exist, else an error naming the install command.</summary>
    public static string RequireData(FiqaPaths paths, string relative)
    {
        var path = System.IO.Path.Combine(paths.Data, relative);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new CommandFailedException($"sample data not found: {path}. Install it with: {System.IO.Path.Combine(paths.Installation ?? ".", "scripts/provision-data.sh")}");
        return path;
    }
}

/// <summary>Output files and folders named on the command line, opened with checks whose messages name them.</summary>
internal static class OutputFile
{
    /// <summary>Opens a file, pipe or device for writing (a file's folder is created): a folder is a usage error, an
    /// unwritable path a failure.</summary>
    public static StreamWriter Open(string path, string option = "--out")
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new UsageException($"{option} {path} is a folder; give a file path (e.g. {System.IO.Path.Combine(path, "results.jsonl")})");
        try
        {
            return Fiqa.Batch.OutputTarget.OpenWriter(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"cannot write {option} {path}: {e.Message}", e);
        }
    }

    /// <summary>A writer for <paramref name="path"/> as <see cref="Open"/>, or null — write to stdout — when it is
    /// null or <c>-</c>.</summary>
    public static StreamWriter? OpenUnlessStdout(string? path, string option = "--out") =>
        path is null || path == Fiqa.Batch.OutputTarget.StdoutName ? null : Open(path, option);

    /// <summary>Creates an output folder: an existing file there is a usage error, an unwritable path a failure.</summary>
    public static string Folder(string path, string option = "--out")
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path)) throw new UsageException($"{option} {path} is a file; give a folder");
        try
        {
            Directory.CreateDirectory(path);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"cannot create {option} folder {path}: {e.Message}", e);
        }
    }

    /// <summary>An input file that must exist.</summary>
    public static string Existing(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new UsageException($"{what} {path} is a folder; give a file");
        if (!File.Exists(path)) throw new UsageException($"{what} not found: {path}");
        return path;
    }
}

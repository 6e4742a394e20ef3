using System.CommandLine;
using Fiqa.Face;
using Fiqa.Face.Onnx;
using Fiqa.Imaging;

namespace Fiqa.Cli;

/// <summary>Options shared by the face commands: models, limits, threading.</summary>
internal sealed class CommonOptions
{
    public Option<string?> Models { get; } = new("--models") { Description = "Models directory (default: $FIQA_MODELS, else the repository's models/)" };
    public Option<int> Threads { get; } = new("--threads")
    {
        Description = "Worker threads: images in parallel for batches, ONNX intra-op threads for a single image",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };
    public Option<long> MaxBytes { get; } = new("--max-bytes") { Description = "Largest accepted file, bytes", DefaultValueFactory = _ => DecodeOptions.Default.MaxBytes };
    public Option<long> MaxPixels { get; } = new("--max-pixels") { Description = "Largest accepted image, width x height", DefaultValueFactory = _ => DecodeOptions.Default.MaxPixels };
    public Option<bool> Aligned { get; } = new("--aligned") { Description = "Inputs are face crops: skip detection, the whole image is the face" };
    public Option<float?> MinScore { get; } = new("--min-score") { Description = "Detector score threshold, 0..1 (default: the model manifest's)" };

    public void AddTo(Command command)
    {
        command.Add(Models);
        command.Add(Threads);
        command.Add(MaxBytes);
        command.Add(MaxPixels);
        command.Add(Aligned);
        command.Add(MinScore);
    }

    public int ThreadCount(ParseResult p)
    {
        int t = p.GetValue(Threads);
        if (t < 1) throw new UsageException("--threads must be at least 1");
        return t;
    }

    public DecodeOptions Decode(ParseResult p) => new() { MaxBytes = p.GetValue(MaxBytes), MaxPixels = p.GetValue(MaxPixels) };

    public FaceAnalyzerOptions Analyzer(ParseResult p, FaceParts parts, bool allFaces, int intraOpThreads) => new()
    {
        ModelsDirectory = p.GetValue(Models),
        AlignedInput = p.GetValue(Aligned),
        AllFaces = allFaces,
        Parts = parts,
        Detection = new FaceDetectorOptions { ScoreThreshold = p.GetValue(MinScore) },
        Session = new OnnxSessionOptions { IntraOpThreads = intraOpThreads },
    };
}

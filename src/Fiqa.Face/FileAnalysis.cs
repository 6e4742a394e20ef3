using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Face;

/// <summary>Outcome of analysing one file.</summary>
public enum FileStatus
{
    /// <summary>At least one face was analysed.</summary>
    Ok,
    /// <summary>The image was read but no face was found.</summary>
    NoFace,
    /// <summary>The file could not be read or analysed; see <see cref="FileAnalysis.Error"/>.</summary>
    Error,
}

/// <summary>One file's result: its faces, or why there are none. Produced for every input, so a batch never stops.</summary>
public sealed record FileAnalysis(string Path, FileStatus Status, IReadOnlyList<FaceAnalysis> Faces, string? Error, int ImageWidth = 0, int ImageHeight = 0)
{
    /// <summary>Decodes and analyses a file. Decoding and per-image failures become an <see cref="FileStatus.Error"/>
    /// result with the reason; a missing or broken model still throws, because no file could succeed.</summary>
    public static FileAnalysis Run(FaceAnalyzer analyzer, string path, DecodeOptions? decode = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        RgbImage image;
        try
        {
            image = ImageDecoder.Decode(path, decode);
        }
        catch (ImageDecodeException e)
        {
            return new FileAnalysis(path, FileStatus.Error, [], e.Message);
        }
        return Run(analyzer, path, image);
    }

    /// <summary>Analyses an already decoded image.</summary>
    public static FileAnalysis Run(FaceAnalyzer analyzer, string path, RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        ArgumentNullException.ThrowIfNull(image);
        try
        {
            var faces = analyzer.Analyze(image);
            return new FileAnalysis(path, faces.Count == 0 ? FileStatus.NoFace : FileStatus.Ok, faces, null, image.Width, image.Height);
        }
        catch (Exception e) when (e is not ModelConfigurationException and not OutOfMemoryException)
        {
            return new FileAnalysis(path, FileStatus.Error, [], $"analysis failed: {e.Message}", image.Width, image.Height);
        }
    }
}

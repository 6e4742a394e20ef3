using Fiqa.Imaging;
using Fiqa.Quality;
using Fiqa.Quality.Reports;

namespace Fiqa.Cli;

/// <summary><c>fiqa assess --annotate DIR</c>: DIR/NAME.png per readable file, drawn by the library's renderer (the
/// service's /v1/annotate draws the same). Names that repeat across folders get a counter.</summary>
internal sealed class Annotator(string folder, DecodeOptions decode, TextWriter error)
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public void Write(FaceAssessment r)
    {
        if (r.Status == Face.FileStatus.Error) return;
        RgbImage image;
        try
        {
            image = ImageDecoder.Decode(r.File, decode);
        }
        catch (ImageDecodeException e)
        {
            error.WriteLine($"fiqa assess: --annotate: {r.File}: {e.Message}");
            return;
        }
        var stem = Path.GetFileNameWithoutExtension(r.File);
        var name = stem + ".png";
        for (int i = 2; !_used.Add(name); i++) name = $"{stem}-{i}.png";
        try
        {
            File.WriteAllBytes(Path.Combine(folder, name), AnnotationRenderer.Png(image, r));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"cannot write --annotate {Path.Combine(folder, name)}: {e.Message}", e);
        }
    }
}

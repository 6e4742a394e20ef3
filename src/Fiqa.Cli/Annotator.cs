using Fiqa.Imaging;
using Fiqa.Quality;
using Fiqa.Quality.Reports;

namespace Fiqa.Cli;

/// <summary><c>fiqa assess --annotate DIR</c>: one PNG per readable file, drawn by the library's renderer (the
/// service's /v1/annotate draws the same), at DIR/&lt;the input path&gt;.png — <c>a/x.jpg</c> → <c>DIR/a/x.jpg.png</c> —
/// so inputs that share a name in different folders, or differ only in extension, never collide, and each record
/// names its own image.</summary>
internal sealed class Annotator(string folder, DecodeOptions decode, TextWriter error)
{
    /// <summary>Where the annotated image of <paramref name="r"/> goes; null for a file that could not be read.</summary>
    public string? PathFor(FaceAssessment r) => r.Status == Face.FileStatus.Error ? null : Path.Combine(folder, RelativeName(r.File));

    /// <summary>The input path as given, made relative: the root dropped, <c>.</c> segments dropped and <c>..</c> as
    /// <c>_</c> (so the image stays inside DIR), plus <c>.png</c>.</summary>
    internal static string RelativeName(string input)
    {
        var segments = input.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s != "." && !s.EndsWith(':'))
            .Select(s => s == ".." ? "_" : s);
        return Path.Combine([.. segments]) + ".png";
    }

    public void Write(FaceAssessment r)
    {
        if (PathFor(r) is not { } path) return;
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
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, AnnotationRenderer.Png(image, r));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"cannot write --annotate {path}: {e.Message}", e);
        }
    }
}

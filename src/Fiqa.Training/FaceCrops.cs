using Fiqa.Face;
using Fiqa.Imaging;

namespace Fiqa.Training;

/// <summary>Turns photos into single-face material for degradation and training: every detected face (box grown by a
/// margin) becomes its own identity folder <c>&lt;image&gt;_&lt;k&gt;/&lt;image&gt;_&lt;k&gt;.png</c>.</summary>
public static class FaceCrops
{
    /// <summary>Writes the crops of <paramref name="files"/> under <paramref name="outputRoot"/>; returns how many were
    /// written and a "path: reason" line per file that could not be read.</summary>
    /// <param name="files">Images, in order.</param>
    /// <param name="outputRoot">Output root.</param>
    /// <param name="analyzer">The face pipeline (its detector is used).</param>
    /// <param name="margin">Box growth factor about its centre.</param>
    /// <param name="minSize">Faces whose box is narrower than this, in pixels, are skipped.</param>
    /// <param name="decode">Decoding limits.</param>
    public static (int Written, IReadOnlyList<string> Failures) Write(IReadOnlyList<string> files, string outputRoot, FaceAnalyzer analyzer,
        float margin, int minSize, DecodeOptions? decode = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(analyzer);
        int written = 0;
        var failures = new List<string>();
        foreach (var file in files)
        {
            try
            {
                var image = ImageDecoder.Decode(file, decode);
                var faces = analyzer.DetectAll(image);
                for (int k = 0; k < faces.Count; k++)
                {
                    if (faces[k].Box.Width < minSize) continue;
                    var rect = faces[k].Box.Scale(margin).ToPixelRect(image.Width, image.Height);
                    var name = $"{Path.GetFileNameWithoutExtension(file)}_{k:D2}";
                    Directory.CreateDirectory(Path.Combine(outputRoot, name));
                    File.WriteAllBytes(Path.Combine(outputRoot, name, name + ".png"), ImageEncoder.Png(Resize.Bilinear(image, rect, rect.Width, rect.Height)));
                    written++;
                }
            }
            catch (ImageDecodeException e)
            {
                failures.Add($"{file}: {e.Message}");
            }
        }
        return (written, failures);
    }
}

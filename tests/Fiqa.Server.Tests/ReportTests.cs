using System.Text.RegularExpressions;
using Fiqa.Cli;
using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Server.Tests;

/// <summary>The renderer and report shared with the CLI: <c>fiqa assess --annotate DIR</c> and <c>fiqa report</c>.</summary>
public partial class ReportTests
{
    [Fact]
    public void AssessAnnotate_ThenReport_WriteImagesAndAPageWithPassRateAndReasons()
    {
        var dir = TestData.TempDirectory();
        var a = TestData.File("fixtures/astronaut.jpg");
        var b = TestData.File("franck/franck_01829.jpg");
        var broken = Path.Combine(dir, "broken.jpg");
        File.WriteAllText(broken, "not an image");
        var records = Path.Combine(dir, "out.jsonl");
        var annotated = Path.Combine(dir, "annotated");
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, CliApp.Run(["assess", a, b, broken, "--profile", "icao", "--annotate", annotated, "--out", records, "--threads", "2"], stdout, stderr));
        // One PNG per readable file, of the image's size; none for the unreadable one.
        Assert.Equal(["astronaut.png", "franck_01829.png"], Directory.GetFiles(annotated).Select(Path.GetFileName).Order());
        var png = ImageDecoder.Decode(Path.Combine(annotated, "franck_01829.png"));
        Assert.Equal((720, 576), (png.Width, png.Height));

        var html = Path.Combine(dir, "report.html");
        Assert.Equal(0, CliApp.Run(["report", records, "--out", html], stdout, stderr));
        var page = File.ReadAllText(html);
        // Both faces fail icao (see their records), the broken file has the file.unreadable reason.
        Assert.Contains("<span id=\"pass-rate\">0.0%</span> pass (0 of 3 judged)", page);
        Assert.Contains("<code>file.unreadable</code></td><td>1</td>", page);
        Assert.Equal(2, ThumbnailPattern().Count(page));
        Assert.DoesNotContain("http://", page);
        Assert.DoesNotContain("https://", page);
    }

    [GeneratedRegex("<img alt=\"\" src=\"data:image/jpeg;base64,")]
    private static partial Regex ThumbnailPattern();
}

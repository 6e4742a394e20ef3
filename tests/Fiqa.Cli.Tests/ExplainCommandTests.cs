using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Cli.Tests;

public class ExplainCommandTests
{
    [Fact]
    public void Explain_Face_WritesHeatMapHottestOnTheInnerFace()
    {
        var map = Path.Combine(TestData.TempDirectory(), "map.png");
        var (code, stdout, stderr) = CliRunner.Run("explain", TestData.File("dlib/johns/John_Simm/000310_00470511.jpg"), "-o", map, "--starts", "2");
        Assert.True(code == 0, stderr);
        var r = Assert.Single(CliRunner.JsonLines(stdout));
        Assert.InRange(r.GetProperty("faceqan").GetDouble(), 0, 1);
        Assert.Equal(2, r.GetProperty("starts").GetInt32());
        var image = ImageDecoder.Decode(map);
        Assert.Equal((448, 448), (image.Width, image.Height));
        // The map's red channel (the ramp's first colour) is brighter over the inner face (eyes, nose, mouth: the
        // template's central third) than over the crop's outer band, where background and hair are.
        double Red(int x0, int y0, int x1, int y1)
        {
            double sum = 0;
            for (int y = y0; y < y1; y++)
                for (int x = x0; x < x1; x++) sum += image.Pixels[3 * (y * image.Width + x)];
            return sum / ((x1 - x0) * (y1 - y0));
        }
        double inner = Red(150, 150, 298, 380), outer = (Red(0, 0, 448, 40) + Red(0, 0, 40, 448) + Red(408, 0, 448, 448)) / 3;
        Assert.True(inner > outer + 40, $"inner face {inner:F0}, outer band {outer:F0}");
    }

    [Fact]
    public void Explain_UnreadableFileOrBadStarts_ClearError()
    {
        var (code, _, stderr) = CliRunner.Run("explain", "/nonexistent.jpg");
        Assert.Equal(1, code);
        Assert.Contains("/nonexistent.jpg", stderr);
        var bad = CliRunner.Run("explain", TestData.File("dlib/johns/John_Simm/000310_00470511.jpg"), "--starts", "0");
        Assert.Equal(2, bad.Code);
        Assert.Contains("--starts must be in 1..64", bad.Err);
    }
}

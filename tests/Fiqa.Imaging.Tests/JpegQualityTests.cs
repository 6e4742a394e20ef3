using Fiqa.Tests;

namespace Fiqa.Imaging.Tests;

public class JpegQualityTests
{
    [Theory]
    [InlineData(7)]
    [InlineData(30)]
    [InlineData(50)]
    [InlineData(75)]
    [InlineData(92)]
    public void Estimate_ReadsTheEncodersQuality_FromItsTables(int quality)
    {
        var photo = ImageDecoder.Decode(TestData.File("skimage/astronaut.png"));
        var jpeg = ImageEncoder.Jpeg(photo, quality);
        Assert.Equal(quality, JpegQuality.Estimate(jpeg));
        Assert.Equal(quality, ImageDecoder.Decode(jpeg).JpegQuality);
    }

    [Fact]
    public void Estimate_IsNullForOtherFormats_AndTheInstalledJpegsReadAsTheirSources()
    {
        Assert.Null(JpegQuality.Estimate(File.ReadAllBytes(TestData.File("skimage/astronaut.png"))));
        Assert.Null(ImageDecoder.Decode(TestData.File("skimage/astronaut.png")).JpegQuality);
        Assert.Null(JpegQuality.Estimate([0xFF, 0xD8, 0xFF]));
        // face-api's demo photos were saved at quality 60 (libjpeg tables).
        Assert.Equal(60, ImageDecoder.Decode(TestData.File("face-api/sample1.jpg")).JpegQuality);
    }
}

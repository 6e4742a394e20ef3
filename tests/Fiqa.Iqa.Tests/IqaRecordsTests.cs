using Fiqa.Imaging;
using Fiqa.Iqa.Metrics;
using Fiqa.Tests;

namespace Fiqa.Iqa.Tests;

/// <summary>The IQA line <c>fiqa iqa</c> prints and <c>POST /v1/iqa</c> answers.</summary>
public class IqaRecordsTests
{
    [Fact]
    public void Score_IdenticalPairUnderPsnr_WritesInfinityAsText_AndTheFileOnlyWhenGiven()
    {
        var image = ImageDecoder.Decode(TestData.File("fixtures/astronaut.jpg"));
        double score = new Psnr().Score(image, image);
        // JSON has no infinity: the line must still parse, and say what the score is.
        Assert.Equal("{\"metric\":\"psnr\",\"score\":\"Infinity\",\"lower_better\":false}", IqaRecords.Score(Psnr.Info, score));
        Assert.Equal("{\"metric\":\"gmsd\",\"file\":\"a/b é.png\",\"score\":0.125,\"lower_better\":true}", IqaRecords.Score(Gmsd.Info, 0.125, "a/b é.png"));
    }
}

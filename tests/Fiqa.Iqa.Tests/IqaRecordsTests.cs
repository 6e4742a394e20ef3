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

    [Fact]
    public void Assess_ReturnsTheResultRecord_AFailureWithTheMetricsReasonInsteadOfAnException()
    {
        var image = ImageDecoder.Decode(TestData.File("fixtures/astronaut.jpg"));
        var identical = new Psnr().Assess(image, image);
        Assert.Equal((MeasureStatus.Success, MeasureResult.NoScalar), (identical.Status, identical.Scalar));
        Assert.Equal(double.PositiveInfinity, identical.Raw);   // a value the metric defines is kept, not called a failure
        var ssim = new Ssim();
        var same = ssim.Assess(image, image);
        Assert.Equal(ssim.Score(image, image), same.RawOrNaN);
        var missing = ssim.Assess(image);
        Assert.Equal(MeasureStatus.FailureToAssess, missing.Status);
        Assert.Null(missing.Raw);
        Assert.Contains("needs a reference", missing.Reason);
        var mismatch = ssim.Assess(new RgbImage(32, 32), new RgbImage(40, 32));
        Assert.Contains("32x32", mismatch.Reason);
        Assert.DoesNotContain("(Parameter", mismatch.Reason);
        // A blank image gives FSIM nothing to measure (0/0): a failure that says so, not a NaN success.
        var blank = new RgbImage(96, 96);
        Array.Fill(blank.Pixels, (byte)128);
        var undefined = IqaCatalogue.Create("fsim", IqaSettings.FromPaths(TestData.Paths)).Assess(blank, blank);
        Assert.Equal(MeasureStatus.FailureToAssess, undefined.Status);
        Assert.StartsWith("not defined for this image (NaN)", undefined.Reason, StringComparison.Ordinal);
        // The folder record writes a failure as null with its reason beside it.
        var line = JsonLine.Write(w => { IqaRecords.WriteResult(w, Ssim.Info, same); IqaRecords.WriteResult(w, Psnr.Info, missing with { Reason = "x" }); });
        Assert.Equal("{\"ssim\":1,\"psnr\":null,\"psnr_error\":\"x\"}", line);
    }
}

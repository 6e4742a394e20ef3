using Fiqa.Tests;

namespace Fiqa.Cli.Tests;

public class IqaCommandTests
{
    [Fact]
    public void Iqa_SinglePair_PrintsMetricScoreDirection()
    {
        var (code, stdout, _) = CliRunner.Run("iqa", "--metric", "ssim", "--ref", TestData.Shared("calibration/iqa/ref/I03.bmp"), TestData.Shared("calibration/iqa/dist/I03.bmp"));
        Assert.Equal(0, code);
        var r = Assert.Single(CliRunner.JsonLines(stdout));
        Assert.Equal("ssim", r.GetProperty("metric").GetString());
        Assert.Equal(0.6993, r.GetProperty("score").GetDouble(), 3);
        Assert.False(r.GetProperty("lower_better").GetBoolean());
    }

    [Fact]
    public void Iqa_Folders_OneRecordPerFile_ErrorsAsRecords()
    {
        var dist = TestData.TempDirectory();
        foreach (var n in new[] { "I04", "I06" }) File.Copy(TestData.Shared($"calibration/iqa/dist/{n}.bmp"), Path.Combine(dist, $"{n}.bmp"));
        File.WriteAllText(Path.Combine(dist, "I99.bmp"), "not a bitmap");
        var (code, stdout, stderr) = CliRunner.Run("iqa", "--metric", "psnr,gmsd,niqe", "--ref-dir", TestData.Shared("calibration/iqa/ref"), "--dist-dir", dist,
            "--niqe-params", TestData.Shared("calibration/iqa/niqe_pristine_params.json"));
        Assert.Equal(0, code);
        var records = CliRunner.JsonLines(stdout);
        Assert.Equal(3, records.Count);
        Assert.Equal(20.99, records[0].GetProperty("psnr").GetDouble(), 2);
        Assert.Equal(3.6549, records[0].GetProperty("niqe").GetDouble(), 4);
        Assert.Equal("error", records[2].GetProperty("status").GetString());
        Assert.Contains("I99.bmp", stderr);
    }

    [Fact]
    public void Iqa_List_And_UsageErrors()
    {
        var (code, stdout, _) = CliRunner.Run("iqa", "--list");
        Assert.Equal(0, code);
        Assert.Contains("brisque", stdout);
        Assert.Equal(2, CliRunner.Run("iqa", "--metric", "lpips", "x.png").Code);
        Assert.Equal(2, CliRunner.Run("iqa", "--metric", "ssim", "x.png").Code); // FR without --ref
    }

    [Fact]
    public void IqaEval_ScoresAgainstMos()
    {
        var dir = TestData.TempDirectory();
        var scores = Path.Combine(dir, "scores.csv");
        var mos = Path.Combine(dir, "mos.csv");
        File.WriteAllLines(scores, ["file,score", "a.png,0.9", "b.png,0.7", "c.png,0.4", "d.png,0.2", "e.png,0.1", "f.png,0.5", "g.png,0.3"]);
        File.WriteAllLines(mos, ["file,mos", "a.png,90", "b.png,75", "c.png,40", "d.png,25", "e.png,5", "f.png,45", "g.png,35", "z.png,1"]);
        var (code, stdout, _) = CliRunner.Run("iqa-eval", "--scores", scores, "--mos", mos, "--bootstrap", "200");
        Assert.Equal(0, code);
        var r = Assert.Single(CliRunner.JsonLines(stdout));
        Assert.Equal(7, r.GetProperty("n").GetInt32());
        Assert.Equal(1.0, r.GetProperty("srcc").GetDouble(), 9);
        Assert.Equal(1.0, r.GetProperty("krcc").GetDouble(), 9);
        Assert.True(r.GetProperty("plcc").GetDouble() > 0.95);
        Assert.Equal(2, r.GetProperty("srcc_ci95").GetArrayLength());
    }
}

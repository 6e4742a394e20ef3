using Fiqa.Tests;

namespace Fiqa.Cli.Tests;

public sealed class JndCommandTests
{
    [Fact]
    public void Jnd_UnknownCodec_UsageErrorListsValidCodecs()
    {
        var (code, _, stderr) = CliRunner.Run("jnd", TestData.File("dlib/johns/John_Salley/000179_02159509.jpg"), "--codec", "jpg2000");
        Assert.Equal(2, code);
        Assert.Contains("unknown codec 'jpg2000'", stderr, StringComparison.Ordinal);
        Assert.Contains("jpeg, webp, avif", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Jnd_BatchWithBadFile_WritesChosenFilesAndOneErrorRecord()
    {
        var dir = TestData.TempDirectory();
        var bad = Path.Combine(dir, "broken.jpg");
        File.WriteAllBytes(bad, [0xFF, 0xD8, 0xFF, 0x00]);
        var good = TestData.File("dlib/johns/John_Simm/000310_00470511.jpg");
        var outDir = Path.Combine(dir, "out");
        var (code, stdout, stderr) = CliRunner.Run("jnd", good, bad, "--codec", "webp", "--out", outDir, "--threads", "1");
        Assert.Equal(0, code);
        var records = CliRunner.JsonLines(stdout);
        Assert.Equal(2, records.Count);
        Assert.Equal("ok", records[0].GetProperty("status").GetString());
        Assert.True(records[0].GetProperty("similarity").GetDouble() >= records[0].GetProperty("required_similarity").GetDouble());
        Assert.True(records[0].GetProperty("saved_vs_baseline").GetDouble() > 0);
        var written = records[0].GetProperty("out").GetString()!;
        Assert.Equal(records[0].GetProperty("bytes").GetInt64(), new FileInfo(written).Length);
        Assert.Equal("error", records[1].GetProperty("status").GetString());
        Assert.Contains("broken.jpg", stderr, StringComparison.Ordinal);
        Assert.Contains("saved", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Jnd_Batch_OutputIndependentOfThreads()
    {
        string[] files = [TestData.File("dlib/johns/John_Salley/000179_02159509.jpg"), TestData.File("dlib/johns/John_Simm/000310_00470511.jpg"), TestData.File("dlib/johns/John_Savage/000291_01099214.jpg")];
        var one = CliRunner.Run(["jnd", .. files, "--codec", "jpeg", "--threads", "1"]);
        var two = CliRunner.Run(["jnd", .. files, "--codec", "jpeg", "--threads", "2"]);
        Assert.Equal(0, one.Code);
        Assert.Equal(3, CliRunner.JsonLines(one.Out).Count);
        Assert.Equal(one.Out, two.Out);
    }
}

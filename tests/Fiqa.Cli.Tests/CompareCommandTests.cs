using Fiqa.Face;
using Fiqa.Tests;

namespace Fiqa.Cli.Tests;

public class CompareCommandTests
{
    private static string John(string name, int index) =>
        Directory.GetFiles(TestData.File($"dlib/johns/{name}")).Order(StringComparer.Ordinal).ElementAt(index);

    [Fact]
    public void Compare_SamePerson_Matches()
    {
        var (code, stdout, _) = CliRunner.Run("compare", John("John_Salley", 0), John("John_Salley", 5));
        Assert.Equal(0, code);
        var r = Assert.Single(CliRunner.JsonLines(stdout));
        Assert.True(r.GetProperty("match").GetBoolean());
        Assert.True(r.GetProperty("similarity").GetDouble() > Verification.DefaultThreshold);
        Assert.Equal(Verification.DefaultThreshold, r.GetProperty("threshold").GetDouble(), 4);
    }

    [Fact]
    public void Compare_DifferentPeople_DoNotMatch_AndThresholdCanBeOverridden()
    {
        var a = John("John_Salley", 0);
        var b = John("John_Simm", 0);
        var r = Assert.Single(CliRunner.JsonLines(CliRunner.Run("compare", a, b).Out));
        Assert.False(r.GetProperty("match").GetBoolean());
        var lenient = Assert.Single(CliRunner.JsonLines(CliRunner.Run("compare", a, b, "--threshold", "-1").Out));
        Assert.True(lenient.GetProperty("match").GetBoolean());
    }

    [Fact]
    public void Compare_UnreadableFile_ExitsNonZeroWithReason()
    {
        var (code, _, stderr) = CliRunner.Run("compare", John("John_Salley", 0), "/nonexistent.jpg");
        Assert.Equal(1, code);
        Assert.Contains("/nonexistent.jpg", stderr);
        Assert.Contains("not found", stderr);
    }
}

using Fiqa.Tests;

namespace Fiqa.Batch.Tests;

public class ResumeTests
{
    private const int Inputs = 80;

    /// <summary>SIGKILL at 5 seeded random points, each followed by --resume; the output ends with exactly one record per
    /// input and, order aside, the same records as a run that was never interrupted.</summary>
    [Theory]
    [InlineData("jsonl", 1)]
    [InlineData("csv", 2)]
    [InlineData("parquet", 3)]
    public void KilledFiveTimes_ResumedEachTime_OneRecordPerInput_SameAsUninterrupted(string format, int seed)
    {
        var dir = BatchFixture.CropFolder(Inputs);
        var work = TestData.TempDirectory();
        string[] Args(string output, string state) =>
            ["assess", dir, "--measures", "none", "--assume-upright", "--threads", "2", "--checkpoint-every", "3", "--out", output, "--state", state];

        var reference = Path.Combine(work, "reference." + format);
        var (code, err) = BatchFixture.RunProcess(Args(reference, Path.Combine(work, "reference.db")), TimeSpan.FromSeconds(60));
        Assert.True(code == 0, err);

        var output = Path.Combine(work, "killed." + format);
        var state = Path.Combine(work, "killed.db");
        var random = new Random(seed);
        int kills = 0;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var args = Args(output, state).Concat(attempt == 0 ? [] : new[] { "--resume" }).ToList();
            if (BatchFixture.KillWhileWriting(args, output, random.Next(0, 150))) kills++;
        }
        Assert.True(kills >= 3, $"only {kills} of 5 runs were still going when killed: the test lost its meaning");
        var (resumed, resumeErr) = BatchFixture.RunProcess([.. Args(output, state), "--resume"], TimeSpan.FromSeconds(60));
        Assert.True(resumed == 0, resumeErr);
        Assert.Contains("done by the earlier run", resumeErr);

        var expected = BatchFixture.Records(reference);
        var actual = BatchFixture.Records(output);
        Assert.Equal(Inputs, expected.Count);
        Assert.Equal(Inputs, actual.Select(BatchFixture.FileOf).Distinct().Count());
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        if (format == "csv") Assert.Equal(File.ReadLines(reference).First(), File.ReadLines(output).First());
    }

    [Fact]
    public void State_WithoutResume_RefusesToOverwrite_AndOtherOptionsAreRefusedOnResume()
    {
        var dir = BatchFixture.CropFolder(3);
        var work = TestData.TempDirectory();
        var output = Path.Combine(work, "r.jsonl");
        var state = Path.Combine(work, "r.db");
        var first = BatchFixture.Cli("assess", dir, "--measures", "none", "--out", output, "--state", state);
        Assert.True(first.Code == 0, first.Err);
        var again = BatchFixture.Cli("assess", dir, "--measures", "none", "--out", output, "--state", state);
        Assert.Equal(2, again.Code);
        Assert.Contains("--resume", again.Err);
        var other = BatchFixture.Cli("assess", dir, "--measures", "Sharpness", "--out", output, "--state", state, "--resume");
        Assert.Equal(2, other.Code);
        Assert.Contains("models or options differ", other.Err);
        var done = BatchFixture.Cli("assess", dir, "--measures", "none", "--out", output, "--state", state, "--resume");
        Assert.True(done.Code == 0, done.Err);
        Assert.Contains("0 assessed", done.Err);
        Assert.Equal(3, File.ReadAllLines(output).Length);
    }
}

using System.Text.Json;
using Fiqa.Tests;

namespace Fiqa.Cli.Tests;

/// <summary><c>--mappings FILE</c> and <c>fiqa mappings</c>: a user's calibration file moves the scalars it names, a bad
/// one is a usage error naming file and key, a resumed run refuses other mappings, and the docs table is the file's.</summary>
public class MappingsCommandTests
{
    private static readonly string Image = TestData.File("franck/franck_01829.jpg");

    private static string Write(string json)
    {
        var path = Path.Combine(TestData.TempDirectory(), "site-mappings.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Assess_WithMappings_MovesOnlyTheNamedScalar()
    {
        var plain = CliRunner.Run("assess", Image, "--measures", "Sharpness,InterEyeDistance", "--assume-upright");
        Assert.True(plain.Code == 0, plain.Err);
        var q0 = Assert.Single(CliRunner.JsonLines(plain.Out)).GetProperty("quality");
        double ied = q0.GetProperty("InterEyeDistance").GetProperty("raw").GetDouble();
        // IED scored on a 0..100 line through 0 px and 200 px: 100·(0 + x/200).
        var file = Write("""{"measures": {"InterEyeDistance": {"mapping": "linear", "h": 100, "s": 0.005, "source": "site: 200 px is full marks"}}}""");
        var mapped = CliRunner.Run("assess", Image, "--measures", "Sharpness,InterEyeDistance", "--assume-upright", "--mappings", file);
        Assert.True(mapped.Code == 0, mapped.Err);
        var q1 = Assert.Single(CliRunner.JsonLines(mapped.Out)).GetProperty("quality");
        Assert.Equal(ied, q1.GetProperty("InterEyeDistance").GetProperty("raw").GetDouble());
        Assert.Equal((int)Math.Round(100 * (0 + 0.005 * ied), MidpointRounding.AwayFromZero), q1.GetProperty("InterEyeDistance").GetProperty("scalar").GetInt32());
        Assert.NotEqual(q0.GetProperty("InterEyeDistance").GetProperty("scalar").GetInt32(), q1.GetProperty("InterEyeDistance").GetProperty("scalar").GetInt32());
        Assert.Equal(q0.GetProperty("Sharpness").GetRawText(), q1.GetProperty("Sharpness").GetRawText());
    }

    [Fact]
    public void Assess_BadMappingsFile_IsAUsageErrorNamingFileAndKey()
    {
        var file = Write("""{"measures": {"Sharpness": {"w": -0.3}}}""");
        var bad = CliRunner.Run("assess", Image, "--mappings", file);
        Assert.Equal(2, bad.Code);
        Assert.Contains($"fiqa: mappings file {file}: measures.Sharpness: 'w' must be positive, got -0.3", bad.Err, StringComparison.Ordinal);
        Assert.Empty(bad.Out);
        var missing = CliRunner.Run("mappings", "--mappings", file + ".none");
        Assert.Equal(2, missing.Code);
        Assert.Contains($"mappings file not found: {file}.none", missing.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void CalibratePercentiles_WithMappings_MovesTheScalarPercentilesNotTheRawOnes()
    {
        var file = Write("""{"measures": {"InterEyeDistance": {"mapping": "linear", "h": 100, "s": 0.005, "source": "site"}}}""");
        JsonElement Ied(params string[] extra)
        {
            var outDir = TestData.TempDirectory();
            var r = CliRunner.Run(["calibrate", "percentiles", "--data", TestData.File("dlib/johns"), "--per-identity", "1", "--measures", "InterEyeDistance",
                "--methods", "none", "--out", outDir, .. extra]);
            Assert.True(r.Code == 0, r.Err);
            return JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "percentiles.json"))).RootElement.GetProperty("columns")[0];
        }
        var plain = Ied();
        var mapped = Ied("--mappings", file);
        Assert.Equal(plain.GetProperty("raw").GetRawText(), mapped.GetProperty("raw").GetRawText());
        double median = mapped.GetProperty("raw").GetProperty("50").GetDouble();
        Assert.Equal(Math.Round(0.5 * median, MidpointRounding.AwayFromZero), mapped.GetProperty("scalar").GetProperty("50").GetDouble(), 0);
        Assert.NotEqual(plain.GetProperty("scalar").GetRawText(), mapped.GetProperty("scalar").GetRawText());
    }

    [Theory]
    [InlineData("eval", "--data")]
    [InlineData("calibrate threshold", "--data")]
    [InlineData("calibrate percentiles", "--data")]
    [InlineData("eval-verdicts", "--images")]
    public void EveryCommandThatMapsScalars_TakesMappings_ABadFileIsAUsageErrorBeforeAnyWork(string command, string folderOption)
    {
        var file = Write("""{"measures": {"Sharpness": {"w": -0.3}}}""");
        var outDir = TestData.TempDirectory();
        string[] args = [.. command.Split(' '), folderOption, TestData.File("dlib/johns"), "--mappings", file, "--out", outDir,
            .. command == "eval-verdicts" ? new[] { "--labels", Path.Combine(TestData.RepoRoot, "benchmarks", "verdicts", "lfw-labels.csv") } : []];
        var r = CliRunner.Run(args);
        Assert.Equal(2, r.Code);
        Assert.Contains($"mappings file {file}: measures.Sharpness: 'w' must be positive, got -0.3", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("images:", r.Err, StringComparison.Ordinal);   // no progress: nothing was scored
    }

    /// <summary>The frame score's scalar follows the user's mapping; the raw score, and so the frames chosen, do not.</summary>
    [Fact]
    public void Video_WithMappings_MovesTheFrameScalarNotTheRawQuality()
    {
        var file = Write("""{"measures": {"UnifiedQualityScore": {"h": 50}}}""");
        var dir = TestData.TempDirectory();
        JsonElement[] Run(params string[] extra)
        {
            var frames = Path.Combine(dir, $"frames{extra.Length}.jsonl");
            var r = CliRunner.Run(["video", TestData.File("franck"), "--max-frames", "3", "--threads", "1", "--frames-out", frames,
                "--out", Path.Combine(dir, $"tracks{extra.Length}.jsonl"), .. extra]);
            Assert.True(r.Code == 0, r.Err);
            return File.ReadAllLines(frames).SelectMany(l => JsonDocument.Parse(l).RootElement.GetProperty("faces").EnumerateArray()).ToArray();
        }
        var plain = Run();
        var halved = Run("--mappings", file);
        Assert.Equal(plain.Length, halved.Length);
        Assert.NotEmpty(plain);
        for (int i = 0; i < plain.Length; i++)
        {
            Assert.Equal(plain[i].GetProperty("quality").GetDouble(), halved[i].GetProperty("quality").GetDouble());
            Assert.InRange(halved[i].GetProperty("quality_scalar").GetInt32() * 2 - plain[i].GetProperty("quality_scalar").GetInt32(), -2, 2);
        }
    }

    [Fact]
    public void Mappings_PrintsTheEffectiveTable_WhichReadsBackAsAnOverride()
    {
        var file = Write("""{"unified": {"norm": {"x0": 3.1}}}""");
        var (code, stdout, stderr) = CliRunner.Run("mappings", "--mappings", file);
        Assert.True(code == 0, stderr);
        var norm = System.Text.Json.JsonDocument.Parse(stdout).RootElement.GetProperty("unified").GetProperty("norm");
        Assert.Equal(3.1, norm.GetProperty("x0").GetDouble());
        Assert.Equal(0.3, norm.GetProperty("w").GetDouble());
        Assert.Equal("overridden by site-mappings.json", norm.GetProperty("source").GetString());
        // The digest that record fingerprints include is the SHA-256 of this output (docs/measures.md says so).
        Assert.Equal(Fiqa.Quality.MappingTable.Load(file).Sha256,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(stdout))));
        // The printed table is a complete file: fed back, it prints itself.
        var again = CliRunner.Run("mappings", "--mappings", Write(stdout));
        Assert.Equal(stdout, again.Out);
    }

    [Fact]
    public void Resume_WithOtherMappings_IsRefused()
    {
        var work = TestData.TempDirectory();
        string output = Path.Combine(work, "r.jsonl"), state = Path.Combine(work, "r.db");
        var first = CliRunner.Run("assess", Image, "--measures", "Sharpness", "--assume-upright", "--out", output, "--state", state);
        Assert.True(first.Code == 0, first.Err);
        var file = Write("""{"measures": {"Sharpness": {"x0": 2}}}""");
        var other = CliRunner.Run("assess", Image, "--measures", "Sharpness", "--assume-upright", "--out", output, "--state", state, "--resume", "--mappings", file);
        Assert.Equal(2, other.Code);
        Assert.Contains("models or options differ", other.Err, StringComparison.Ordinal);
        var same = CliRunner.Run("assess", Image, "--measures", "Sharpness", "--assume-upright", "--out", output, "--state", state, "--resume");
        Assert.True(same.Code == 0, same.Err);
    }

    [Fact]
    public void DocsMappingTable_IsTheMappingsFile()
    {
        // docs/measures.md holds the table `fiqa mappings --markdown` prints; a mapping changed without the docs fails here.
        var generated = CliRunner.Run("mappings", "--markdown").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var docs = File.ReadAllLines(Path.Combine(TestData.RepoRoot, "docs", "measures.md"));
        int start = Array.FindIndex(docs, l => l == generated[0]);
        Assert.True(start >= 0, "docs/measures.md has no mappings table; paste the output of ./fiqa mappings --markdown");
        Assert.Equal(generated, docs.Skip(start).TakeWhile(l => l.StartsWith('|')).ToArray());
    }
}

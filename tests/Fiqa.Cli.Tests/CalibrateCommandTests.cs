using System.Globalization;
using System.Text.Json;
using Fiqa.Quality;
using Fiqa.Tests;

namespace Fiqa.Cli.Tests;

/// <summary><c>fiqa calibrate threshold</c> and <c>fiqa calibrate percentiles</c> end to end: score files from any tool, the
/// installed identity folders, the refusals and the generated profile.</summary>
public class CalibrateCommandTests
{
    // The hand-computed set of ThresholdCalibrationTests in the exchange format: at FMR 0.1 the comparison threshold is 0.5,
    // four of twelve mated pairs fail, and rejecting a3 and b3 (quality < 0.45) leaves one of eight.
    private static (string Comparisons, string Qualities) ScoreFiles()
    {
        var dir = TestData.TempDirectory();
        var q = new Dictionary<string, double>
        {
            ["a1"] = 0.9, ["a2"] = 0.8, ["a3"] = 0.1, ["b1"] = 0.7, ["b2"] = 0.6, ["b3"] = 0.2,
            ["c1"] = 0.95, ["c2"] = 0.85, ["c3"] = 0.75, ["d1"] = 0.65, ["d2"] = 0.55, ["d3"] = 0.45,
        };
        var lines = new List<string> { "sample_a,sample_b,similarity,mated" };
        lines.AddRange(["a1,a2,0.8,1", "a1,a3,0.2,1", "a2,a3,0.25,1", "b1,b2,0.7,1", "b1,b3,0.1,1", "b2,b3,0.6,1",
            "c1,c2,0.9,1", "c1,c3,0.85,1", "c2,c3,0.3,1", "d1,d2,0.75,1", "d1,d3,0.65,1", "d2,d3,0.7,1"]);
        var ids = q.Keys.Order(StringComparer.Ordinal).ToList();
        int n = 0;
        for (int i = 0; i < ids.Count; i++)
            for (int j = i + 1; j < ids.Count; j++)
                if (ids[i][0] != ids[j][0]) lines.Add(string.Create(CultureInfo.InvariantCulture, $"{ids[i]},{ids[j]},{(n++ < 5 ? 0.59 - 0.01 * (n - 1) : 0.45)},0"));
        var comparisons = Path.Combine(dir, "comparisons.csv");
        File.WriteAllLines(comparisons, lines);
        var qualities = Path.Combine(dir, "qualities.csv");
        File.WriteAllLines(qualities, q.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key},{kv.Value}")).Prepend("sample,q"));
        return (comparisons, qualities);
    }

    [Fact]
    public void Threshold_ScoreFiles_ChoosesTheHandComputedThreshold_WritesJsonMarkdownAndMarkedPlot()
    {
        var (c, q) = ScoreFiles();
        var outDir = TestData.TempDirectory();
        var r = CliRunner.Run("calibrate", "threshold", "--comparisons", c, "--qualities", q, "--method", "q", "--fmr", "0.1", "--min-false-matches", "5",
            "--target-fnmr", "0.15", "--max-reject", "0.5", "--bootstrap", "200", "--out", outDir);
        Assert.True(r.Code == 0, r.Err);
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "threshold.json"))).RootElement;
        var chosen = json.GetProperty("chosen");
        Assert.Equal(0.5, json.GetProperty("comparison_threshold").GetDouble(), 9);
        Assert.Equal((0.45, 0.125), (chosen.GetProperty("quality_threshold").GetDouble(), chosen.GetProperty("fnmr").GetDouble()));
        Assert.Equal(2, chosen.GetProperty("fnmr_interval").GetArrayLength());
        Assert.Contains("**Chosen: reject samples with q < 0.45**", r.Out, StringComparison.Ordinal);
        // Four identities: the output says the figures are indicative instead of looking precise.
        Assert.Contains("only 4 identities", r.Err, StringComparison.Ordinal);
        Assert.Contains("chosen: q ≥ 0.45", File.ReadAllText(Path.Combine(outDir, "edc.svg")), StringComparison.Ordinal);
        // The same seed gives the same file.
        var again = TestData.TempDirectory();
        Assert.Equal(0, CliRunner.Run("calibrate", "threshold", "--comparisons", c, "--qualities", q, "--method", "q", "--fmr", "0.1", "--min-false-matches", "5",
            "--target-fnmr", "0.15", "--max-reject", "0.5", "--bootstrap", "200", "--out", again).Code);
        Assert.Equal(File.ReadAllText(Path.Combine(outDir, "threshold.json")), File.ReadAllText(Path.Combine(again, "threshold.json")));
    }

    [Fact]
    public void Threshold_UnsupportedFmr_And_UnknownColumn_AreRefusedWithTheReason()
    {
        var (c, q) = ScoreFiles();
        var r = CliRunner.Run("calibrate", "threshold", "--comparisons", c, "--qualities", q, "--method", "q", "--out", TestData.TempDirectory());
        Assert.Equal(2, r.Code);
        Assert.StartsWith("fiqa: refused: FMR 0.001 on 54 non-mated comparisons allows 0 false matches", r.Err, StringComparison.Ordinal);
        var m = CliRunner.Run("calibrate", "threshold", "--comparisons", c, "--qualities", q, "--out", TestData.TempDirectory());
        Assert.Equal(2, m.Code);
        Assert.Contains("--method 'distilled' is not a column of the qualities (columns: q)", m.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Threshold_InstalledJohns_RefusesFmr1e3_CalibratesAtAStartingFnmr_AndWritesALoadableProfile()
    {
        var johns = TestData.File("dlib/johns");
        var cache = TestData.TempDirectory();
        // 1,210 non-mated comparisons allow 1 false match at FMR 1e-3: not a threshold anyone should defend.
        var refused = CliRunner.Run("calibrate", "threshold", "--data", johns, "--cache", cache, "--out", TestData.TempDirectory());
        Assert.Equal(2, refused.Code);
        Assert.Contains("refused: FMR 0.001 on 1210 non-mated comparisons allows 1 false matches", refused.Err, StringComparison.Ordinal);

        var outDir = TestData.TempDirectory();
        var profile = Path.Combine(outDir, "johns.json");
        var r = CliRunner.Run("calibrate", "threshold", "--data", johns, "--cache", cache, "--starting-error", "0.05", "--max-reject", "0.1",
            "--bootstrap", "200", "--out", outDir, "--profile-out", profile, "--profile-name", "johns");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("only 5 identities", r.Err, StringComparison.Ordinal);
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "threshold.json"))).RootElement;
        Assert.Equal((55, 5, 275), (json.GetProperty("samples").GetInt32(), json.GetProperty("identities").GetInt32(), json.GetProperty("mated").GetInt32()));
        double threshold = json.GetProperty("chosen").GetProperty("quality_threshold").GetDouble();
        var loaded = VerdictProfile.Load(profile);
        var requirement = Assert.Single(loaded.Requirements);
        Assert.Equal((VerdictProfile.UnifiedThresholdCode, threshold), (requirement.Code, requirement.Min!.Value));
        Assert.NotNull(loaded.Reference);
    }

    [Fact]
    public void Percentiles_InstalledJohns_TableAndProfile_TheProfileJudgesItsOwnPopulation()
    {
        var outDir = TestData.TempDirectory();
        var profile = Path.Combine(outDir, "p10.json");
        var r = CliRunner.Run("calibrate", "percentiles", "--data", TestData.File("dlib/johns"), "--per-identity", "4", "--measures", "InterEyeDistance,HeadPoseYaw,Sharpness",
            "--methods", "norm", "--out", outDir, "--profile-out", profile, "--profile-name", "johns-p10", "--reject-percentile", "10", "--progress-interval", "0.000001");
        Assert.True(r.Code == 0, r.Err);
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"^fiqa calibrate percentiles: images: 20/20 \(100\.0 %\) done", System.Text.RegularExpressions.RegexOptions.Multiline), r.Err);
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "percentiles.json"))).RootElement;
        Assert.Equal((20, 5), (json.GetProperty("population").GetProperty("images").GetInt32(), json.GetProperty("population").GetProperty("identities").GetInt32()));
        var columns = json.GetProperty("columns").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(["HeadPoseYaw", "InterEyeDistance", "Sharpness", "norm"], columns.Keys.Order(StringComparer.Ordinal));
        var ied = columns["InterEyeDistance"].GetProperty("raw");
        Assert.True(ied.GetProperty("1").GetDouble() <= ied.GetProperty("5").GetDouble() && ied.GetProperty("5").GetDouble() <= ied.GetProperty("50").GetDouble());
        var loaded = VerdictProfile.Load(profile);
        Assert.Equal(3, loaded.Requirements.Count);
        Assert.All(loaded.Requirements, q => Assert.Equal((10.0, 20), (q.Basis!.Percentile!.Value, q.Basis.Images!.Value)));
        Assert.Matches(@"Profile 'johns-p10': 3 requirements; \d+\.\d % of the 20 reference faces pass it", r.Out);
        // The file is judged by assess like any profile, and the record names it.
        var assess = CliRunner.Run("assess", TestData.File("dlib/johns/John_Salley/000179_02159509.jpg"), "--profile", profile, "--measures", "none");
        Assert.True(assess.Code == 0, assess.Err);
        Assert.Equal("johns-p10", CliRunner.JsonLines(assess.Out)[0].GetProperty("verdict").GetProperty("calibration").GetProperty("profile").GetString());
    }
}

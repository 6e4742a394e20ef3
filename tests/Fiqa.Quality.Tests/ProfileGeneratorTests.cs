using System.Security.Cryptography;
using Fiqa.Quality.Measures;
using Fiqa.Quality.Records;
using Fiqa.Tests;

namespace Fiqa.Quality.Tests;

/// <summary>Population percentiles and the profiles generated from them: known values, the file loads, judges, and says
/// what it was calibrated on.</summary>
public class ProfileGeneratorTests
{
    private static readonly ProfileCalibration Population = new()
    {
        Population = "synthetic population", Images = 100, Faces = 100, Identities = 50, Date = "2026-01-02", Command = "test",
    };

    // Face i: inter-eye distance i + 1 px (mapping rises), occluded eye share i / 100 (falls), yaw −49.5 + i° (peaks at 0),
    // and a constant single-face value that no percentile can separate.
    private static Dictionary<string, MeasureResult> Face(int i) => new()
    {
        ["InterEyeDistance"] = InterEyeDistance.Descriptor.Result(i + 1),
        ["EyesVisible"] = EyesVisible.Descriptor.Result(i / 100.0),
        ["HeadPoseYaw"] = HeadPoseYaw.Descriptor.Result(-49.5 + i),
        ["UnifiedQualityScore"] = UnifiedQualityScore.Descriptor.Result(0.5 + i / 200.0),
    };

    private static PopulationPercentiles Table()
    {
        var table = new PopulationPercentiles(Population);
        for (int i = 0; i < 100; i++) table.Add(Face(i));
        table.Add(new Dictionary<string, MeasureResult> { ["InterEyeDistance"] = new(null, -1, MeasureStatus.FailureToAssess, "no landmarks") });
        return table;
    }

    [Fact]
    public void Percentiles_KnownValues_LinearBetweenOrderStatistics()
    {
        var ied = Table().Columns().Single(c => c.Name == "InterEyeDistance");
        // Values 1..100: P_p sits at position 99·p/100, so P1 = 1.99, P5 = 5.95, P50 = 50.5; the failure is counted apart.
        Assert.Equal((100, 1), (ied.Raw.Count, ied.Failures));
        Assert.Equal(1.99, ied.RawPercentile(1), 9);
        Assert.Equal(5.95, ied.RawPercentile(5), 9);
        Assert.Equal(50.5, ied.RawPercentile(50), 9);
        Assert.Equal(InterEyeDistance.Descriptor.Mapping.ToScalar(1), ied.ScalarPercentile(0));
        var json = Table().Json(PopulationPercentiles.DefaultPercentiles);
        Assert.Contains("\"synthetic population\"", json, StringComparison.Ordinal);
        Assert.Contains("\"5\": 5.95", json, StringComparison.Ordinal);
    }

    /// <summary>A unified method that fails on a face is counted as that method's failure — it once landed in a stray
    /// column under the bare name, which the listing then cut short.</summary>
    [Fact]
    public void MethodFailure_IsCountedInTheMethodsOwnColumn()
    {
        var table = new PopulationPercentiles(Population);
        var norm = Unified.EmbeddingNorm.Info;
        table.Add(Face(1), new Dictionary<string, MeasureResult> { ["norm"] = norm.Result(20) });
        table.Add(Face(2), new Dictionary<string, MeasureResult> { ["norm"] = MeasureResult.Failure("no embedder pass") });
        var column = Assert.Single(table.Columns(), c => c.Kind == "method");
        Assert.Equal(("norm", 1, 1), (column.Name, column.Raw.Count, column.Failures));
    }

    [Fact]
    public void Generate_RawLimitsFollowTheMappingsDirection()
    {
        var (profile, skipped) = ProfileGenerator.Generate(Table(), new ProfileGeneratorOptions { Name = "p5", RejectPercentile = 5 });
        var byMeasure = profile.Requirements.ToDictionary(r => r.Measure);
        // Rising mapping: min at P5; falling: max at P95 = 0.99·0.95; peaked: the range of values mapped at least at their P5
        // (the two most turned faces on each side are outside: ±48.5° and ±49.5°).
        Assert.Equal((5.95, (double?)null), (byMeasure["InterEyeDistance"].Min!.Value, byMeasure["InterEyeDistance"].Max), new Near());
        Assert.Equal(0.9405, byMeasure["EyesVisible"].Max!.Value, 9);
        Assert.Null(byMeasure["EyesVisible"].Min);
        Assert.Equal(-47.5, byMeasure["HeadPoseYaw"].Min!.Value, 9);
        Assert.Equal(47.5, byMeasure["HeadPoseYaw"].Max!.Value, 9);
        var basis = byMeasure["InterEyeDistance"].Basis!;
        Assert.Equal((5.0, "synthetic population", 100, 50, "2026-01-02"), (basis.Percentile!.Value, basis.Population, basis.Values!.Value, basis.Identities!.Value, basis.Date));
        Assert.Empty(skipped);
    }

    [Fact]
    public void Generate_ConstantComponent_IsSkippedWithTheReason()
    {
        var table = new PopulationPercentiles(Population);
        for (int i = 0; i < 20; i++) table.Add(new Dictionary<string, MeasureResult> { ["EyesVisible"] = EyesVisible.Descriptor.Result(0), ["InterEyeDistance"] = InterEyeDistance.Descriptor.Result(40 + i) });
        var (profile, skipped) = ProfileGenerator.Generate(table, new ProfileGeneratorOptions());
        Assert.Equal(["InterEyeDistance"], profile.Requirements.Select(r => r.Measure));
        Assert.Equal("EyesVisible: every face has the same native value, no percentile separates them", Assert.Single(skipped));
    }

    [Fact]
    public void GeneratedFile_LoadsJudgesAndNamesItsCalibration()
    {
        var table = Table();
        var threshold = new UnifiedThreshold { Method = "distilled", Min = 0.6, Basis = new CalibrationBasis { Rule = "lowest reject rate with FNMR ≤ 0.01", Population = "lfw subset", Date = "2026-01-03", Fnmr0 = 0.0158, Fnmr = 0.0096, FnmrInterval = [0.0063, 0.0135] } };
        var (generated, _) = ProfileGenerator.Generate(table, new ProfileGeneratorOptions { Name = "site-p5", UnifiedThreshold = threshold });
        var path = Path.Combine(TestData.TempDirectory(), "site-p5.json");
        File.WriteAllText(path, ProfileGenerator.ToJson(generated));

        var loaded = VerdictProfile.Load(path);
        // The percentile requirement on UnifiedQualityScore gives way to the calibrated threshold.
        Assert.Equal(["EyesVisible", "HeadPoseYaw", "InterEyeDistance"], loaded.Requirements.SkipLast(1).Select(r => r.Measure).Order(StringComparer.Ordinal));
        var unified = loaded.Requirements.Single(r => r.Code == VerdictProfile.UnifiedThresholdCode);
        Assert.Equal((0.6, "UnifiedQualityScore"), (unified.Min!.Value, unified.Measure));
        // Each requirement rejects ≈ 5 % of its population: IED faces 0..4, eyes 95..99, yaw 0, 1, 98, 99; the threshold (raw
        // 0.5 + i/200 < 0.6) faces 0..19: together faces 0..19 and 95..99, 25 of 101 (the unassessed face fails too).
        Assert.Equal(75 / 101.0, ProfileGenerator.PassRate(loaded, table.Faces), 12);

        var low = loaded.Judge(Face(10));
        Assert.False(low.Pass);
        var reason = Assert.Single(low.Reasons);
        Assert.Equal(("utility.unified_threshold.low", "below"), (reason.Code, reason.Direction));
        Assert.StartsWith("below the calibrated quality threshold: distilled quality score 0.55 < 0.6", reason.Text, StringComparison.Ordinal);
        Assert.True(loaded.Judge(Face(50)).Pass);
        // The verdict names the file and its exact bytes: a record is traceable to the calibration it was judged against.
        var c = low.Calibration!;
        Assert.Equal(("site-p5", Path.GetFullPath(path), "synthetic population", "2026-01-02"), (c.Profile, c.File, c.Population, c.Date));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), c.Sha256);
        // A tiny calibrated limit is printed with its significant digits, not rounded to "0 < 0".
        var tiny = new ProfileRequirement { Code = "t", Measure = "ExpressionNeutrality", Quantity = "neutrality", Min = 0.000241673 };
        Assert.Equal("too low: neutrality 0 < 0.000242", tiny.Check(ExpressionNeutrality.Descriptor.Result(0))!.Text);
        // Built-in profiles carry no calibration reference.
        Assert.Null(VerdictProfile.Load("icao").Judge(Face(50)).Calibration);
    }

    [Fact]
    public void UnifiedThreshold_OnAMethodProfilesCannotJudge_IsRefusedWithTheReason()
    {
        var path = Path.Combine(TestData.TempDirectory(), "serfiq.json");
        File.WriteAllText(path, """{"name": "x", "unified_threshold": {"method": "serfiq", "min": 0.5}}""");
        var e = Assert.Throws<ArgumentException>(() => VerdictProfile.Load(path));
        Assert.Equal($"{path}: unified_threshold: method 'serfiq' cannot be judged by a profile; only 'distilled' (the UnifiedQualityScore) can", e.Message);
    }

    [Fact]
    public void GeneratedProfile_JudgesARealPhoto_AndTheRecordCarriesTheCalibration()
    {
        // A profile whose only limit no real face meets: the verdict and its JSON record name the calibration.
        var table = new PopulationPercentiles(Population);
        for (int i = 0; i < 20; i++) table.Add(new Dictionary<string, MeasureResult> { ["InterEyeDistance"] = InterEyeDistance.Descriptor.Result(300 + i) });
        var (generated, _) = ProfileGenerator.Generate(table, new ProfileGeneratorOptions { Name = "giant-faces" });
        var path = Path.Combine(TestData.TempDirectory(), "giant.json");
        File.WriteAllText(path, ProfileGenerator.ToJson(generated));
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Profile = path, Measures = [] });
        var a = assessor.Assess(TestData.File("franck/franck_01829.jpg"));
        Assert.Equal(["calibrated.InterEyeDistance.low"], a.Verdict!.Codes);
        var record = Assert.Single(FaceJson.Records(a, includeEmbedding: false));
        Assert.Contains($"\"calibration\":{{\"profile\":\"giant-faces\",\"file\":", record, StringComparison.Ordinal);
        Assert.Contains("\"population\":\"synthetic population\",\"date\":\"2026-01-02\"", record, StringComparison.Ordinal);
    }

    private sealed class Near : IEqualityComparer<(double, double?)>
    {
        public bool Equals((double, double?) x, (double, double?) y) => Math.Abs(x.Item1 - y.Item1) < 1e-9 && x.Item2 == y.Item2;
        public int GetHashCode((double, double?) obj) => 0;
    }
}

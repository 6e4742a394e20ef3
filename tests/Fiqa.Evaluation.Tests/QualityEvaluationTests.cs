using Fiqa.Evaluation;
using Fiqa.Tests;

namespace Fiqa.Evaluation.Tests;

public class QualityEvaluationTests
{
    // Three samples per identity A and B: mated pairs within, non-mated across.
    private static (List<Comparison> Comparisons, QualityTable Qualities) Tiny()
    {
        var comparisons = new List<Comparison>
        {
            new("a1", "a2", 0.9, true), new("a1", "a3", 0.2, true), new("a2", "a3", 0.3, true),
            new("b1", "b2", 0.8, true), new("b1", "b3", 0.7, true), new("b2", "b3", 0.6, true),
            new("a1", "b1", 0.1, false), new("a2", "b2", 0.0, false), new("a3", "b3", 0.45, false),
        };
        var q = new Dictionary<string, double[]>
        {
            // "good" gives a3 the lowest quality (it causes both errors), "bad" the highest; "missing" leaves a3 unassessed.
            ["a1"] = [0.9, 0.1, 0.5], ["a2"] = [0.8, 0.2, 0.5], ["a3"] = [0.1, 0.9, double.NaN],
            ["b1"] = [0.7, 0.3, 0.5], ["b2"] = [0.6, 0.4, 0.5], ["b3"] = [0.5, 0.5, 0.5],
        };
        return (comparisons, new QualityTable(["good", "bad", "missing"], q));
    }

    [Fact]
    public void Evaluate_StartingError_RanksInformativeMethodFirst_OracleBest()
    {
        var (c, q) = Tiny();
        var r = QualityEvaluation.Evaluate(c, q, new EvaluationOptions { StartingError = 0.3, DiscardLimits = [0.3, 0.5] });
        // Threshold = 0.3-quantile of the six mated scores [0.2,0.3,0.6,0.7,0.8,0.9] = 0.3 + 0.5·0.3 = 0.45.
        Assert.Equal(0.45, r.Threshold, 12);
        var byName = r.Methods.ToDictionary(m => m.Method);
        Assert.Equal(2 / 6.0, byName["good"].Curve.StartingError, 12);
        // "good": discarding a3 (quality 0.1) removes both errors at once, at discard 2/6 → pAUC(0.5) = (2/6)·(2/6);
        // up to 0.3 nothing is discarded yet, so pAUC(0.3) = (2/6)·0.3 for every method.
        Assert.Equal(2 / 6.0 * 2 / 6.0, byName["good"].PartialAreas[1], 12);
        Assert.Equal(2 / 6.0 * 0.3, byName["bad"].PartialAreas[0], 12);
        Assert.True(byName["good"].PartialAreas[1] < byName["bad"].PartialAreas[1]);
        // Unassessed samples are discarded first, as the lowest quality: "missing" behaves like "good" here.
        Assert.Equal(2, byName["missing"].UnassessedPairs);
        Assert.Equal(byName["good"].PartialAreas[1], byName["missing"].PartialAreas[1], 12);
        Assert.True(byName[QualityEvaluation.OracleName].PartialAreas[1] <= byName["good"].PartialAreas[1]);
    }

    [Fact]
    public void Evaluate_FmrEdc_CountsFalseMatchesAmongNonMated()
    {
        var (c, q) = Tiny();
        var r = QualityEvaluation.Evaluate(c, q, new EvaluationOptions { ErrorType = EdcErrorType.Fmr, StartingError = 1 / 3.0, DiscardLimits = [0.5] });
        // Threshold = (1 − 1/3)-quantile of the non-mated [0, 0.1, 0.45] = 0.1 + (1/3)·0.35; only a3–b3 (0.45) matches falsely.
        Assert.Equal(0.1 + 0.35 / 3, r.Threshold, 12);
        Assert.Equal("FMR", r.ErrorName);
        var good = r.Methods.Single(m => m.Method == "good");
        Assert.Equal(1 / 3.0, good.Curve.StartingError, 12);
        // a3 has the lowest quality, so its false match goes first: pAUC(0.5) = (1/3)·(1/3).
        Assert.Equal(1 / 9.0, good.PartialAreas[0], 12);
        var oracle = r.Methods.Single(m => m.Method == QualityEvaluation.OracleName);
        Assert.Equal(1 / 9.0, oracle.PartialAreas[0], 12);
        Assert.Contains("# FMR-EDC evaluation", EvaluationReport.Markdown(r));
    }

    [Fact]
    public void Evaluate_DefaultFmr_FixesThresholdOnNonMated()
    {
        var (c, q) = Tiny();
        var r = QualityEvaluation.Evaluate(c, q);
        // Three non-mated scores, FMR ≤ 1e-3 allows none: the threshold sits just above the highest (0.45).
        Assert.True(r.Threshold > 0.45);
        Assert.Equal(3, r.NonMatedCount);
        Assert.Equal(6, r.MatedCount);
    }

    [Fact]
    public void ScoreFiles_RoundTrip_AndReportsRender()
    {
        var (c, q) = Tiny();
        var dir = TestData.TempDirectory();
        var cPath = Path.Combine(dir, "comparisons.csv");
        var qPath = Path.Combine(dir, "qualities.csv");
        ScoreFiles.WriteComparisons(cPath, c);
        ScoreFiles.WriteQualities(qPath, q, ["a1", "a2", "a3", "b1", "b2", "b3"]);
        var c2 = ScoreFiles.ReadComparisons(cPath);
        var q2 = ScoreFiles.ReadQualities(qPath);
        Assert.Equal(c, c2);
        Assert.Equal(q.Methods, q2.Methods);
        Assert.True(double.IsNaN(q2.Quality("a3", 2)));
        Assert.Equal(0.9, q2.Quality("a1", 0));

        var r = QualityEvaluation.Evaluate(c2, q2, new EvaluationOptions { StartingError = 0.3, DiscardLimits = [0.2, 0.5] });
        var files = EvaluationReport.Write(r, Path.Combine(dir, "out"), TestData.Paths.Font);
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(files[0])).RootElement;
        var good = json.GetProperty("methods").GetProperty("good");
        Assert.Equal(2 / 6.0 * 2 / 6.0, good.GetProperty("pauc").GetProperty("0.5").GetDouble(), 12);
        Assert.Equal(2 / 6.0, good.GetProperty("fnmr0").GetDouble(), 12);
        Assert.True(good.GetProperty("curve").GetArrayLength() >= 2);
        var md = File.ReadAllText(files[1]);
        Assert.Contains("| 1 | oracle |", md);
        Assert.Contains("pAUC@0.2", md);
    }

    [Fact]
    public void ScoreFiles_BadInput_NamesFileAndLine()
    {
        var dir = TestData.TempDirectory();
        var path = Path.Combine(dir, "c.csv");
        File.WriteAllText(path, "sample_a,sample_b,similarity,mated\na,b,0.5,1\na,c,high,0\n");
        var e = Assert.Throws<FormatException>(() => ScoreFiles.ReadComparisons(path));
        Assert.Contains("c.csv:3", e.Message);
        File.WriteAllText(path, "a,b,c\n");
        Assert.Contains("header", Assert.Throws<FormatException>(() => ScoreFiles.ReadComparisons(path)).Message);
    }
}

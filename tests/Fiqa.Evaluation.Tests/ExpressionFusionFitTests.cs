using Fiqa.Evaluation;
using Fiqa.Face;
using Fiqa.Quality;
using Fiqa.Tests;
using Xunit.Abstractions;

namespace Fiqa.Evaluation.Tests;

public class ExpressionFusionFitTests(ITestOutputHelper output)
{
    [Fact]
    public void Auc_HandCountedPairs_TiesCountHalf()
    {
        // Positives 0.9 and 0.5 against negatives 0.5 and 0.1: 1 + 1 + 0.5 + 1 of 4 pairs.
        Assert.Equal(3.5 / 4, ExpressionFusionFit.Auc([0.9, 0.5, 0.5, 0.1], [true, true, false, false]), 12);
        Assert.True(double.IsNaN(ExpressionFusionFit.Auc([0.3, 0.2], [true, true])));
    }

    [Fact]
    public void Fit_BenchmarkCalibrationHalf_ReproducesTheShippedWeights_AndBeatsTheNetworkOnTheReportedHalf()
    {
        // The command behind ExpressionFusion.Default (fiqa calibrate expression) on the labelled LFW photos in ../shared.
        var photos = VerdictBenchmark.ReadLabels(Path.Combine(TestData.RepoRoot, "benchmarks", "verdicts", "lfw-labels.csv"));
        using var analyzer = new FaceAnalyzer(new FaceAnalyzerOptions
        {
            Paths = TestData.Paths,
            Parts = FaceParts.Landmarks | FaceParts.Expression,
            Session = new Fiqa.Onnx.OnnxSessionOptions { IntraOpThreads = 1 },
            ExpressionRun = new Fiqa.Face.Onnx.ExpressionRunOptions { Precision = Fiqa.Face.Onnx.ModelPrecision.Float }, // as the command fits
        });
        var samples = ExpressionFusionFit.Observe(analyzer, TestData.Shared("datasets/lfw/lfw-deepfunneled"), photos, threads: 2);
        var fit = ExpressionFusionFit.Fit(samples);
        var shipped = ExpressionFusion.Default;
        output.WriteLine(ExpressionFusionFit.ToMarkdown(fit, ExpressionFusionFit.Figures(samples, fit)));
        string[] names = ["network", "width", "lift", "lip gap", "lip height", "chin drop"];
        var pairs = names.Select((name, i) => (name, fit.Weights()[i], shipped.Weights()[i])).Prepend(("intercept", fit.Intercept, shipped.Intercept));
        foreach (var (name, a, b) in pairs)
            Assert.True(Math.Abs(a - b) <= 1e-5 * Math.Max(1, Math.Abs(b)), $"{name}: fitted {a:R}, shipped {b:R}");
        var reported = ExpressionFusionFit.Figures(samples, shipped).Single(f => f.Split == "reported");
        Assert.True(reported.FusionAuc >= 0.85 && reported.FusionAuc >= reported.NetworkAuc + 0.1,
            $"reported half: fused AUC {reported.FusionAuc:F3}, network alone {reported.NetworkAuc:F3}");
    }
}

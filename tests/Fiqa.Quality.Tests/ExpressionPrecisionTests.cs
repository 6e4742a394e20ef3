using Fiqa.Face.Onnx;
using Fiqa.Tests;

namespace Fiqa.Quality.Tests;

/// <summary>The int8 expression network is the default because what ExpressionNeutrality reports does not move with it
/// (issue 34's adoption rule: P(neutral) within 0.03 of the float run, every verdict the same).</summary>
public class ExpressionPrecisionTests
{
    [Fact]
    public void ExpressionNeutrality_Int8Default_ReportsWhatTheFloatNetworkReports_OnFacesTheCalibrationNeverSaw()
    {
        // The int8 calibration reads data/dlib only. Measured: at most 0.014 on 318 held-out faces (docs/speed.md).
        AssessorOptions Options(ModelPrecision precision) => new()
        {
            Measures = ["ExpressionNeutrality"], Profile = "enrolment", DetectRotation = false,
            Face = new AssessorOptions().Face with { ExpressionRun = new ExpressionRunOptions { Precision = precision } },
        };
        Assert.Equal(ModelPrecision.Int8, new AssessorOptions().Face.ExpressionRun.Precision);
        using var int8 = FaceQualityAssessor.Create(Options(ModelPrecision.Int8));
        using var reference = FaceQualityAssessor.Create(Options(ModelPrecision.Float));
        var files = new[] { "skimage/astronaut.png", "face-api/sample1.jpg", "face-api/sample3.jpg" }
            .Concat(Directory.GetFiles(TestData.File("franck"), "*.jpg").Order(StringComparer.Ordinal)).ToList();
        int faces = 0;
        foreach (var file in files)
        {
            var q = int8.Assess(TestData.File(file));
            var f = reference.Assess(TestData.File(file));
            if (f.Quality.TryGetValue("ExpressionNeutrality", out var fr) != q.Quality.TryGetValue("ExpressionNeutrality", out var qr))
                Assert.Fail($"{file}: assessed by one run only");
            if (fr?.Raw is not double pf || qr?.Raw is not double pq) continue;
            faces++;
            Assert.True(Math.Abs(pf - pq) <= 0.03, $"{file}: P(neutral) float {pf:F4}, int8 {pq:F4}");
            Assert.Equal(f.Verdict!.Reasons.Select(r => r.Code), q.Verdict!.Reasons.Select(r => r.Code));
        }
        Assert.True(faces >= 10, $"only {faces} faces assessed");
    }
}

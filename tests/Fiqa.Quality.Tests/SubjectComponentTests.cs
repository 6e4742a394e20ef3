using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Quality.Tests;

/// <summary>Subject components that should not move under mild fidelity loss.</summary>
public class SubjectComponentTests
{
    // Issue 33 asks for ≥ 95 % of the shifts within ±0.15 under noise σ 10, JPEG 40, ×0.65. The expression network alone
    // reached 79 % and 78 % on these files; fused with the mouth's landmarks (ExpressionFusion) P(neutral) meets it:
    // 97 % and 96 % (docs/measures.md, ExpressionNeutrality). The floors sit one or two pairs below the measured shares,
    // so that another CPU's last-bit differences cannot flip the test, and far above the network alone.
    [Theory]
    [InlineData("noise 10, JPEG 50, ×0.6, ×1.6", 0.94)]
    [InlineData("issue 33: noise 10, JPEG 40, ×0.65", 0.93)]
    public void ExpressionNeutrality_HoldsUnderMildNoiseJpegAndExposure(string set, double floor)
    {
        // Held-out identities: franck and John_Simm (every other photo).
        var files = Directory.GetFiles(TestData.File("franck"), "*.jpg").Order(StringComparer.Ordinal)
            .Concat(Directory.GetFiles(TestData.File("dlib/johns/John_Simm"), "*.jpg").Order(StringComparer.Ordinal).Where((_, i) => i % 2 == 0)).ToList();
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Measures = ["ExpressionNeutrality"], DetectRotation = false });
        double? P(RgbImage image) => assessor.Assess(image).Quality.TryGetValue("ExpressionNeutrality", out var r) ? r.Raw : null;
        var shifts = new List<double>();
        foreach (var file in files)
        {
            var clean = ImageDecoder.Decode(file);
            if (P(clean) is not double p0) continue;
            // Noise σ = 10 is PSNR ≈ 28 dB; exposure gains are in linear light.
            RgbImage[] degraded = set.StartsWith("issue", StringComparison.Ordinal)
                ? [CaptureLadder.Apply(clean, "noise", 10), CaptureLadder.Apply(clean, "jpeg", 40), CaptureLadder.Exposure(clean, 0.65)]
                : [CaptureLadder.Apply(clean, "noise", 10), CaptureLadder.Apply(clean, "jpeg", 50), CaptureLadder.Exposure(clean, 0.6), CaptureLadder.Exposure(clean, 1.6)];
            foreach (var image in degraded)
                if (P(image) is double p) shifts.Add(Math.Abs(p - p0));
        }
        Assert.True(shifts.Count >= 40, $"only {shifts.Count} pairs");
        shifts.Sort();
        double within = shifts.Count(s => s <= 0.15) / (double)shifts.Count;
        Assert.True(within >= floor, $"{set}: {within:P0} of P(neutral) shifts within ±0.15");
        Assert.True(shifts[shifts.Count / 2] <= 0.08, $"{set}: median shift {shifts[shifts.Count / 2]:F3}");
    }

    [Fact]
    public void ExpressionNeutrality_SmilesAndLaughterReadNotNeutral_ANeutralFaceReadsNeutral_UnderTheEnrolmentLimit()
    {
        // The enrolment profile's line is P(neutral) ≥ 0.5, the fused probability's own (docs/measures.md).
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Measures = ["ExpressionNeutrality"], Profile = "enrolment", DetectRotation = false });
        double P(string file) => assessor.Assess(TestData.File(file)).Quality["ExpressionNeutrality"].Raw!.Value;
        Assert.InRange(P("franck/franck_01829.jpg"), 0.8, 1.0);      // neutral
        Assert.InRange(P("skimage/astronaut.png"), 0.0, 0.3);        // smiling
        Assert.InRange(P("franck/franck_04000.jpg"), 0.0, 0.15);     // laughing, eyes shut
        // Broad, toothy smiles whose mouths the first landmark pass put on the upper lip (read 0.81 and 0.66 then).
        Assert.InRange(P("dlib/johns/John_Salley/000200_02159354.jpg"), 0.0, 0.3);
        Assert.InRange(P("dlib/johns/John_Savage/000291_01099214.jpg"), 0.0, 0.4);
        var verdict = assessor.Assess(TestData.File("skimage/astronaut.png")).Verdict!;
        Assert.Contains(verdict.Reasons, r => r.Code == "expression.neutral.low");
        // The scalar's 50 is the enrolment line, so the requirement and the bar agree.
        Assert.True(assessor.Assess(TestData.File("franck/franck_01829.jpg")).Quality["ExpressionNeutrality"].Scalar > 50);
    }

    [Fact]
    public void MouthClosed_ToothySmilesAndLaughterReadOpen_ClosedLipsReadClosed_AtTheEnrolmentLimit()
    {
        // Inner-lip gap / eye-to-chin against the profiles' 0.06: the refined landmarks find the open mouth that the
        // first pass, cut off by the detector's box at the mouth, closed (franck_04000 read 0.02 with it).
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Measures = ["MouthClosed"], DetectRotation = false });
        double Gap(string file) => assessor.Assess(TestData.File(file)).Quality["MouthClosed"].Raw!.Value;
        Assert.True(Gap("franck/franck_04000.jpg") > 0.07);
        Assert.True(Gap("dlib/johns/John_Salley/000200_02159354.jpg") > 0.1);
        Assert.True(Gap("dlib/johns/John_Savage/000291_01099214.jpg") > 0.07);
        Assert.True(Gap("franck/franck_01829.jpg") < 0.03);
    }

    [Fact]
    public void EyesOpen_SaysItCannotJudge_RatherThanClosed_WhenTheEyesAreDarkOrBlurred()
    {
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Measures = ["EyesOpen"], DetectRotation = false });
        string[] openEyed = ["franck/franck_01829.jpg", "dlib/johns/John_Simm/000300_00470148.jpg", "dlib/johns/John_Shimkus/000373_03228153.jpg", "dlib/johns/John_Salley/000186_02159346.jpg"];
        int cannotJudge = 0;
        foreach (var file in openEyed)
        {
            var clean = ImageDecoder.Decode(TestData.File(file));
            Assert.True(assessor.Assess(clean).Quality["EyesOpen"].Raw >= 0.5, $"{file}: open eyes read closed");
            foreach (var degraded in new[] { CaptureLadder.Exposure(clean, 0.1), CaptureLadder.Exposure(clean, 0.2), CaptureLadder.Apply(clean, "blur", 3) })
            {
                var a = assessor.Assess(degraded);
                if (a.Faces.Count == 0) continue;
                var r = a.Quality["EyesOpen"];
                if (r.Status == MeasureStatus.FailureToAssess)
                {
                    Assert.Matches("too dark to judge|too blurred to judge", r.Reason);
                    cannotJudge++;
                }
                else
                {
                    Assert.True(r.Raw >= 0.5, $"{file}: degraded open eyes read closed ({r.Raw:F2})");
                }
            }
        }
        Assert.True(cannotJudge >= 4, $"only {cannotJudge} degraded copies were left unjudged");
        // Shut eyes are still called shut.
        var shut = assessor.Assess(TestData.File("franck/franck_04000.jpg")).Quality["EyesOpen"];
        Assert.Equal(MeasureStatus.Success, shut.Status);
        Assert.True(shut.Raw < 0.2);
    }
}

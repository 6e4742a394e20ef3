using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Quality.Tests;

public class AssessorTests
{
    [Fact]
    public void SelectedMeasures_LoadOnlyTheModelsTheyNeed()
    {
        using var a = FaceQualityAssessor.Create(new AssessorOptions { Measures = ["LuminanceMean", "HeadSize"], DetectRotation = false });
        var r = a.Assess(TestData.File("skimage/astronaut.png"));
        Assert.Equal(["HeadSize", "LuminanceMean"], r.Quality.Keys.Order());
        Assert.Equal(["fr_detect", "fr_landmark"], a.Analyzer.LoadedModels);
        // Looking for turned faces asks the recogniser, so it loads the embedder too.
        using var b = FaceQualityAssessor.Create(new AssessorOptions { Measures = ["LuminanceMean", "HeadSize"] });
        b.Assess(TestData.File("skimage/astronaut.png"));
        Assert.Equal(["fr_detect", "fr_landmark", "fr_feature"], b.Analyzer.LoadedModels);
    }

    [Fact]
    public void LibraryInThreeLines_GivesTypedResultWithVerdict()
    {
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Profile = "enrolment" });
        FaceAssessment a = assessor.Assess(TestData.File("franck/franck_04000.jpg"));
        Assert.Equal(FileStatus.Ok, a.Status);
        Assert.False(a.Verdict!.Pass);
        var eyes = Assert.Single(a.Verdict.Reasons, r => r.Code == "eyes.open.low");
        Assert.Equal("EyesOpen", eyes.Measure);
        Assert.Equal("probability", eyes.Unit);
        Assert.Equal(0.5, eyes.Threshold);
        Assert.True(eyes.Value < 0.5);
        Assert.StartsWith("eyes closed: P(eyes open) ", eyes.Text, StringComparison.Ordinal);
        Assert.InRange(a.Unified!.Scalar, 0, 100);
    }

    [Fact]
    public void CustomProfileFile_IsApplied_AndBadProfilesFailClearly()
    {
        var dir = TestData.TempDirectory();
        var path = Path.Combine(dir, "kiosk.json");
        File.WriteAllText(path, """
            {"name": "kiosk", "requirements": [
              {"code": "sharp", "measure": "sharpness", "min": 1000, "unit": "×100", "low": "blurred face"},
              {"code": "roll", "measure": "HeadPoseRoll", "max_abs": 90, "unit": "°"}]}
            """);
        using (var a = FaceQualityAssessor.Create(new AssessorOptions { Profile = path, Measures = [] }))
        {
            var r = a.Assess(ImageDecoder.Decode(TestData.File("dlib/johns/John_Simm/000310_00470511.jpg")), "john");
            Assert.Equal(["HeadPoseRoll", "Sharpness"], r.Quality.Keys.Order()); // the profile's measures are added
            Assert.False(r.Verdict!.Pass);
            var reason = Assert.Single(r.Verdict.Reasons);
            Assert.Equal("sharp.low", reason.Code);
            Assert.Equal("below", reason.Direction);
            Assert.StartsWith("blurred face: Sharpness ", reason.Text, StringComparison.Ordinal);
            Assert.EndsWith("< 1000", reason.Text, StringComparison.Ordinal);
        }
        // The older scalar-minimum form still loads.
        File.WriteAllText(path, """{"name": "legacy", "minimum": {"EyesOpen": 60}}""");
        var legacy = VerdictProfile.Load(path).Requirements.Single();
        Assert.Equal((60, "EyesOpen"), (legacy.MinScalar!.Value, legacy.Measure));
        File.WriteAllText(path, """{"name": "typo", "requirements": [{"code": "x", "measure": "EyesOpen", "maxabs": 3}]}""");
        Assert.Contains("maxabs", Assert.Throws<ArgumentException>(() => VerdictProfile.Load(path)).Message);
        File.WriteAllText(path, """{"name": "bad", "minimum": {"Beauty": 50}}""");
        Assert.Contains("Beauty", Assert.Throws<ArgumentException>(() => FaceQualityAssessor.Create(new AssessorOptions { Profile = path })).Message);
        Assert.Contains("neither a built-in profile", Assert.Throws<ArgumentException>(() => VerdictProfile.Load("strictest")).Message);
    }

    [Fact]
    public void BadFile_BecomesErrorResult()
    {
        using var a = FaceQualityAssessor.Create(new AssessorOptions { Measures = ["LuminanceMean"] });
        var r = a.Assess([1, 2, 3], "junk");
        Assert.Equal(FileStatus.Error, r.Status);
        Assert.Contains("not an image", r.Analysis.Error);
    }
}

using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Quality.Tests;

public class AssessorTests
{
    [Fact]
    public void SelectedMeasures_LoadOnlyTheModelsTheyNeed()
    {
        using var a = FaceQualityAssessor.Create(new AssessorOptions { Measures = ["LuminanceMean", "HeadSize"] });
        var r = a.Assess(TestData.File("skimage/astronaut.png"));
        Assert.Equal(["HeadSize", "LuminanceMean"], r.Quality.Keys.Order());
        Assert.Equal(["fr_detect", "fr_landmark"], a.Analyzer.LoadedModels);
    }

    [Fact]
    public void LibraryInThreeLines_GivesTypedResultWithVerdict()
    {
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Profile = "enrolment" });
        FaceAssessment a = assessor.Assess(TestData.File("franck/franck_04000.jpg"));
        Assert.Equal(FileStatus.Ok, a.Status);
        Assert.False(a.Verdict!.Pass);
        Assert.Contains(a.Verdict.Reasons, r => r.StartsWith("eyes closed: EyesOpen", StringComparison.Ordinal));
        Assert.InRange(a.Unified!.Scalar, 0, 100);
    }

    [Fact]
    public void CustomProfileFile_IsApplied_AndBadProfilesFailClearly()
    {
        var dir = TestData.TempDirectory();
        var path = Path.Combine(dir, "kiosk.json");
        File.WriteAllText(path, """{"name": "kiosk", "minimum": {"Sharpness": 99, "HeadPoseRoll": 0}}""");
        using (var a = FaceQualityAssessor.Create(new AssessorOptions { Profile = path, Measures = [] }))
        {
            var r = a.Assess(ImageDecoder.Decode(TestData.File("dlib/johns/John_Simm/000310_00470511.jpg")), "john");
            Assert.Equal(["HeadPoseRoll", "Sharpness"], r.Quality.Keys.Order()); // the profile's measures are added
            Assert.False(r.Verdict!.Pass);
            Assert.Single(r.Verdict.Reasons);
            Assert.StartsWith("blurred face: Sharpness", r.Verdict.Reasons[0]);
        }
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

using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Quality.Tests;

/// <summary>The liveness model reads "live" wherever it sees no print or screen cue; where it cannot see one at all
/// (greyscale input, a face too small to carry texture) Liveness says it was not assessed, with the reason.</summary>
public class LivenessAssessableTests
{
    private static FaceQualityAssessor Assessor() =>
        FaceQualityAssessor.Create(new AssessorOptions { Measures = ["Liveness"], DetectRotation = false });

    [Fact]
    public void Liveness_GreyscaleImage_IsNotAssessed_WithTheReason()
    {
        using var assessor = Assessor();
        var colour = assessor.Assess(TestData.File("fixtures/astronaut.jpg")).Quality["Liveness"];
        var grey = assessor.Assess(TestData.File("fixtures/astronaut_grey.jpg")).Quality["Liveness"];
        Assert.Equal(MeasureStatus.Success, colour.Status);
        Assert.True(colour.Raw > 0.9, $"colour original: P(live) {colour.Raw}");
        Assert.Equal(MeasureStatus.FailureToAssess, grey.Status);
        Assert.Equal(-1, grey.Scalar);
        Assert.StartsWith("greyscale image", grey.Reason);
    }

    [Fact]
    public void Liveness_FaceUnder48Pixels_IsNotAssessed_WithTheReason()
    {
        using var assessor = Assessor();
        var photo = ImageDecoder.Decode(TestData.File("franck/franck_01829.jpg")); // face box ≈ 245 px
        // A quarter keeps the face ≈ 60 px wide (judged); an eighth makes it ≈ 30 px (below the model's 128 / 2.7 px).
        var quarter = assessor.Assess(Resize.Bilinear(photo, photo.Width / 4, photo.Height / 4)).Quality["Liveness"];
        var eighth = assessor.Assess(Resize.Bilinear(photo, photo.Width / 8, photo.Height / 8)).Quality["Liveness"];
        Assert.Equal(MeasureStatus.Success, quarter.Status);
        Assert.Equal(MeasureStatus.FailureToAssess, eighth.Status);
        Assert.Matches(@"^face too small for the liveness model \(\d+ px < 48 px\)", eighth.Reason);
    }

    [Fact]
    public void Liveness_InstalledColourPortraits_AreAllAssessed()
    {
        // Real colour portraits with faces of 90 px and more: none may lose its liveness score to the new rule.
        using var assessor = Assessor();
        var files = Directory.GetFiles(TestData.File("franck"), "*.jpg")
            .Concat(Directory.GetFiles(TestData.File("dlib/johns"), "*.jpg", SearchOption.AllDirectories))
            .Append(TestData.File("skimage/astronaut.png")).Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 60, $"{files.Count} portraits");
        foreach (var file in files)
        {
            var r = assessor.Assess(file).Quality["Liveness"];
            Assert.True(r.Status == MeasureStatus.Success, $"{file}: {r.Reason}");
        }
    }
}

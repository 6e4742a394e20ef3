using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Quality.Tests;

/// <summary>One roll and one pitch per face: the record's pose.roll and pose.pitch are the numbers HeadPoseRoll and
/// HeadPosePitch report and the verdict judges (the eye line plus any turn of the image; the calibrated network
/// pitch), so a record cannot say +26° where its verdict read −16°.</summary>
public class PoseAgreementTests
{
    [Fact]
    public void RecordRoll_EqualsHeadPoseRoll_OnUprightFaces()
    {
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Measures = ["HeadPoseRoll", "HeadPosePitch"], DetectRotation = false, Face = new() { Parts = Face.FaceParts.All } });
        var files = Directory.EnumerateFiles(TestData.File("franck"), "*.jpg").Order(StringComparer.Ordinal).Take(3)
            .Concat(Directory.EnumerateFiles(TestData.File("dlib/faces"), "*.jpg").Order(StringComparer.Ordinal).Take(3));
        var rolls = new List<double>();
        foreach (var f in files)
        {
            foreach (var face in assessor.Assess(f).Faces)
            {
                double judged = face.Quality["HeadPoseRoll"].Raw!.Value, recorded = face.Face.Pose!.Value.Roll;
                Assert.True(Math.Abs(judged - recorded) < 1e-3, $"{f}: HeadPoseRoll {judged:F2}, pose.roll {recorded:F2}");
                double pitch = face.Quality["HeadPosePitch"].Raw!.Value;
                Assert.True(Math.Abs(pitch - face.Face.Pose.Value.Pitch) < 1e-3, $"{f}: HeadPosePitch {pitch:F2}, pose.pitch {face.Face.Pose.Value.Pitch:F2}");
                rolls.Add(recorded);
            }
        }
        Assert.True(rolls.Count >= 4 && rolls.Max() - rolls.Min() > 5, $"the faces should differ in roll: {string.Join(", ", rolls)}");
    }

    [Theory]
    [InlineData(90)]
    [InlineData(180)]
    [InlineData(270)]
    public void RecordRoll_EqualsHeadPoseRoll_OnTurnedImages(int rotation)
    {
        var upright = ImageDecoder.Decode(TestData.File("franck/franck_03909.jpg")); // head level: eye-line roll ≈ 0°
        var turned = Orientation.Apply(upright, FaceAnalyzer.UprightTurn((360 - rotation) % 360));
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Measures = ["HeadPoseRoll"], Face = new() { Parts = FaceParts.All } });
        var a = assessor.Assess(turned, "turned");
        Assert.Equal(rotation, a.Rotation);
        var face = Assert.Single(a.Faces);
        double judged = face.Quality["HeadPoseRoll"].Raw!.Value, recorded = face.Face.Pose!.Value.Roll;
        Assert.True(Math.Abs(judged - recorded) < 1e-3, $"HeadPoseRoll {judged:F2}, pose.roll {recorded:F2}");
        Assert.InRange(Math.Abs(Math.IEEERemainder(recorded - rotation, 360)), 0, 10);
    }
}

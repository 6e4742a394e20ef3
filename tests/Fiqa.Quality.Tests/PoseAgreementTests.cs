using Fiqa.Tests;

namespace Fiqa.Quality.Tests;

/// <summary>One roll per face: the record's pose.roll and the HeadPoseRoll the verdict judges are the same number
/// (the eye line), so a record cannot say +26° where its verdict read −16°.</summary>
public class PoseAgreementTests
{
    [Fact]
    public void RecordRoll_EqualsHeadPoseRoll_OnUprightFaces()
    {
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Measures = ["HeadPoseRoll"], DetectRotation = false, Face = new() { Parts = Face.FaceParts.All } });
        var files = Directory.EnumerateFiles(TestData.File("franck"), "*.jpg").Order(StringComparer.Ordinal).Take(3)
            .Concat(Directory.EnumerateFiles(TestData.File("dlib/faces"), "*.jpg").Order(StringComparer.Ordinal).Take(3));
        var rolls = new List<double>();
        foreach (var f in files)
        {
            foreach (var face in assessor.Assess(f).Faces)
            {
                double judged = face.Quality["HeadPoseRoll"].Raw!.Value, recorded = face.Face.Pose!.Value.Roll;
                Assert.True(Math.Abs(judged - recorded) < 1e-3, $"{f}: HeadPoseRoll {judged:F2}, pose.roll {recorded:F2}");
                rolls.Add(recorded);
            }
        }
        Assert.True(rolls.Count >= 4 && rolls.Max() - rolls.Min() > 5, $"the faces should differ in roll: {string.Join(", ", rolls)}");
    }
}

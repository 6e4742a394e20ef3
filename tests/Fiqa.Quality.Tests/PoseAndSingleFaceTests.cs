using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Quality.Measures;
using Fiqa.Tests;

namespace Fiqa.Quality.Tests;

/// <summary>What the pose and single-face reasons promise on real installed photos and synthetic edits of them (issue 33):
/// a head tilted in the image plane reads the eye line's roll, a turned head a yaw of the same size either way round, a
/// small background face does not fail a portrait and a second person beside the subject does.</summary>
public class PoseAndSingleFaceTests
{
    // Head level and frontal (eye-line roll ≈ 0°); 720×576.
    private static readonly string LevelPortrait = TestData.File("franck/franck_03909.jpg");

    private static RgbImage Rotated(RgbImage image, double clockwiseDegrees)
    {
        // Clockwise on screen in y-down pixels: (1, 0) → (cos, sin), about the image centre.
        double t = clockwiseDegrees * Math.PI / 180, c = Math.Cos(t), s = Math.Sin(t), cx = image.Width / 2.0, cy = image.Height / 2.0;
        return Warp.Affine(image, new AffineTransform(c, -s, cx - c * cx + s * cy, s, c, cy - s * cx - c * cy), image.Width, image.Height);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(-12)]
    [InlineData(5)]
    public void TiltedPortrait_ReadsTheEyeLinesRoll_AndFailsEnrolmentBeyondEightDegrees(double tilt)
    {
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Profile = "enrolment", Measures = ["HeadPoseRoll"], DetectRotation = false });
        var level = ImageDecoder.Decode(LevelPortrait);
        double before = Assert.Single(assessor.Assess(level).Faces).Quality["HeadPoseRoll"].Raw!.Value;
        var a = assessor.Assess(Rotated(level, tilt), "tilted");
        var face = Assert.Single(a.Faces);
        double roll = face.Quality["HeadPoseRoll"].Raw!.Value;
        // The landmarks follow the turned pixels: the eye line turns by the tilt within 2.5° (the landmark model's jitter
        // on a resampled face: 1.9° at +12° here).
        Assert.True(Math.Abs(roll - before - tilt) <= 2.5, $"upright {before:F2}°, tilted by {tilt}°: {roll:F2}°");
        Assert.Equal(roll, face.Face.Pose!.Value.Roll, 3);
        Assert.Equal(Math.Abs(roll) > 8, a.Verdict!.Codes.Contains("pose.roll.high"));
    }

    [Fact]
    public void TurnedHead_ReadsTheSameYawMirrored_AndTheRecordCarriesTheJudgedYaw()
    {
        // Turned by 12° (docs/measures.md, Gallery; the network alone reads 15°): the mirror image is turned the other way
        // by as much.
        var turned = ImageDecoder.Decode(TestData.File("dlib/johns/John_Salley/000200_02159354.jpg"));
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Profile = "enrolment", Measures = ["HeadPoseYaw"], DetectRotation = false });
        var a = Assert.Single(assessor.Assess(turned, "turned").Faces);
        var m = Assert.Single(assessor.Assess(Orientation.FlipHorizontal(turned), "mirrored").Faces);
        double yaw = a.Quality["HeadPoseYaw"].Raw!.Value, mirrored = m.Quality["HeadPoseYaw"].Raw!.Value;
        Assert.InRange(Math.Abs(yaw), 10, 25);
        // Network and landmarks are each near mirror-antisymmetric; on this photo each reads the mirrored face 3° further
        // turned (network 14.9° / −18.0°, landmarks 9.2° / −12.5°), so the sum is allowed 4°.
        Assert.True(Math.Abs(yaw + mirrored) <= 4, $"yaw {yaw:F2}°, mirrored {mirrored:F2}°");
        Assert.Equal(yaw, a.Face.Pose!.Value.Yaw, 3);
        Assert.Equal(mirrored, m.Face.Pose!.Value.Yaw, 3);
        Assert.Contains("pose.yaw.high", a.Verdict!.Codes);
        Assert.Contains("pose.yaw.high", m.Verdict!.Codes);
    }

    [Fact]
    public void LandmarkYaw_AgreesWithThePoseNetwork_OnInstalledPortraits()
    {
        // The two estimates the fused yaw averages: each of the fixed portraits within 8° of each other (the spread of
        // either alone on frontal faces, docs/measures.md), so the mean is not dragged by one failing cue.
        using var analyzer = new FaceAnalyzer(new FaceAnalyzerOptions { Parts = FaceParts.Landmarks });
        foreach (var file in new[] { "franck/franck_03909.jpg", "franck/franck_04000.jpg", "dlib/johns/John_Salley/000200_02159354.jpg", "skimage/astronaut.png" })
        {
            var image = ImageDecoder.Decode(TestData.File(file));
            var detection = analyzer.FindFaces(image)[0];
            var landmarks = analyzer.AnalyzeFace(image, detection).Landmarks!;
            double network = analyzer.HeadPose.Estimate(image, detection.Box).Yaw, fromLandmarks = HeadPoseFusion.LandmarkYaw(landmarks);
            Assert.True(Math.Abs(network - fromLandmarks) < 8, $"{file}: network yaw {network:F1}°, landmark yaw {fromLandmarks:F1}°");
        }
    }

    private static RgbImage SideBySide(RgbImage subject, RgbImage other, double otherScale)
    {
        // The subject on the left, a scaled copy of another photo on the right, bottom-aligned on a grey canvas.
        int w = (int)(other.Width * otherScale), h = (int)(other.Height * otherScale);
        var small = Resize.Bilinear(other, w, h);
        var canvas = new RgbImage(subject.Width + w, Math.Max(subject.Height, h));
        canvas.Pixels.AsSpan().Fill(128);
        for (int y = 0; y < subject.Height; y++) subject.Row(y).CopyTo(canvas.Row(canvas.Height - subject.Height + y));
        for (int y = 0; y < h; y++) small.Row(y).CopyTo(canvas.Row(canvas.Height - h + y)[(subject.Width * 3)..]);
        return canvas;
    }

    [Fact]
    public void SmallBackgroundFace_DoesNotFailAPortrait_ButASecondPersonBesideItDoes()
    {
        var subject = ImageDecoder.Decode(LevelPortrait);
        var other = ImageDecoder.Decode(TestData.File("skimage/astronaut.png"));
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions
        {
            Profile = "enrolment", Measures = ["SingleFacePresent"], DetectRotation = false, Face = new() { AllFaces = true, Parts = FaceParts.None },
        });

        // A face about a sixth of the subject's width beside them (box area ≈ 0.015 of theirs): detected, and not what
        // face.single means.
        var small = assessor.Assess(SideBySide(subject, other, 0.35), "background face");
        Assert.Equal(2, small.Faces.Count);
        double smallRatio = small.Faces[0].Quality["SingleFacePresent"].Raw!.Value;
        Assert.InRange(smallRatio, 0, 0.1);
        Assert.DoesNotContain("face.single.high", small.Verdict!.Codes);

        // The same face grown to about the subject's size (its box 0.12 of the subject's at scale 1): a second person.
        var pair = assessor.Assess(SideBySide(subject, other, 2.0), "two people");
        double ratio = pair.Faces[0].Quality["SingleFacePresent"].Raw!.Value;
        Assert.InRange(ratio, 0.3, 1.0);
        Assert.Contains("face.single.high", pair.Verdict!.Codes);
    }

    [Fact]
    public void SecondFaceRatio_CountsOnlyConfidentBoxesOutsideThePrimaryFace()
    {
        var primary = new FaceDetection(new FaceBox(100, 100, 100, 100), 1f);
        // A weak box (0.7 < 0.8): a pattern or a hand more often than a face on the labelled photos.
        Assert.Equal(0, SingleFacePresent.SecondFaceRatio([primary, new FaceDetection(new FaceBox(300, 100, 60, 60), 0.7f)]));
        // A confident box inside the primary one (its glasses, a second box on the same face): not another person.
        Assert.Equal(0, SingleFacePresent.SecondFaceRatio([primary, new FaceDetection(new FaceBox(120, 120, 50, 40), 0.99f)]));
        // A confident box beside it counts with its area ratio, and a weak larger box before it does not hide it.
        double r = SingleFacePresent.SecondFaceRatio([primary, new FaceDetection(new FaceBox(0, 0, 90, 90), 0.7f), new FaceDetection(new FaceBox(300, 100, 60, 60), 0.95f)]);
        Assert.Equal(0.36, r, 6);
    }
}

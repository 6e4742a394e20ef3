using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Face.Tests;

public class PoseEyesLivenessTests(FaceModelsFixture models) : IClassFixture<FaceModelsFixture>
{
    private FaceAnalysis Primary(RgbImage image) => Assert.Single(models.Primary.Analyze(image));

    [Theory]
    [InlineData("franck/franck_04000.jpg")]
    [InlineData("dlib/faces/2008_002506.jpg")]
    public void Pose_MirroredImage_FlipsYawAndRollSigns(string file)
    {
        var image = ImageDecoder.Decode(TestData.File(file));
        var a = Primary(image).Pose!.Value;
        var b = Primary(Orientation.FlipHorizontal(image)).Pose!.Value;
        Assert.True(Math.Abs(a.Yaw) > 5 && Math.Abs(a.Roll) > 5, $"test needs a turned, tilted face: {a}");
        Assert.True(Math.Sign(a.Yaw) == -Math.Sign(b.Yaw), $"yaw {a.Yaw:F1} vs mirrored {b.Yaw:F1}");
        Assert.True(Math.Sign(a.Roll) == -Math.Sign(b.Roll), $"roll {a.Roll:F1} vs mirrored {b.Roll:F1}");
        Assert.InRange(a.Pitch - b.Pitch, -6, 6);
    }

    [Fact]
    public void Pose_Sign_FollowsLandmarkGeometry()
    {
        // franck_04000: head tilted so the image-left eye is higher (roll < 0) and the nose points to the image's left (yaw > 0).
        var face = Primary(ImageDecoder.Decode(TestData.File("franck/franck_04000.jpg")));
        var lm = face.Landmarks!;
        float eyeSlope = lm.ImageRightEyeCenter.Y - lm.ImageLeftEyeCenter.Y;
        Assert.Equal(Math.Sign(eyeSlope), Math.Sign(face.Pose!.Value.Roll));
        float noseOffset = lm.Points[30].X - (lm.ImageLeftEyeCenter.X + lm.ImageRightEyeCenter.X) / 2;
        Assert.Equal(-Math.Sign(noseOffset), Math.Sign(face.Pose.Value.Yaw));
        Assert.True(face.Pose.Value.Pitch < -10, "looking down");
    }

    [Fact]
    public void Pose_FrontalPortraits_PitchNearZero()
    {
        // Portraits a person sees as facing the camera, head level (checked on a contact sheet). Before the calibration
        // the network read the studio portraits about −12°; its spread on frontal faces is about 9° (sd, LFW), so each
        // face is held to ±6° and the set's mean to ±2°.
        string[] files =
        [
            "skimage/astronaut.png", "franck/franck_04035.jpg",
            "dlib/johns/John_Savage/000274_01099061.jpg", "dlib/johns/John_Savage/000290_01099067.jpg",
            "dlib/johns/John_Schneider/000302_00925785.jpg", "dlib/johns/John_Schneider/000329_00925963.jpg",
            "dlib/johns/John_Simm/000310_00470421.jpg", "dlib/johns/John_Shimkus/000394_02340150.jpg",
        ];
        var pitches = files.Select(f => (double)Primary(ImageDecoder.Decode(TestData.File(f))).Pose!.Value.Pitch).ToList();
        for (int i = 0; i < files.Length; i++) Assert.True(Math.Abs(pitches[i]) <= 6, $"{files[i]}: pitch {pitches[i]:F1}°");
        Assert.InRange(pitches.Average(), -2, 2);
    }

    [Fact]
    public void Eyes_ClosedEyesFrame_ScoresBelowOpenEyesFrame()
    {
        var open = Primary(ImageDecoder.Decode(TestData.File("franck/franck_01829.jpg"))).Eyes!.Value;
        var closed = Primary(ImageDecoder.Decode(TestData.File("franck/franck_04000.jpg"))).Eyes!.Value;
        Assert.True(open.Left > 0.9 && open.Right > 0.9, $"open eyes {open}");
        // franck_04000 laughs with the eyes squeezed shut, head down 23°: one eye reads clearly shut, the other unsure
        // (P 0.42 over the crop grid, whose single crops read it anywhere from below 0.001 to 0.998).
        Assert.True(Math.Min(closed.Left, closed.Right) < 0.05 && Math.Max(closed.Left, closed.Right) < 0.5, $"closed eyes {closed}");
    }

    [Fact]
    public void Eyes_DarkBarOverEyes_LowersOpenProbability()
    {
        var image = ImageDecoder.Decode(TestData.File("skimage/astronaut.png"));
        var face = Primary(image);
        var lm = face.Landmarks!;
        var covered = image.Clone();
        int y0 = (int)(Math.Min(lm.Points[37].Y, lm.Points[44].Y) - 8), y1 = (int)(Math.Max(lm.Points[41].Y, lm.Points[46].Y) + 8);
        for (int y = y0; y <= y1; y++) covered.Row(y).Slice((int)lm.Points[17].X * 3, (int)(lm.Points[26].X - lm.Points[17].X) * 3).Clear();
        var before = face.Eyes!.Value;
        var after = models.Primary.AnalyzeFace(covered, face.Detection).Eyes!.Value;
        Assert.True(after.Left < before.Left - 0.5 && after.Right < before.Right - 0.5, $"{before} → {after}");
    }

    [Fact]
    public void Liveness_GenuinePhotos_MostlyLive()
    {
        var scores = new List<float>();
        foreach (var file in Directory.GetFiles(TestData.File("franck"), "*.jpg").Append(TestData.File("skimage/astronaut.png")))
            scores.Add(Primary(ImageDecoder.Decode(file)).Liveness!.Value);
        scores.Sort();
        Assert.True(scores[scores.Count / 2] > 0.9, $"median live score {scores[scores.Count / 2]:F3}");
    }
}

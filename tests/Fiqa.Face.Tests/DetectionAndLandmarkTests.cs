using System.Numerics;
using System.Xml.Linq;
using Fiqa.Imaging;
using Fiqa.Tests;
using Xunit.Abstractions;

namespace Fiqa.Face.Tests;

/// <summary>Detection recall and landmark accuracy on dlib's PASCAL VOC examples: 43 labelled faces with 68 points
/// (examples/faces/*_with_face_landmarks.xml).</summary>
public class DetectionAndLandmarkTests(FaceModelsFixture models, ITestOutputHelper output) : IClassFixture<FaceModelsFixture>
{
    private sealed record Truth(string File, FaceBox Box, Vector2[] Points);

    private static List<Truth> GroundTruth()
    {
        var dir = TestData.File("dlib/faces");
        var truths = new List<Truth>();
        foreach (var xml in new[] { "training_with_face_landmarks.xml", "testing_with_face_landmarks.xml" })
            foreach (var image in XDocument.Load(Path.Combine(dir, xml)).Descendants("image"))
                foreach (var box in image.Elements("box"))
                    truths.Add(new Truth(
                        Path.Combine(dir, (string)image.Attribute("file")!),
                        new FaceBox((float)box.Attribute("left")!, (float)box.Attribute("top")!, (float)box.Attribute("width")!, (float)box.Attribute("height")!),
                        box.Elements("part").OrderBy(p => (int)p.Attribute("name")!).Select(p => new Vector2((float)p.Attribute("x")!, (float)p.Attribute("y")!)).ToArray()));
        return truths;
    }

    [Fact]
    public void Detector_DlibVocFaces_RecallAtLeast90PercentAtIou04_AndRefinedLandmarksWithin6PercentOfIod()
    {
        var truths = GroundTruth();
        Assert.Equal(43, truths.Count);
        using var firstPassOnly = new FaceAnalyzer(new FaceAnalyzerOptions { AllFaces = true, RefineLandmarks = false }, models.AllFaces.Registry);
        var (recall, refined) = LandmarkErrors(models.AllFaces, truths);
        var (_, firstPass) = LandmarkErrors(firstPassOnly, truths);
        output.WriteLine($"recall {recall:F3}; landmark NME (mean point error / IOD) refined {refined.Average():F4} (max {refined.Max():F4}), first pass alone {firstPass.Average():F4}");
        Assert.True(recall >= 0.90, $"recall {recall:F3}");
        // Measured 0.056 refined against 0.077 for the first pass alone (docs/measures.md, "Refined landmarks").
        Assert.True(refined.Average() <= 0.06, $"mean NME {refined.Average():F4}");
        Assert.True(refined.Average() < firstPass.Average() - 0.01, $"refined {refined.Average():F4}, first pass {firstPass.Average():F4}");
    }

    private static (double Recall, List<double> Errors) LandmarkErrors(FaceAnalyzer analyzer, List<Truth> truths)
    {
        int found = 0;
        var errors = new List<double>();
        foreach (var group in truths.GroupBy(t => t.File))
        {
            var image = ImageDecoder.Decode(group.Key);
            var faces = analyzer.Analyze(image);
            foreach (var truth in group)
            {
                var best = faces.MaxBy(f => f.Detection.Box.IntersectionOverUnion(truth.Box));
                if (best is null || best.Detection.Box.IntersectionOverUnion(truth.Box) < 0.4f) continue;
                found++;
                var lm = best.Landmarks!;
                double mean = Enumerable.Range(0, 68).Average(i => Vector2.Distance(lm.Points[i], truth.Points[i]));
                double iod = Vector2.Distance(new FaceLandmarks(truth.Points).ImageLeftEyeCenter, new FaceLandmarks(truth.Points).ImageRightEyeCenter);
                errors.Add(mean / iod);
            }
        }
        return ((double)found / truths.Count, errors);
    }

    [Fact]
    public void Detector_TwoFacePhoto_FindsBothAndOrdersLargestFirst()
    {
        var image = ImageDecoder.Decode(TestData.File("dlib/faces/2008_002506.jpg"));
        var faces = models.AllFaces.FindFaces(image);
        Assert.True(faces.Count >= 3);
        for (int i = 1; i < faces.Count; i++) Assert.True(faces[i - 1].Box.Area >= faces[i].Box.Area);
        Assert.Single(models.Primary.FindFaces(image));
        Assert.Equal(faces[0].Box, models.Primary.FindFaces(image)[0].Box);
    }

    [Fact]
    public void Detector_NoFace_ReturnsEmpty()
    {
        // A smooth synthetic gradient has no face.
        var image = new RgbImage(320, 240);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)(i / 3 % 320 * 255 / 320);
        Assert.Empty(models.AllFaces.Analyze(image));
    }

    [Fact]
    public void MouthCues_SmileReadsWiderAndLifted_AndTurningThePointsInThePlaneChangesNothing()
    {
        var smiling = models.Primary.Analyze(ImageDecoder.Decode(TestData.File("skimage/astronaut.png")))[0].Landmarks!;
        var neutral = models.Primary.Analyze(ImageDecoder.Decode(TestData.File("franck/franck_01829.jpg")))[0].Landmarks!;
        output.WriteLine(FormattableString.Invariant($"width/IED smiling {smiling.MouthWidthOverEyes:F3}, neutral {neutral.MouthWidthOverEyes:F3}; lift {smiling.MouthCornerLift:F3}, {neutral.MouthCornerLift:F3}"));
        Assert.True(smiling.MouthWidthOverEyes > neutral.MouthWidthOverEyes + 0.1);
        Assert.True(smiling.MouthCornerLift > neutral.MouthCornerLift);
        Assert.InRange(neutral.MouthWidthOverEyes, 0.7, 1.0);
        // The cues are measured against the eye line: the same points turned by 25° and moved read the same.
        var turn = Matrix3x2.CreateRotation(25 * MathF.PI / 180, smiling.Points[30]) * Matrix3x2.CreateTranslation(40, -15);
        var turned = new FaceLandmarks(smiling.Points.Select(q => Vector2.Transform(q, turn)).ToArray());
        Assert.Equal(smiling.MouthWidthOverEyes, turned.MouthWidthOverEyes, 4);
        Assert.Equal(smiling.MouthCornerLift, turned.MouthCornerLift, 4);
    }

    [Fact]
    public void Landmarks_ExifRotatedPhoto_ComeOutUpright()
    {
        var upright = ImageDecoder.Decode(TestData.File("franck/franck_01829.jpg"));
        var stored = Orientation.Apply(upright, ExifOrientation.LeftBottom);
        var decoded = ImageDecoder.Decode(EncodedImages.WithExifOrientation(ImageEncoder.Jpeg(stored, 95), 6));
        var a = models.Primary.Analyze(upright)[0];
        var b = models.Primary.Analyze(decoded)[0];
        var lm = b.Landmarks!;
        Assert.True(lm.ImageLeftEyeCenter.Y < lm.Points[57].Y && lm.ImageRightEyeCenter.Y < lm.Points[57].Y, "eyes above the mouth");
        Assert.True(lm.ImageLeftEyeCenter.X < lm.ImageRightEyeCenter.X);
        double shift = Enumerable.Range(0, 68).Average(i => Vector2.Distance(a.Landmarks!.Points[i], lm.Points[i]));
        Assert.True(shift < 0.05 * a.Landmarks!.InterEyeDistance, $"mean landmark shift {shift:F2} px");
        Assert.InRange(b.Pose!.Value.Roll - a.Pose!.Value.Roll, -5, 5);
    }

    [Fact]
    public void NonMaximumSuppression_KeepsBestOfOverlappingBoxes_AndIsOrderIndependent()
    {
        var a = new FaceDetection(new FaceBox(0, 0, 100, 100), 0.9f);
        var b = new FaceDetection(new FaceBox(10, 10, 100, 100), 0.95f); // IoU with a ≈ 0.68
        var c = new FaceDetection(new FaceBox(300, 0, 50, 50), 0.7f);
        var kept1 = Onnx.OnnxFaceDetector.NonMaximumSuppression([a, b, c], 0.4f, 10);
        var kept2 = Onnx.OnnxFaceDetector.NonMaximumSuppression([c, a, b], 0.4f, 10);
        Assert.Equal([b, c], kept1);
        Assert.Equal(kept1, kept2);
        Assert.Single(Onnx.OnnxFaceDetector.NonMaximumSuppression([a, b, c], 0.4f, 1));
    }
}

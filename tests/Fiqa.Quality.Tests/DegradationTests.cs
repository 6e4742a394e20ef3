using Fiqa.Imaging;
using Fiqa.Tests;
using Xunit.Abstractions;

namespace Fiqa.Quality.Tests;

public sealed class AssessorFixture : IDisposable
{
    public FaceQualityAssessor Assessor { get; } = FaceQualityAssessor.Create();
    public void Dispose() => Assessor.Dispose();
}

/// <summary>Controlled degradations of real photos move the right component the right way and leave unrelated ones
/// in a stated band.</summary>
public class DegradationTests(AssessorFixture fixture, ITestOutputHelper output) : IClassFixture<AssessorFixture>
{
    private FaceQualityAssessor A => fixture.Assessor;

    private static RgbImage Photo(string file) => ImageDecoder.Decode(TestData.File(file));

    private IReadOnlyDictionary<string, MeasureResult> Q(RgbImage image)
    {
        var r = A.Assess(image, "test");
        Assert.True(r.Faces.Count > 0, $"no face: {r.Analysis.Error}");
        return r.Quality;
    }

    private static RgbImage MapPixels(RgbImage src, Func<byte, byte> f)
    {
        var dst = src.Clone();
        for (int i = 0; i < dst.Pixels.Length; i++) dst.Pixels[i] = f(dst.Pixels[i]);
        return dst;
    }

    [Fact]
    public void Darken_And_Brighten_MoveLuminanceAndExposure()
    {
        var photo = Photo("skimage/astronaut.png");
        var clean = Q(photo);
        var dark = Q(MapPixels(photo, v => (byte)(v * 0.25)));
        var bright = Q(MapPixels(photo, v => (byte)Math.Min(255, v * 2.2)));
        output.WriteLine($"LuminanceMean raw {dark["LuminanceMean"].Raw:F3} < {clean["LuminanceMean"].Raw:F3} < {bright["LuminanceMean"].Raw:F3}");
        Assert.True(dark["LuminanceMean"].Raw < clean["LuminanceMean"].Raw - 0.2);
        Assert.True(bright["LuminanceMean"].Raw > clean["LuminanceMean"].Raw + 0.2);
        Assert.True(dark["UnderExposurePrevention"].Scalar <= clean["UnderExposurePrevention"].Scalar - 30);
        Assert.True(bright["OverExposurePrevention"].Scalar <= clean["OverExposurePrevention"].Scalar - 30);
        Assert.True(dark["LuminanceMean"].Scalar < clean["LuminanceMean"].Scalar - 30);
        // Unrelated: the framing stays within ±2 (MarginAbove is left out: its steep mapping turns the landmark
        // model's jitter on a dark face into ±15).
        foreach (var id in new[] { "InterEyeDistance", "HeadSize", "LeftwardCropOfTheFaceImage", "RightwardCropOfTheFaceImage", "MarginBelowOfTheFaceImage" })
            Assert.InRange(dark[id].Scalar - clean[id].Scalar, -2, 2);
    }

    [Fact]
    public void GaussianBlur_RisingSigma_SharpnessFallsMonotonically()
    {
        var photo = Photo("franck/franck_01829.jpg");
        var scores = new[] { 0.0, 1.5, 3.0, 5.0 }.Select(s => Q(Filters.GaussianBlur(photo, s))["Sharpness"]).ToList();
        output.WriteLine(string.Join(", ", scores.Select(s => $"{s.Raw:F2}/{s.Scalar}")));
        for (int i = 1; i < scores.Count; i++) Assert.True(scores[i].Raw < scores[i - 1].Raw, $"step {i}");
        Assert.True(scores[0].Scalar - scores[^1].Scalar >= 50);
    }

    [Fact]
    public void JpegQuality_90To10_CompressionArtifactsFalls()
    {
        var photo = Photo("skimage/astronaut.png");
        var scores = new[] { 90, 50, 25, 10 }.Select(q => Q(ImageDecoder.Decode(ImageEncoder.Jpeg(photo, q)))["CompressionArtifacts"]).ToList();
        output.WriteLine(string.Join(", ", scores.Select(s => $"{s.Raw:F3}/{s.Scalar}")));
        // The raw value is a JPEG-equivalent quality: it falls with the encoder's quality.
        for (int i = 1; i < scores.Count; i++) Assert.True(scores[i].Raw < scores[i - 1].Raw, $"step {i}");
        Assert.True(scores[0].Scalar >= 80 && scores[^1].Scalar <= 20);
    }

    [Fact]
    public void DarkBarOverEyes_EyesVisibleFalls()
    {
        var photo = Photo("skimage/astronaut.png");
        var r = A.Assess(photo, "astronaut");
        var lm = r.Faces[0].Face.Landmarks!;
        var covered = photo.Clone();
        int pad = (int)(0.15 * lm.InterEyeDistance);
        int y0 = (int)Math.Min(lm.Points[37].Y, lm.Points[44].Y) - pad, y1 = (int)Math.Max(lm.Points[41].Y, lm.Points[46].Y) + pad;
        int x0 = (int)lm.Points[17].X - pad, x1 = (int)lm.Points[26].X + pad;
        for (int y = y0; y <= y1; y++) covered.Row(y).Slice(x0 * 3, (x1 - x0) * 3).Clear();
        var after = Q(covered);
        output.WriteLine($"EyesVisible {r.Quality["EyesVisible"].Scalar} → {after["EyesVisible"].Scalar}");
        Assert.True(after["EyesVisible"].Scalar <= r.Quality["EyesVisible"].Scalar - 50);
    }

    [Fact]
    public void CroppingOffTheTop_MarginAboveFalls()
    {
        var photo = Photo("franck/franck_01829.jpg");
        var clean = Q(photo);
        int cut = 80;
        var cropped = Resize.Bilinear(photo, new PixelRect(0, cut, photo.Width, photo.Height - cut), photo.Width, photo.Height - cut);
        var after = Q(cropped);
        Assert.True(after["MarginAboveOfTheFaceImage"].Raw < clean["MarginAboveOfTheFaceImage"].Raw - 0.2);
        Assert.True(after["MarginAboveOfTheFaceImage"].Scalar <= clean["MarginAboveOfTheFaceImage"].Scalar);
    }

    [Fact]
    public void HorizontalFlip_FlipsYawAndRoll_OthersWithinBand()
    {
        var photo = Photo("franck/franck_04000.jpg");
        var a = A.Assess(photo, "a");
        var b = A.Assess(Orientation.FlipHorizontal(photo), "b");
        var pa = a.Faces[0].Face.Pose!.Value;
        var pb = b.Faces[0].Face.Pose!.Value;
        Assert.Equal(Math.Sign(pa.Yaw), -Math.Sign(pb.Yaw));
        Assert.Equal(Math.Sign(pa.Roll), -Math.Sign(pb.Roll));
        // Every measure of the catalogue, one added later included, stays within ±2 under mirroring, except these, with
        // reason: HeadSize and MarginAbove (±20: the landmark model is not mirror-equivariant and their mappings are
        // steep), the CNN-based UnifiedQualityScore, HeadPoseYaw (±6), HeadPosePitch (±6: the detector's box of the mirror
        // image is 30 px shorter, and the padded pose crop reads −18° against −23°), EyesVisible (±10: its lens band is
        // placed from landmarks that move by a few pixels under mirroring; franck_04000's shut eyes sit at 0.32 / 0.39)
        // and ExpressionNeutrality (±30, crop-sensitive even with mirror averaging); Leftward/Rightward crops swap roles
        // by definition (checked below).
        var bands = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["HeadSize"] = 20, ["MarginAboveOfTheFaceImage"] = 20, ["UnifiedQualityScore"] = 6, ["EyesVisible"] = 10,
            ["HeadPoseYaw"] = 6, ["HeadPosePitch"] = 6, ["ExpressionNeutrality"] = 30,
        };
        string[] swapped = ["LeftwardCropOfTheFaceImage", "RightwardCropOfTheFaceImage"];
        Assert.Equal(MeasureCatalogue.All.Count, a.Quality.Count);
        foreach (var id in MeasureCatalogue.All.Select(d => d.Name).Except(swapped))
        {
            int band = bands.GetValueOrDefault(id, 2);
            output.WriteLine($"{id,-30} {a.Quality[id].Scalar,3} mirrored {b.Quality[id].Scalar,3} (band ±{band})");
            Assert.True(Math.Abs(a.Quality[id].Scalar - b.Quality[id].Scalar) <= band, $"{id}: {a.Quality[id].Scalar} vs {b.Quality[id].Scalar} (band ±{band})");
        }
        Assert.InRange(a.Quality["LeftwardCropOfTheFaceImage"].Raw!.Value - b.Quality["RightwardCropOfTheFaceImage"].Raw!.Value, -0.1, 0.1);
    }

    [Fact]
    public void Greyscale_ColourMeasuresFailWithReason_OthersStillRun()
    {
        var photo = Photo("skimage/astronaut.png");
        var grey = ColorConversion.ToGray(photo);
        var rgb = new RgbImage(photo.Width, photo.Height);
        for (int i = 0; i < grey.Pixels.Length; i++) rgb.Pixels[3 * i] = rgb.Pixels[3 * i + 1] = rgb.Pixels[3 * i + 2] = grey.Pixels[i];
        var q = Q(rgb);
        // No colour, no skin-colour judgement: NaturalColour and the chroma-based occlusion measures say so.
        Assert.Equal(MeasureStatus.FailureToAssess, q["NaturalColour"].Status);
        Assert.Contains("greyscale", q["NaturalColour"].Reason);
        Assert.Equal(MeasureStatus.FailureToAssess, q["FaceOcclusionPrevention"].Status);
        Assert.Contains("greyscale", q["FaceOcclusionPrevention"].Reason);
        // One failing measure never stops the others.
        Assert.Equal(MeasureStatus.Success, q["Sharpness"].Status);
        Assert.Equal(MeasureStatus.Success, q["UnifiedQualityScore"].Status);
    }

    [Fact]
    public void TwoFacePhoto_SingleFacePresentBelow100()
    {
        var q = Q(Photo("dlib/faces/2008_002506.jpg"));
        Assert.True(q["SingleFacePresent"].Scalar < 100);
        Assert.Equal(100, Q(Photo("skimage/astronaut.png"))["SingleFacePresent"].Scalar);
    }

    [Fact]
    public void ClosedEyes_EyesOpenBelowOpenEyes()
    {
        var open = Q(Photo("franck/franck_01829.jpg"))["EyesOpen"];
        var closed = Q(Photo("franck/franck_04000.jpg"))["EyesOpen"];
        Assert.True(open.Scalar >= 90 && closed.Scalar <= 20, $"open {open.Scalar}, closed {closed.Scalar}");
    }
}

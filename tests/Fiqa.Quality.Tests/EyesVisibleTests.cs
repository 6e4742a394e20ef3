using System.Numerics;
using Fiqa.Imaging;
using Fiqa.Tests;
using Xunit.Abstractions;

namespace Fiqa.Quality.Tests;

public sealed class EnrolmentAssessorFixture : IDisposable
{
    public FaceQualityAssessor Assessor { get; } = FaceQualityAssessor.Create(new AssessorOptions { Profile = "enrolment" });
    public void Dispose() => Assessor.Dispose();
}

/// <summary>EyesVisible tells a lens from an eye (issue 33): clean installed portraits — light and dark skin, deep-set
/// eyes, closed eyes — are not called "eyes covered" by the enrolment profile, while dark or tinted lenses put over the
/// same real faces are.</summary>
public class EyesVisibleTests(EnrolmentAssessorFixture fixture, ITestOutputHelper output) : IClassFixture<EnrolmentAssessorFixture>
{
    private const string Covered = "eyes.visible.high";
    private FaceQualityAssessor A => fixture.Assessor;

    // Light skin (franck, astronaut) and dark skin (John Salley).
    public static TheoryData<string> Portraits => new() { "franck/franck_01829.jpg", "skimage/astronaut.png", "dlib/johns/John_Salley/000179_02159509.jpg" };

    [Fact]
    public void CleanInstalledPortraits_AreNotCalledCovered()
    {
        var files = Directory.GetFiles(TestData.File("franck"), "*.jpg").Append(TestData.File("skimage/astronaut.png"))
            .Concat(Directory.GetFiles(TestData.File("dlib/johns"), "*.jpg", SearchOption.AllDirectories)).Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 30, $"only {files.Count} portraits installed");
        foreach (var file in files)
        {
            var a = A.Assess(file);
            var ev = a.Quality["EyesVisible"];
            output.WriteLine($"{Path.GetFileName(file)}: {ev.Raw:F3}");
            Assert.Equal(MeasureStatus.Success, ev.Status);
            Assert.DoesNotContain(Covered, a.Verdict!.Codes);
        }
    }

    [Theory]
    [MemberData(nameof(Portraits))]
    public void DarkLenses_AreCaught(string file)
    {
        // Grey sunglasses let through about a tenth of the light (ISO 12312-1 filter category 3: 8–18 %).
        var (clean, covered) = WithLenses(file, (r, g, b) => (Scale(r, 0.12), Scale(g, 0.12), Scale(b, 0.12)));
        output.WriteLine($"{file}: {clean.Quality["EyesVisible"].Raw:F3} → {covered.Quality["EyesVisible"].Raw:F3}");
        Assert.DoesNotContain(Covered, clean.Verdict!.Codes);
        Assert.Contains(Covered, covered.Verdict!.Codes);
        Assert.True(covered.Quality["EyesVisible"].Raw >= 0.6, $"covered share {covered.Quality["EyesVisible"].Raw:F3}");
    }

    [Theory]
    [MemberData(nameof(Portraits))]
    public void TintedLenses_AreCaught(string file)
    {
        // A blue fashion tint letting through about 40 % of the light (ISO 12312-1 category 1–2): too light for the
        // darkness cue alone; the lens is caught because it is not the face's skin colour.
        var (_, covered) = WithLenses(file, (r, g, b) => (Scale(r, 0.45), Scale(g, 0.4), Scale(b, 0.85)));
        output.WriteLine($"{file}: {covered.Quality["EyesVisible"].Raw:F3}");
        Assert.Contains(Covered, covered.Verdict!.Codes);
    }

    [Fact]
    public void Greyscale_DarkLensesStillCaught()
    {
        // The darkness cue needs no colour; only the tint cue does.
        var (_, covered) = WithLenses("skimage/astronaut.png", (r, g, b) => (Scale(r, 0.12), Scale(g, 0.12), Scale(b, 0.12)), grey: true);
        Assert.Equal(MeasureStatus.Success, covered.Quality["EyesVisible"].Status);
        Assert.Contains(Covered, covered.Verdict!.Codes);
    }

    [Theory]
    [MemberData(nameof(Portraits))]
    public void SkinOverOneEye_IsRejected(string file)
    {
        // A hand over an eye is skin, not a lens: EyesVisible does not see it, but the eye-state model no longer finds
        // an open eye there, so the photo is still rejected ("eyes closed"). The cover is the subject's own cheek,
        // copied over the image-left eye from 0.5 IED below it.
        var photo = ImageDecoder.Decode(TestData.File(file));
        var clean = A.Assess(photo, file);
        var lm = clean.Faces[0].Face.Landmarks!;
        float ied = lm.InterEyeDistance;
        var c = lm.ImageLeftEyeCenter;
        int half = (int)(0.3f * ied), shift = (int)(0.5f * ied);
        var covered = photo.Clone();
        for (int y = (int)c.Y - half; y <= (int)c.Y + half; y++)
            photo.Row(y + shift).Slice(((int)c.X - half) * 3, (2 * half + 1) * 3).CopyTo(covered.Row(y).Slice(((int)c.X - half) * 3));
        var a = A.Assess(covered, file);
        output.WriteLine($"{file}: EyesVisible {a.Quality["EyesVisible"].Raw:F3}, EyesOpen {clean.Quality["EyesOpen"].Raw:F3} → {a.Quality["EyesOpen"].Raw:F3}");
        Assert.DoesNotContain("eyes.open.low", clean.Verdict!.Codes);
        Assert.Contains("eyes.open.low", a.Verdict!.Codes);
    }

    private static byte Scale(byte v, double f) => (byte)Math.Round(v * f);

    /// <summary>The photo and a copy with a lens over each eye: an ellipse 0.76 × 0.5 inter-eye distances centred a
    /// little under the eye, as a common pair of sunglasses sits.</summary>
    private (FaceAssessment Clean, FaceAssessment Covered) WithLenses(string file, Func<byte, byte, byte, (byte, byte, byte)> filter, bool grey = false)
    {
        var photo = ImageDecoder.Decode(TestData.File(file));
        if (grey)
        {
            var g = ColorConversion.ToGray(photo);
            for (int i = 0; i < g.Pixels.Length; i++) photo.Pixels[3 * i] = photo.Pixels[3 * i + 1] = photo.Pixels[3 * i + 2] = g.Pixels[i];
        }
        var clean = A.Assess(photo, file);
        var lm = clean.Faces[0].Face.Landmarks!;
        float ied = lm.InterEyeDistance;
        var lenses = photo.Clone();
        foreach (var centre in new[] { lm.ImageLeftEyeCenter, lm.ImageRightEyeCenter })
        {
            var c = centre + new Vector2(0, 0.05f * ied);
            float rx = 0.38f * ied, ry = 0.25f * ied;
            for (int y = (int)(c.Y - ry); y <= (int)(c.Y + ry); y++)
                for (int x = (int)(c.X - rx); x <= (int)(c.X + rx); x++)
                {
                    float dx = (x - c.X) / rx, dy = (y - c.Y) / ry;
                    if (dx * dx + dy * dy > 1 || x < 0 || y < 0 || x >= photo.Width || y >= photo.Height) continue;
                    int i = 3 * (y * photo.Width + x);
                    var px = lenses.Pixels;
                    (px[i], px[i + 1], px[i + 2]) = filter(px[i], px[i + 1], px[i + 2]);
                }
        }
        return (clean, A.Assess(lenses, file));
    }
}

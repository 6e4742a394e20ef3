using Fiqa.Imaging;
using Fiqa.Quality.Unified;
using Fiqa.Tests;

namespace Fiqa.Quality.Tests;

/// <summary>The images every catalogue entry is run on, assessed twice (two assessors, different thread counts) with
/// every measure and every blind unified method: a clean portrait, its greyscale JPEG, a small face and a blank image.</summary>
public sealed class CatalogueRuns : IDisposable
{
    public static readonly string[] FaceImages = ["clean", "greyscale", "small face"];

    public CatalogueRuns()
    {
        var clean = ImageDecoder.Decode(TestData.File("fixtures/astronaut.jpg"));
        var images = new Dictionary<string, RgbImage>(StringComparer.Ordinal)
        {
            ["clean"] = clean,
            ["greyscale"] = ImageDecoder.Decode(TestData.File("fixtures/astronaut_grey.jpg")),
            // The face about 45 px wide: resolution-dependent measures must still answer, in range or with a reason.
            ["small face"] = Resize.Bilinear(clean, clean.Width / 2, clean.Height / 2),
            ["blank"] = Blank(clean.Width, clean.Height),
        };
        Methods = [.. UnifiedCatalogue.Methods.Entries.Where(e => e.Descriptor.Kind == UnifiedMethodKind.Blind && !e.ParameterRequired).Select(e => e.Name)];
        foreach (var threads in new[] { 1, 2 })
        {
            using var assessor = FaceQualityAssessor.Create(new AssessorOptions
            {
                UnifiedMethods = Methods, DetectRotation = false,
                Face = new() { Session = new Fiqa.Onnx.OnnxSessionOptions { IntraOpThreads = threads } },
            });
            Measures = assessor.Measures.Select(m => m.Name).ToList();
            Runs.Add(images.ToDictionary(kv => kv.Key, kv => assessor.Assess(kv.Value, kv.Key), StringComparer.Ordinal));
        }
    }

    private static RgbImage Blank(int width, int height)
    {
        var image = new RgbImage(width, height);
        Array.Fill(image.Pixels, (byte)128);
        return image;
    }

    public IReadOnlyList<string> Methods { get; }
    public IReadOnlyList<string> Measures { get; private set; } = [];
    public List<Dictionary<string, FaceAssessment>> Runs { get; } = [];

    public void Dispose() { }
}

/// <summary>Catalogue-driven: every measure and every blind unified method, including one added later, is held to what
/// a user relies on — an answer on every face (a value in range, or failure_to_assess with its reason), no answer
/// invented for an image without a face, and the same answer on every run and thread count.</summary>
public class CatalogueTheoryTests(CatalogueRuns runs) : IClassFixture<CatalogueRuns>
{
    public static TheoryData<string> MeasureIds() => [.. MeasureCatalogue.All.Select(d => d.Name)];

    public static TheoryData<string> BlindMethods() =>
        [.. UnifiedCatalogue.Methods.Entries.Where(e => e.Descriptor.Kind == UnifiedMethodKind.Blind && !e.ParameterRequired).Select(e => e.Name)];

    [Theory]
    [MemberData(nameof(MeasureIds))]
    public void Measure_AnswersOnEveryFace_InRangeOrWithAReason_Deterministically(string id)
    {
        Assert.Contains(id, runs.Measures);
        foreach (var image in CatalogueRuns.FaceImages)
        {
            var face = Assert.Single(runs.Runs[0][image].Faces);
            var r = face.Quality[id];
            if (r.Status == MeasureStatus.Success)
            {
                Assert.True(r.Raw is double v && double.IsFinite(v), $"{id} on {image}: raw {r.Raw}");
                Assert.InRange(r.Scalar, 0, 100);
            }
            else
            {
                Assert.Equal(-1, r.Scalar);
                Assert.False(string.IsNullOrWhiteSpace(r.Reason), $"{id} on {image}: failure without a reason");
            }
            Assert.Equal(r, runs.Runs[1][image].Faces[0].Quality[id]);
        }
        Assert.Equal(Face.FileStatus.NoFace, runs.Runs[0]["blank"].Status);
        Assert.Equal(MeasureStatus.Success, runs.Runs[0]["clean"].Faces[0].Quality[id].Status);
    }

    [Theory]
    [MemberData(nameof(BlindMethods))]
    public void BlindMethod_ScoresEveryFace_InRange_Deterministically(string name)
    {
        foreach (var image in CatalogueRuns.FaceImages)
        {
            var s = runs.Runs[0][image].Faces[0].UnifiedMethods[name];
            Assert.Equal(MeasureStatus.Success, s.Status);
            Assert.True(double.IsFinite(s.RawOrNaN), $"{name} on {image}: raw {s.Raw}");
            Assert.InRange(s.Scalar, 0, 100);
            Assert.Equal(s, runs.Runs[1][image].Faces[0].UnifiedMethods[name]);
        }
        Assert.Empty(runs.Runs[0]["blank"].Faces);
    }
}

using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Onnx;
using Fiqa.Quality.Unified;
using Fiqa.Tests;
using Xunit.Abstractions;

namespace Fiqa.Quality.Tests;

/// <summary>FaceQAN (<c>faceqan</c>) on the dlib johns' crops (aligned input): it falls when the face is blurred or
/// occluded, it is deterministic whatever the thread count, and a bad parameter is a clear error.</summary>
public class FaceQanTests(ITestOutputHelper output)
{
    private static FaceQualityAssessor Assessor(string method, int threads = 1) => FaceQualityAssessor.Create(new AssessorOptions
    {
        Measures = [],
        UnifiedMethods = [method],
        Face = new FaceAnalyzerOptions { Parts = FaceParts.None, AlignedInput = true, Session = new OnnxSessionOptions { IntraOpThreads = threads } },
    });

    private static List<string> Johns() => Directory.GetDirectories(TestData.File("dlib/johns")).Order(StringComparer.Ordinal)
        .Select(d => Directory.GetFiles(d).Order(StringComparer.Ordinal).First()).ToList();

    [Fact]
    public void FaceQan_BlurredOrOccludedCopy_ScoresBelowTheClean()
    {
        using var a = Assessor("faceqan");
        foreach (var file in Johns())
        {
            var clean = ImageDecoder.Decode(file);
            double Score(RgbImage image) => a.Assess(image, file).Faces[0].UnifiedMethods["faceqan"].RawOrNaN;
            double q = Score(clean);
            double blurred = Score(Degradation.Apply(clean, DegradationKind.Blur, 4, seed: 1));
            double occluded = Score(Degradation.Apply(clean, DegradationKind.Occlusion, 4, seed: 1));
            output.WriteLine($"{Path.GetFileName(Path.GetDirectoryName(file))}: clean {q:F4} blurred {blurred:F4} occluded {occluded:F4}");
            Assert.InRange(q, 0, 1);
            Assert.True(blurred < q, $"{file}: blurred {blurred:F4} ≥ clean {q:F4}");
            Assert.True(occluded < q, $"{file}: occluded {occluded:F4} ≥ clean {q:F4}");
        }
    }

    [Fact]
    public void FaceQan_SameFace_SameScoreWhateverTheThreadCount()
    {
        var image = ImageDecoder.Decode(Johns()[0]);
        double first, second, threaded;
        using (var a = Assessor("faceqan:3"))
        {
            first = a.Assess(image, "a").Faces[0].UnifiedMethods["faceqan:3"].RawOrNaN;
            second = a.Assess(image, "a").Faces[0].UnifiedMethods["faceqan:3"].RawOrNaN;
        }
        using (var b = Assessor("faceqan:3", threads: 2))
            threaded = b.Assess(image, "a").Faces[0].UnifiedMethods["faceqan:3"].RawOrNaN;
        output.WriteLine($"1 thread {first:R}, again {second:R}, 2 threads {threaded:R}");
        Assert.Equal(first, second);
        Assert.Equal(first, threaded);
    }

    [Fact]
    public void FaceQan_BadParameter_ClearError()
    {
        using var registry = new SessionRegistry(Fiqa.Onnx.ModelStore.For(TestData.Paths));
        var settings = new QualitySettings { Registry = registry, EmbedderModel = "fr_feature" };
        Assert.Equal(4, ((FaceQan)UnifiedCatalogue.Create("FACEQAN:4", settings)).Options.Starts);
        Assert.Equal("faceqan:4", UnifiedCatalogue.Normalise("FaceQAN:4"));
        foreach (var bad in new[] { "faceqan:0", "faceqan:x", "faceqan:65", "faceqan:-3" })
            Assert.Contains("faceqan:K needs K (random starts) in 1..64", Assert.Throws<UnknownNameException>(() => UnifiedCatalogue.Create(bad, settings)).Message);
        Assert.Contains("FaceQAN ε", Assert.Throws<ArgumentException>(() =>
            new FaceQan(settings with { Methods = new QualityMethodOptions { FaceQan = new FaceQanOptions { Epsilon = 0 } } })).Message);
    }
}

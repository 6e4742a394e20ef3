using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Onnx;
using Fiqa.Quality.Unified;
using Fiqa.Tests;
using Xunit.Abstractions;

namespace Fiqa.Quality.Tests;

/// <summary>PreFIQs (<c>prefiqs</c>) on the dlib johns' crops (aligned input): 1 exactly when nothing is pruned, in
/// [0, 1], lower for a degraded copy, its rate parsed and named as the catalogue promises.</summary>
public class PreFiqsTests(ITestOutputHelper output)
{
    private static FaceQualityAssessor Assessor(params string[] methods) => FaceQualityAssessor.Create(new AssessorOptions
    {
        Measures = [],
        UnifiedMethods = methods,
        Face = new FaceAnalyzerOptions { Parts = FaceParts.None, AlignedInput = true },
    });

    private static List<string> Johns() => Directory.GetDirectories(TestData.File("dlib/johns")).Order(StringComparer.Ordinal)
        .Select(d => Directory.GetFiles(d).Order(StringComparer.Ordinal).First()).ToList();

    [Fact]
    public void PreFiqs_RateZero_IsExactlyOne()
    {
        using var a = Assessor("prefiqs:0");
        foreach (var file in Johns())
        {
            var s = a.Assess(file).Faces[0].UnifiedMethods["prefiqs:0"];
            Assert.Equal(MeasureStatus.Success, s.Status);
            Assert.Equal(1.0, s.Raw);
        }
    }

    [Theory]
    // The paper's rate (40 %) moves the embedding enough that every john's blurred and noised copy scores below the
    // clean one; the default (30 %, chosen on LFW View 1) moves it by ≈ 1e-3 and ranks only on average over the five.
    [InlineData("prefiqs:0.4", true)]
    [InlineData("prefiqs", false)]
    public void PreFiqs_DegradedCopies_ScoreInZeroOneAndBelowTheClean(string method, bool everyImage)
    {
        using var a = Assessor(method);
        var clean = new List<double>();
        var degraded = new List<(double Blurred, double Noisy)>();
        foreach (var file in Johns())
        {
            var image = ImageDecoder.Decode(file);
            double Score(RgbImage img) => a.Assess(img, file).Faces[0].UnifiedMethods[method].RawOrNaN;
            clean.Add(Score(image));
            degraded.Add((Score(Degradation.Apply(image, DegradationKind.Blur, 4, seed: 1)), Score(Degradation.Apply(image, DegradationKind.Noise, 4, seed: 1))));
            output.WriteLine($"{method} {Path.GetFileName(Path.GetDirectoryName(file))}: clean {clean[^1]:F5} blurred {degraded[^1].Blurred:F5} noisy {degraded[^1].Noisy:F5}");
            foreach (double v in new[] { clean[^1], degraded[^1].Blurred, degraded[^1].Noisy }) Assert.InRange(v, 0, 1);
            if (!everyImage) continue;
            Assert.True(degraded[^1].Blurred < clean[^1], $"{file}: blurred {degraded[^1].Blurred:F5} ≥ clean {clean[^1]:F5}");
            Assert.True(degraded[^1].Noisy < clean[^1], $"{file}: noisy {degraded[^1].Noisy:F5} ≥ clean {clean[^1]:F5}");
        }
        Assert.True(degraded.Average(d => d.Blurred) < clean.Average(), $"mean blurred {degraded.Average(d => d.Blurred):F5} ≥ mean clean {clean.Average():F5}");
        Assert.True(degraded.Average(d => d.Noisy) < clean.Average(), $"mean noisy {degraded.Average(d => d.Noisy):F5} ≥ mean clean {clean.Average():F5}");
    }

    [Fact]
    public void PreFiqs_Score_CostsOneRunOfThePrunedCopy()
    {
        using var registry = new SessionRegistry(Fiqa.Onnx.ModelStore.For(TestData.Paths));
        using var analyzer = new FaceAnalyzer(new FaceAnalyzerOptions { Parts = FaceParts.None, AlignedInput = true, Paths = TestData.Paths });
        var method = new PreFiqs(new QualitySettings { Registry = registry, EmbedderModel = "fr_feature" }, 0.3);
        var image = ImageDecoder.Decode(Johns()[0]);
        var face = new FaceContext(analyzer, image, analyzer.FindFaces(image), 0);
        _ = face.Embedding; // the shared pass, on the analyzer's own sessions
        long before = registry.Runs("fr_feature");
        var s = method.Score(face);
        Assert.Equal(1, registry.Runs("fr_feature") - before);
        Assert.InRange(s.RawOrNaN, 0, 1);
    }

    [Theory]
    [InlineData("prefiqs", "prefiqs")]
    [InlineData("PREFIQS:.40", "prefiqs:0.4")]
    [InlineData("prefiqs:0.35", "prefiqs:0.35")]
    [InlineData("prefiqs:0", "prefiqs:0")]
    public void PreFiqs_Name_IsCanonical(string requested, string canonical) =>
        Assert.Equal(canonical, UnifiedCatalogue.Normalise(requested));

    [Theory]
    [InlineData("prefiqs:1")]
    [InlineData("prefiqs:0.123")]
    [InlineData("prefiqs:-0.2")]
    [InlineData("prefiqs:forty")]
    public void PreFiqs_BadRate_SaysWhatItNeeds(string requested)
    {
        var e = Assert.Throws<UnknownNameException>(() => UnifiedCatalogue.Normalise(requested));
        Assert.Contains("prefiqs:R needs a pruning rate R in 0..0.99", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PreFiqs_CacheIdentity_NamesTheRateTheDefaultStandsFor()
    {
        // A later change of the default rate must not reuse scores cached under the bare name.
        Assert.Equal($"prefiqs#r{PreFiqs.DefaultRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}.v{PreFiqs.PruningVersion}", UnifiedCatalogue.CacheIdentity("prefiqs"));
        Assert.NotEqual(UnifiedCatalogue.CacheIdentity("prefiqs:0.3"), UnifiedCatalogue.CacheIdentity("prefiqs:0.35"));
    }
}

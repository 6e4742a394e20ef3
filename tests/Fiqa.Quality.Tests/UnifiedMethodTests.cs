using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Quality.Unified;
using Fiqa.Tests;
using Xunit.Abstractions;

namespace Fiqa.Quality.Tests;

/// <summary>The unified methods fall as controlled degradations grow, on the five dlib johns (aligned crops).</summary>
public class UnifiedMethodTests(ITestOutputHelper output)
{
    private static FaceQualityAssessor Assessor() => FaceQualityAssessor.Create(new AssessorOptions
    {
        Measures = [],
        UnifiedMethods = ["norm", "perturb"],
        Face = new FaceAnalyzerOptions { Parts = FaceParts.None, AlignedInput = true },
    });

    private static readonly (string Name, Func<RgbImage, int, RgbImage> Apply)[] Degradations =
    [
        ("blur", (img, k) => Filters.GaussianBlur(img, 0.8 * k)),
        ("noise", (img, k) =>
        {
            var c = img.Clone();
            var rng = new Random(k);
            for (int i = 0; i < c.Pixels.Length; i++) c.Pixels[i] = (byte)Math.Clamp(c.Pixels[i] + (rng.NextDouble() * 2 - 1) * 20 * k, 0, 255);
            return c;
        }),
        ("jpeg", (img, k) => ImageDecoder.Decode(ImageEncoder.Jpeg(img, new[] { 95, 50, 25, 12, 6 }[k]))),
        ("dark", (img, k) =>
        {
            var c = img.Clone();
            for (int i = 0; i < c.Pixels.Length; i++) c.Pixels[i] = (byte)(c.Pixels[i] * (1 - 0.18 * k));
            return c;
        }),
    ];

    [Fact]
    public void Methods_FallWithDegradationSeverity()
    {
        using var a = Assessor();
        var johns = Directory.GetDirectories(TestData.File("dlib/johns")).Order(StringComparer.Ordinal)
            .Select(d => Directory.GetFiles(d).Order(StringComparer.Ordinal).First()).ToList();
        var severity = Enumerable.Range(0, 5).Select(k => (double)-k).ToArray();
        foreach (var (name, apply) in Degradations)
        {
            var rho = new Dictionary<string, List<double>> { ["norm"] = [], ["perturb"] = [] };
            foreach (var file in johns)
            {
                var image = ImageDecoder.Decode(file);
                var scores = Enumerable.Range(0, 5).Select(k => a.Assess(apply(image, k), file).Faces[0].UnifiedMethods).ToList();
                foreach (var method in rho.Keys)
                    rho[method].Add(Fiqa.Iqa.IqaStatistics.Spearman(scores.Select(s => s[method].Raw).ToArray(), severity));
            }
            foreach (var (method, values) in rho)
            {
                double median = values.Order().ElementAt(values.Count / 2);
                output.WriteLine($"{name,-6} {method,-8} Spearman per identity {string.Join(" ", values.Select(v => v.ToString("F1")))} (median {median:F1})");
                Assert.True(median >= (method == "norm" ? 0.8 : 0.7), $"{method} under {name}: median Spearman {median:F2}");
            }
        }
    }

    [Fact]
    public void Methods_AreDeterministic_AndPerturbCostsThreeEmbeddings()
    {
        using var a = Assessor();
        var file = TestData.File("skimage/astronaut.png");
        var first = a.Assess(file).Faces[0].UnifiedMethods;
        var second = a.Assess(file).Faces[0].UnifiedMethods;
        Assert.Equal(first["perturb"], second["perturb"]);
        Assert.Equal(first["norm"], second["norm"]);
        Assert.Equal(3, PerturbationRobustness.Perturbations(new RgbImage(112, 112)).Count());
        Assert.InRange(first["perturb"].Raw, 0, 1);
        Assert.Contains("known:", Assert.Throws<ArgumentException>(() => UnifiedCatalogue.Create("serfiq-x")).Message);
    }
}

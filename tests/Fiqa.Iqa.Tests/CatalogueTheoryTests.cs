using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Iqa.Tests;

/// <summary>Catalogue-driven: every metric, including one added later, gives a finite score on a colour and a greyscale
/// photo, the same score every time, and — for full-reference metrics — ranks a copy of the reference above a blurred
/// copy, in the direction its descriptor declares.</summary>
public class CatalogueTheoryTests
{
    private static readonly RgbImage Clean = ImageDecoder.Decode(TestData.File("fixtures/astronaut.jpg"));
    private static readonly RgbImage Grey = ImageDecoder.Decode(TestData.File("fixtures/astronaut_grey.jpg"));

    public static TheoryData<string> Metrics() => [.. IqaCatalogue.All.Select(d => d.Name)];

    [Theory]
    [MemberData(nameof(Metrics))]
    public void Metric_IsFinite_Deterministic_AndOrientedAsDeclared(string name)
    {
        var metric = IqaCatalogue.Create(name, IqaSettings.FromPaths(TestData.Paths));
        bool fullReference = metric.Descriptor.Kind == MetricKind.FullReference;
        var blurred = Filters.GaussianBlur(Clean, 2.0);
        foreach (var image in new[] { Clean, Grey, blurred })
        {
            double a = metric.Score(image, fullReference ? Clean : null), b = metric.Score(image, fullReference ? Clean : null);
            Assert.True(double.IsFinite(a) || (fullReference && ReferenceEquals(image, Clean)), $"{name}: {a}");
            Assert.Equal(a, b);
        }
        if (!fullReference) return;
        double same = metric.Score(Clean, Clean), worse = metric.Score(blurred, Clean);
        Assert.True(metric.Descriptor.LowerIsBetter ? worse > same : worse < same, $"{name}: identical {same}, blurred {worse}");
    }
}

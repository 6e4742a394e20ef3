using Fiqa.Imaging;
using Fiqa.Tests;
using Xunit.Abstractions;

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

/// <summary>Catalogue-driven, on the images every catalogue is run on (a clean portrait, its greyscale copy, the portrait
/// at half size with a small face, a blank image): every metric, including one added later, answers each with a score
/// or gives a failure with its reason (<see cref="IqaMetricResults.Assess"/>, which <c>fiqa iqa</c> and
/// <c>POST /v1/iqa</c> report) — never an exception, never a NaN score — and the same answer on two runs. Full-reference
/// metrics score a JPEG copy (quality 30) against the image. A blank image has no structure to measure: fsim, vsi, vif,
/// cw_ssim, niqe and brisque compute NaN there (measured), which is a failure that says so; on the photos a failure fails.</summary>
public class CatalogueImageTests(ITestOutputHelper output)
{
    private static readonly Lazy<Dictionary<string, RgbImage>> Images = new(() =>
    {
        var clean = ImageDecoder.Decode(TestData.File("fixtures/astronaut.jpg"));
        var blank = new RgbImage(clean.Width, clean.Height);
        Array.Fill(blank.Pixels, (byte)128);
        return new Dictionary<string, RgbImage>(StringComparer.Ordinal)
        {
            ["clean"] = clean,
            ["greyscale"] = ImageDecoder.Decode(TestData.File("fixtures/astronaut_grey.jpg")),
            ["small face"] = Resize.Bilinear(clean, clean.Width / 2, clean.Height / 2),
            ["blank"] = blank,
        };
    });

    public static TheoryData<string> Metrics() => [.. IqaCatalogue.All.Select(d => d.Name)];

    private static string Answer(IIqaMetric metric, RgbImage image, RgbImage? reference)
    {
        var result = metric.Assess(image, reference);
        if (result.Status == MeasureStatus.Success)
        {
            Assert.False(double.IsNaN(result.RawOrNaN), $"{metric.Descriptor.Name}: a NaN score called a success");
            return result.RawOrNaN.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.False(string.IsNullOrWhiteSpace(result.Reason), $"{metric.Descriptor.Name}: failed without a reason");
        return "failed: " + result.Reason;
    }

    [Theory]
    [MemberData(nameof(Metrics))]
    public void Metric_ScoresOrRefusesEveryImage_WithAReason_Deterministically(string name)
    {
        var metric = IqaCatalogue.Create(name, IqaSettings.FromPaths(TestData.Paths));
        bool fullReference = metric.Descriptor.Kind == MetricKind.FullReference;
        foreach (var (label, image) in Images.Value)
        {
            var scored = fullReference ? ImageDecoder.Decode(ImageEncoder.Jpeg(image, 30)) : image;
            var reference = fullReference ? image : null;
            string first = Answer(metric, scored, reference), second = Answer(metric, scored, reference);
            output.WriteLine($"{name} on {label}: {first}");
            Assert.Equal(first, second);
            if (label != "blank") Assert.False(first.StartsWith("failed: not defined", StringComparison.Ordinal), $"{name} on {label}: {first}");
        }
    }
}

using Fiqa.Imaging;

namespace Fiqa.Iqa.Metrics;

/// <summary>Gradient magnitude similarity deviation (Xue, Zhang, Mou, Bovik, IEEE TIP 2014; GMSD.m): MATLAB rgb2gray,
/// 2×2 mean (conv2 'same') then every other pixel, Prewitt/3 gradients (conv2 'same', zero border), T = 170, and the
/// standard deviation (N − 1) of the similarity map. Lower is better.</summary>
public sealed class Gmsd : IIqaMetric
{
    /// <summary>The descriptor.</summary>
    public static MetricDescriptor Info { get; } = new("gmsd", MetricKind.FullReference, true, "0..~0.35 (0 = identical)", "Xue et al. 2014, GMSD.m");

    private const double T = 170;

    /// <inheritdoc />
    public MetricDescriptor Descriptor => Info;

    /// <inheritdoc />
    public double Score(RgbImage image, RgbImage? reference = null)
    {
        reference = IqaInput.Pair(Info, image, reference);
        var distorted = image;
        var g1 = Gradients.PrewittMagnitude(Matlab.AverageDownsample(Matlab.Rgb2GrayUint8(reference), 2));
        var g2 = Gradients.PrewittMagnitude(Matlab.AverageDownsample(Matlab.Rgb2GrayUint8(distorted), 2));
        var map = new double[g1.Data.Length];
        for (int i = 0; i < map.Length; i++) map[i] = Similarity.Of(g1.Data[i], g2.Data[i], T);
        return Matlab.Std(map);
    }
}

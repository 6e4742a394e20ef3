using Fiqa.Imaging;

namespace Fiqa.Iqa.Metrics;

/// <summary>Peak signal-to-noise ratio, 10·log10(255² / MSE) with the MSE over all three RGB channels (as the official
/// calibration table computes it). Identical images give +∞.</summary>
public sealed class Psnr : IIqaMetric
{
    /// <summary>The descriptor.</summary>
    public static MetricDescriptor Info { get; } = new("psnr", MetricKind.FullReference, false, "dB, 0..∞", "MSE over RGB, peak 255");

    /// <inheritdoc />
    public MetricDescriptor Descriptor => Info;

    /// <inheritdoc />
    public double Score(RgbImage image, RgbImage? reference = null)
    {
        reference = IqaInput.Pair(Info, image, reference);
        var distorted = image;
        double sum = 0;
        var a = reference.Pixels;
        var b = distorted.Pixels;
        for (int i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            sum += d * d;
        }
        double mse = sum / a.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }
}

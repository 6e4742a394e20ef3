using Fiqa.Imaging;

namespace Fiqa.Iqa.Metrics;

/// <summary>Multi-scale SSIM (Wang, Simoncelli, Bovik, Asilomar 2003; msssim.m): five scales with weights
/// (0.0448, 0.2856, 0.3001, 0.2363, 0.1333), between scales a 2×2 mean (imfilter 'symmetric', 'same') and taking every
/// other pixel; product of the contrast-structure means of scales 1–4 and the SSIM mean of scale 5.</summary>
public sealed class MsSsim : IIqaMetric
{
    /// <summary>The descriptor.</summary>
    public static MetricDescriptor Info { get; } = new("ms_ssim", MetricKind.FullReference, false, "0..1 (1 = identical)", "Wang et al. 2003, msssim.m");

    private static readonly double[] Weights = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];
    private static readonly Matrix Box = BoxKernel();

    private static Matrix BoxKernel()
    {
        var k = new Matrix(2, 2);
        for (int i = 0; i < 4; i++) k.Data[i] = 0.25;
        return k;
    }

    /// <inheritdoc />
    public MetricDescriptor Descriptor => Info;

    /// <inheritdoc />
    public double Score(RgbImage image, RgbImage? reference = null)
    {
        reference = IqaInput.Pair(Info, image, reference);
        var distorted = image;
        var x = Matlab.Rgb2GrayUint8(reference);
        var y = Matlab.Rgb2GrayUint8(distorted);
        double score = 1;
        for (int level = 0; level < Weights.Length; level++)
        {
            if (x.Rows < 11 || x.Cols < 11) throw new ArgumentException("image too small for five MS-SSIM scales (needs ≥ 176 px per side)");
            var (ssim, cs) = Ssim.Index(x, y);
            score *= Math.Pow(level == Weights.Length - 1 ? ssim : cs, Weights[level]);
            x = Matlab.FilterSameSubsampled(x, Box, Padding.Symmetric, 2);
            y = Matlab.FilterSameSubsampled(y, Box, Padding.Symmetric, 2);
        }
        return score;
    }
}

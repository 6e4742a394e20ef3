using System.Numerics.Tensors;
using Fiqa.Imaging;

namespace Fiqa.Iqa.Metrics;

/// <summary>SSIM (Wang, Bovik, Sheikh, Simoncelli, IEEE TIP 2004; the authors' ssim_index.m): MATLAB rgb2gray (uint8),
/// 11×11 Gaussian σ = 1.5, filter2 'valid', K = (0.01, 0.03), L = 255, mean of the SSIM map, no automatic
/// downsampling — the convention of the official calibration values.</summary>
public sealed class Ssim : IIqaMetric
{
    /// <summary>The descriptor.</summary>
    public static MetricDescriptor Info { get; } = new("ssim", MetricKind.FullReference, false, "−1..1 (1 = identical)", "Wang et al. 2004, ssim_index.m");

    // fspecial('gaussian', 11, 1.5) is the outer product of this 1-D kernel: filtered in two passes.
    private static readonly double[] Window1D = Matlab.Gaussian1D(11, 1.5);
    private const double C1 = 0.01 * 255 * 0.01 * 255, C2 = 0.03 * 255 * 0.03 * 255;

    /// <inheritdoc />
    public MetricDescriptor Descriptor => Info;

    /// <inheritdoc />
    public double Score(RgbImage image, RgbImage? reference = null)
    {
        reference = IqaInput.Pair(Info, image, reference);
        var distorted = image;
        return Index(Matlab.Rgb2GrayUint8(reference), Matlab.Rgb2GrayUint8(distorted)).Ssim;
    }

    /// <summary>Mean SSIM and mean contrast-structure term of two grey images (ssim_index_new.m, used by MS-SSIM).</summary>
    internal static (double Ssim, double ContrastStructure) Index(Matrix x, Matrix y)
    {
        static Matrix Blur(Matrix m) => Matlab.FilterValidSeparable(m, Window1D, Window1D);
        var mu1 = Blur(x);
        var mu2 = Blur(y);
        var xx = Blur(Product(x, x));
        var yy = Blur(Product(y, y));
        var xy = Blur(Product(x, y));
        double ssim = 0, cs = 0;
        int n = mu1.Data.Length;
        for (int i = 0; i < n; i++)
        {
            double m1 = mu1.Data[i], m2 = mu2.Data[i];
            double s1 = xx.Data[i] - m1 * m1, s2 = yy.Data[i] - m2 * m2, s12 = xy.Data[i] - m1 * m2;
            double contrastStructure = (2 * s12 + C2) / (s1 + s2 + C2);
            cs += contrastStructure;
            ssim += (2 * m1 * m2 + C1) / (m1 * m1 + m2 * m2 + C1) * contrastStructure;
        }
        return (ssim / n, cs / n);
    }

    private static Matrix Product(Matrix a, Matrix b)
    {
        var m = new Matrix(a.Rows, a.Cols);
        TensorPrimitives.Multiply(a.Data, b.Data, m.Data);
        return m;
    }
}

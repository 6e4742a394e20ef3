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
        Matrix? x = null, y = null;
        Parallel.Invoke(() => x = Matlab.Rgb2GrayUint8(reference), () => y = Matlab.Rgb2GrayUint8(distorted));
        return Index(x!, y!).Ssim;
    }

    // Below this many output pixels one core does the whole image: a second band is not worth a thread.
    private const int ParallelMinimumPixels = 1 << 16;

    /// <summary>Mean SSIM and mean contrast-structure term of two grey images (ssim_index_new.m, used by MS-SSIM).</summary>
    /// <remarks>One pass down the image: each row's five horizontally filtered planes (x, y, x², y², xy) go into a ring
    /// of 11 rows, and each output row is filtered vertically and pooled as soon as its window is complete, so the
    /// working set stays in cache. Every sum runs in the order of the two-pass definition (taps in order from zero,
    /// pixels row-major), so the result is bit-identical to filtering whole planes. A large image is done as two bands
    /// of output rows on two cores: the upper band pools as above, the lower one keeps its per-pixel terms, which are
    /// then added in row-major order after the upper band's — the same sums in the same order.</remarks>
    internal static (double Ssim, double ContrastStructure) Index(Matrix x, Matrix y)
    {
        int k = Window1D.Length, rows = x.Rows, cols = x.Cols;
        int outRows = rows - k + 1, outCols = cols - k + 1;
        if (outRows <= 0 || outCols <= 0) return (double.NaN, double.NaN);
        long n = (long)outRows * outCols;
        if (n < ParallelMinimumPixels || outRows < 2 || Environment.ProcessorCount < 2)
        {
            var (s, c) = Band(x, y, 0, outRows, null, null);
            return (s / n, c / n);
        }
        int split = outRows / 2;
        var lowerSsim = new double[(outRows - split) * outCols];
        var lowerCs = new double[lowerSsim.Length];
        var lower = Task.Run(() => Band(x, y, split, outRows, lowerSsim, lowerCs));
        var (ssim, cs) = Band(x, y, 0, split, null, null);
        lower.GetAwaiter().GetResult();
        for (int i = 0; i < lowerCs.Length; i++) cs += lowerCs[i];
        for (int i = 0; i < lowerSsim.Length; i++) ssim += lowerSsim[i];
        return (ssim / n, cs / n);
    }

    // Output rows [first, end): their sums from zero, or, with ssimTerms and csTerms, each pixel's terms stored instead
    // (row-major from output row first) and zero sums returned.
    private static (double Ssim, double ContrastStructure) Band(Matrix x, Matrix y, int first, int end, double[]? ssimTerms, double[]? csTerms)
    {
        int k = Window1D.Length, cols = x.Cols, outCols = cols - k + 1;
        var ring = new double[5][];
        for (int q = 0; q < 5; q++) ring[q] = new double[k * outCols];
        var product = new double[cols];
        var vertical = new double[5][];
        for (int q = 0; q < 5; q++) vertical[q] = new double[outCols];
        double ssim = 0, cs = 0;
        for (int r = first; r < end + k - 1; r++)
        {
            int slot = r % k;
            var xr = x.Data.AsSpan(r * cols, cols);
            var yr = y.Data.AsSpan(r * cols, cols);
            Horizontal(xr, ring[0].AsSpan(slot * outCols, outCols));
            Horizontal(yr, ring[1].AsSpan(slot * outCols, outCols));
            TensorPrimitives.Multiply(xr, xr, product);
            Horizontal(product, ring[2].AsSpan(slot * outCols, outCols));
            TensorPrimitives.Multiply(yr, yr, product);
            Horizontal(product, ring[3].AsSpan(slot * outCols, outCols));
            TensorPrimitives.Multiply(xr, yr, product);
            Horizontal(product, ring[4].AsSpan(slot * outCols, outCols));
            if (r < first + k - 1) continue;
            int top = r - k + 1;
            for (int q = 0; q < 5; q++) Kernels.CorrelateRows(ring[q], t => (top + t) % k * outCols, Window1D, vertical[q]);
            double[] mu1 = vertical[0], mu2 = vertical[1], xx = vertical[2], yy = vertical[3], xy = vertical[4];
            int offset = (top - first) * outCols;
            for (int i = 0; i < outCols; i++)
            {
                double m1 = mu1[i], m2 = mu2[i];
                double s1 = xx[i] - m1 * m1, s2 = yy[i] - m2 * m2, s12 = xy[i] - m1 * m2;
                double contrastStructure = (2 * s12 + C2) / (s1 + s2 + C2);
                double term = (2 * m1 * m2 + C1) / (m1 * m1 + m2 * m2 + C1) * contrastStructure;
                if (csTerms is null || ssimTerms is null)
                {
                    cs += contrastStructure;
                    ssim += term;
                }
                else
                {
                    csTerms[offset + i] = contrastStructure;
                    ssimTerms[offset + i] = term;
                }
            }
        }
        return (ssim, cs);

        static void Horizontal(ReadOnlySpan<double> row, Span<double> dst) => Kernels.Correlate(row, Window1D, dst);
    }
}

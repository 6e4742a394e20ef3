using System.Numerics;
using Fiqa.Imaging;

namespace Fiqa.Iqa.Metrics;

/// <summary>Complex-wavelet SSIM (Sampat, Wang, Gupta, Bovik, Markey, IEEE TIP 2009; cwssim_index.m with its defaults):
/// MATLAB <c>rgb2gray</c>, a complex steerable pyramid with 4 levels and 8 orientations, and on each band of the
/// coarsest level 2|Σ c₁c₂*| / Σ(|c₁|² + |c₂|²) over 7×7 windows ('valid'), pooled with a Gaussian weight
/// (σ = band height / 4), then averaged over orientations. Insensitive to small translations and rotations. K = 0, no
/// guard band. Higher is better (1 = identical).</summary>
public sealed class CwSsim : IIqaMetric
{
    /// <summary>The descriptor.</summary>
    public static MetricDescriptor Info { get; } = new("cw_ssim", MetricKind.FullReference, false, "0..1 (1 = identical)", "Sampat et al. 2009, cwssim_index.m");

    private const int Levels = 4, Orientations = 8, Window = 7;

    /// <inheritdoc />
    public MetricDescriptor Descriptor => Info;

    /// <inheritdoc />
    public double Score(RgbImage image, RgbImage? reference = null)
    {
        reference = IqaInput.Pair(Info, image, reference);
        var distorted = image;
        int minSide = Math.Min(reference.Width, reference.Height);
        if (minSide >> (Levels - 1) < Window)
            throw new ArgumentException($"cw_ssim needs at least {Window << (Levels - 1)} pixels on the short side, got {minSide}");
        var (a, rows, cols) = ComplexSteerablePyramid.CoarsestBands(Matlab.Rgb2GrayUint8(reference), Levels, Orientations);
        var (b, _, _) = ComplexSteerablePyramid.CoarsestBands(Matlab.Rgb2GrayUint8(distorted), Levels, Orientations);
        var weight = Matlab.Gaussian(rows - Window + 1, cols - Window + 1, rows / 4.0);
        double total = 0;
        for (int o = 0; o < Orientations; o++) total += BandSimilarity(a[o], b[o], rows, cols, weight);
        return total / Orientations;
    }

    private static double BandSimilarity(Complex[] a, Complex[] b, int rows, int cols, Matrix weight)
    {
        var correlation = new Complex[a.Length];
        var energy = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            correlation[i] = a[i] * Complex.Conjugate(b[i]);
            energy[i] = a[i].Magnitude * a[i].Magnitude + b[i].Magnitude * b[i].Magnitude;
        }
        // The window's 1/49 cancels in the ratio (K = 0), so plain window sums serve.
        double pooled = 0;
        for (int r = 0; r < weight.Rows; r++)
            for (int c = 0; c < weight.Cols; c++)
            {
                Complex sumCorrelation = 0;
                double sumEnergy = 0;
                for (int i = 0; i < Window; i++)
                    for (int j = 0; j < Window; j++)
                    {
                        int k = (r + i) * cols + c + j;
                        sumCorrelation += correlation[k];
                        sumEnergy += energy[k];
                    }
                pooled += weight[r, c] * 2 * sumCorrelation.Magnitude / sumEnergy;
            }
        return pooled;
    }
}

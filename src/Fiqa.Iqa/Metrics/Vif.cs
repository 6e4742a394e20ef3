using Fiqa.Imaging;
using MathNet.Numerics.LinearAlgebra;

namespace Fiqa.Iqa.Metrics;

/// <summary>Visual information fidelity in the wavelet domain (Sheikh &amp; Bovik, IEEE TIP 2006; vifvec.m): MATLAB
/// <c>rgb2gray</c>, a 4-level steerable pyramid (sp5 filters, reflected borders), and on orientations 0 and 3 of each
/// level a Gaussian scale mixture of 3×3 neighbourhoods: the reference's covariance and per-block multipliers, a
/// gain-plus-noise distortion channel estimated in sliding windows (3, 5, 9, 17 wide from coarse to fine), HVS noise
/// σₙ² = 0.4. VIF = Σ information the distorted image carries / Σ information the reference carries: 1 for identical
/// images, near 0 for destroyed ones, above 1 for contrast enhancement. Higher is better.</summary>
public sealed class Vif : IIqaMetric
{
    /// <summary>The descriptor.</summary>
    public static MetricDescriptor Info { get; } = new("vif", MetricKind.FullReference, false, "0..1 (1 = identical)", "Sheikh & Bovik 2006, vifvec.m");

    private const int Levels = 4, M = 3;
    private const double NoiseVariance = 0.4, Tolerance = 1e-12;

    /// <inheritdoc />
    public MetricDescriptor Descriptor => Info;

    /// <inheritdoc />
    public double Score(RgbImage image, RgbImage? reference = null)
    {
        reference = IqaInput.Pair(Info, image, reference);
        var distorted = image;
        var refBands = SteerablePyramid.OrientedBands(Matlab.Rgb2GrayUint8(reference), Levels);
        var distBands = SteerablePyramid.OrientedBands(Matlab.Rgb2GrayUint8(distorted), Levels);
        double numerator = 0, denominator = 0;
        for (int level = 0; level < Levels; level++)
        {
            // vifvec's window grows towards the fine levels: 2^(levels − level) + 1 samples.
            int window = (1 << (Levels - level)) + 1;
            for (int band = 0; band < 2; band++)
            {
                var (num, den) = Subband(Crop(refBands[level][band]), Crop(distBands[level][band]), window);
                numerator += num;
                denominator += den;
            }
        }
        return numerator / denominator;
    }

    private static Matrix Crop(Matrix band)
    {
        int rows = band.Rows / M * M, cols = band.Cols / M * M;
        if (rows == band.Rows && cols == band.Cols) return band;
        var m = new Matrix(rows, cols);
        for (int r = 0; r < rows; r++) band.Data.AsSpan(r * band.Cols, cols).CopyTo(m.Data.AsSpan(r * cols, cols));
        return m;
    }

    private static (double Numerator, double Denominator) Subband(Matrix x, Matrix y, int window)
    {
        int blockRows = x.Rows / M, blockCols = x.Cols / M;
        var (gain, noise) = DistortionChannel(x, y, window, blockRows, blockCols);
        var (eigenvalues, multipliers) = ReferenceModel(x, blockRows, blockCols);

        // Blocks whose estimation window reached past the band edge are left out.
        int offset = (int)Math.Ceiling((window - 1) / 2.0 / M);
        double num = 0, den = 0;
        for (int r = offset; r < blockRows - offset; r++)
            for (int c = offset; c < blockCols - offset; c++)
            {
                int i = r * blockCols + c;
                double g = gain[i], vv = noise[i], s = multipliers[i];
                foreach (var lambda in eigenvalues)
                {
                    num += Math.Log2(1 + g * g * s * lambda / (vv + NoiseVariance));
                    den += Math.Log2(1 + s * lambda / NoiseVariance);
                }
            }
        return (num, den);
    }

    // Gain g and additive noise variance of distorted = g·reference + noise, estimated over window×window neighbourhoods
    // centred on every block centre (reflected borders), with vifvec's guards for flat and anti-correlated regions.
    private static (double[] Gain, double[] Noise) DistortionChannel(Matrix x, Matrix y, int window, int blockRows, int blockCols)
    {
        var gain = new double[blockRows * blockCols];
        var noise = new double[gain.Length];
        int half = window / 2, n = window * window;
        for (int br = 0; br < blockRows; br++)
            for (int bc = 0; bc < blockCols; bc++)
            {
                int cr = br * M + M / 2, cc = bc * M + M / 2;
                double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
                for (int dr = -half; dr <= half; dr++)
                {
                    int rr = Reflect(cr + dr, x.Rows);
                    for (int dc = -half; dc <= half; dc++)
                    {
                        int k = rr * x.Cols + Reflect(cc + dc, x.Cols);
                        double a = x.Data[k], b = y.Data[k];
                        sx += a; sy += b; sxx += a * a; syy += b * b; sxy += a * b;
                    }
                }
                double meanX = sx / n, meanY = sy / n;
                double cov = sxy - n * meanX * meanY;
                double varX = Math.Max(sxx - n * meanX * meanX, 0), varY = Math.Max(syy - n * meanY * meanY, 0);
                double g = cov / (varX + Tolerance);
                double vv = (varY - g * cov) / n;
                if (varX < Tolerance) { g = 0; vv = varY; }
                if (varY < Tolerance) { g = 0; vv = 0; }
                if (g < 0) { vv = varY; g = 0; }
                gain[br * blockCols + bc] = g;
                noise[br * blockCols + bc] = Math.Max(vv, Tolerance);
            }
        return (gain, noise);
    }

    // The reference's 9×9 covariance over every 3×3 neighbourhood, its eigenvalues, and each block's multiplier
    // s = vᵀC⁻¹v / 9.
    private static (double[] Eigenvalues, double[] Multipliers) ReferenceModel(Matrix x, int blockRows, int blockCols)
    {
        const int dim = M * M;
        int positions = (x.Rows - M + 1) * (x.Cols - M + 1);
        var mean = new double[dim];
        for (int k = 0; k < dim; k++)
            for (int r = k / M; r <= x.Rows - M + k / M; r++)
                for (int c = k % M; c <= x.Cols - M + k % M; c++) mean[k] += x[r, c];
        for (int k = 0; k < dim; k++) mean[k] /= positions;

        var covariance = Matrix<double>.Build.Dense(dim, dim);
        var v = new double[dim];
        for (int r = 0; r <= x.Rows - M; r++)
            for (int c = 0; c <= x.Cols - M; c++)
            {
                for (int k = 0; k < dim; k++) v[k] = x[r + k / M, c + k % M] - mean[k];
                for (int i = 0; i < dim; i++)
                    for (int j = i; j < dim; j++) covariance[i, j] += v[i] * v[j];
            }
        for (int i = 0; i < dim; i++)
            for (int j = i; j < dim; j++) covariance[j, i] = covariance[i, j] /= positions;

        var inverse = covariance.Inverse();
        var eigenvalues = covariance.Evd(Symmetricity.Symmetric).EigenValues.Select(e => e.Real).ToArray();
        var multipliers = new double[blockRows * blockCols];
        var block = Vector<double>.Build.Dense(dim);
        for (int br = 0; br < blockRows; br++)
            for (int bc = 0; bc < blockCols; bc++)
            {
                for (int k = 0; k < dim; k++) block[k] = x[br * M + k / M, bc * M + k % M];
                multipliers[br * blockCols + bc] = block.DotProduct(inverse * block) / dim;
            }
        return (eigenvalues, multipliers);
    }

    private static int Reflect(int i, int n)
    {
        if (i < 0) return -i;
        return i >= n ? 2 * n - 2 - i : i;
    }
}

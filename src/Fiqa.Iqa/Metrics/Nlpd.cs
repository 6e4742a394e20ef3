using Fiqa.Imaging;

namespace Fiqa.Iqa.Metrics;

/// <summary>Normalised Laplacian pyramid distance (Laparra, Ballé, Berardino, Simoncelli, Electronic Imaging 2016;
/// NLP_dist.m): luminance in 0..1, a 6-level Laplacian pyramid with the 5-tap binomial-like filter
/// [0.05 0.25 0.4 0.25 0.05] (symmetric border when reducing, replicate border and zero insertion when expanding), each
/// level divided by σᵢ + a local weighted sum of its magnitudes (the published per-level filters and σ), then the mean
/// over levels of the root-mean-square difference. Lower is better.</summary>
public sealed class Nlpd : IIqaMetric
{
    /// <summary>The descriptor.</summary>
    public static MetricDescriptor Info { get; } = new("nlpd", MetricKind.FullReference, true, "0..~1 (0 = identical)", "Laparra et al. 2016, NLP_dist.m");

    private const int Levels = 6;
    private static readonly double[] Tap = [0.05, 0.25, 0.4, 0.25, 0.05];
    private static readonly Matrix Lowpass = Outer(Tap, Tap);

    // Divisive-normalisation constants of the published model, per level (finest first; the last is the low-pass residual).
    private static readonly double[] Sigmas = [0.0248, 0.0185, 0.0179, 0.0191, 0.0220, 0.2782];
    // Neighbour weights (left, right, above, below) of each level's 3×3 normalisation filter, as conv2 applies it.
    private static readonly Matrix[] NormalisationFilters =
    [
        Cross(0.1493, 0.1460, 0.1011, 0.1015),
        Cross(0.1986, 0.1846, 0.0757, 0.0837),
        Cross(0.2138, 0.2243, 0.0477, 0.0467),
        Cross(0.2503, 0.2616, 0, 0),
        Cross(0.2598, 0.2552, 0, 0),
        Cross(0.2215, 0.0717, 0, 0),
    ];

    /// <inheritdoc />
    public MetricDescriptor Descriptor => Info;

    /// <inheritdoc />
    public double Score(RgbImage image, RgbImage? reference = null)
    {
        reference = IqaInput.Pair(Info, image, reference);
        var distorted = image;
        var a = NormalisedPyramid(Luminance(reference));
        var b = NormalisedPyramid(Luminance(distorted));
        double total = 0;
        for (int level = 0; level < Levels; level++)
        {
            double sum = 0;
            var x = a[level].Data;
            var y = b[level].Data;
            for (int i = 0; i < x.Length; i++) sum += (x[i] - y[i]) * (x[i] - y[i]);
            total += Math.Sqrt(sum / x.Length);
        }
        return total / Levels;
    }

    private static Matrix Luminance(RgbImage image) => Matlab.Rgb2GrayUint8(image).Map(v => v / 255);

    private static Matrix[] NormalisedPyramid(Matrix image)
    {
        var result = new Matrix[Levels];
        var current = image;
        for (int level = 0; level < Levels - 1; level++)
        {
            var reduced = Matlab.FilterSame(current, Lowpass, Padding.Symmetric).Subsample(2);
            var expanded = Expand(reduced, current.Rows, current.Cols);
            var band = Matrix.Zip(current, expanded, (c, e) => c - e);
            result[level] = Normalise(band, level);
            current = reduced;
        }
        result[Levels - 1] = Normalise(current, Levels - 1);
        return result;
    }

    // Zero insertion (×4) of the replicate-padded coarse level, low-pass, cropped to the finer level's size.
    private static Matrix Expand(Matrix coarse, int rows, int cols)
    {
        int pr = coarse.Rows + 2, pc = coarse.Cols + 2;
        var up = new Matrix(2 * pr, 2 * pc);
        for (int r = 0; r < pr; r++)
        {
            int sr = Math.Clamp(r - 1, 0, coarse.Rows - 1);
            for (int c = 0; c < pc; c++) up[2 * r, 2 * c] = 4 * coarse[sr, Math.Clamp(c - 1, 0, coarse.Cols - 1)];
        }
        var smooth = Matlab.FilterSame(up, Lowpass, Padding.Zero);
        var cropped = new Matrix(rows, cols);
        for (int r = 0; r < rows; r++)
            smooth.Data.AsSpan((r + 2) * smooth.Cols + 2, cols).CopyTo(cropped.Data.AsSpan(r * cols, cols));
        return cropped;
    }

    private static Matrix Normalise(Matrix band, int level)
    {
        var magnitude = Matlab.Filter(band.Map(Math.Abs), NormalisationFilters[level], same: true, Padding.Zero);
        return Matrix.Zip(band, magnitude, (v, m) => v / (Sigmas[level] + m));
    }

    // conv2 rotates its kernel: stored here already rotated, so correlation applies the published weights as conv2 does.
    private static Matrix Cross(double left, double right, double above, double below)
    {
        var k = new Matrix(3, 3);
        k[1, 2] = left;
        k[1, 0] = right;
        k[2, 1] = above;
        k[0, 1] = below;
        return k;
    }

    private static Matrix Outer(double[] column, double[] row)
    {
        var k = new Matrix(column.Length, row.Length);
        for (int r = 0; r < column.Length; r++)
            for (int c = 0; c < row.Length; c++) k[r, c] = column[r] * row[c];
        return k;
    }
}

using Fiqa.Imaging;

namespace Fiqa.Iqa.Metrics;

/// <summary>Perception-based Image Quality Evaluator (Venkatanath et al., NCC 2015; MATLAB <c>piqe</c>): grey image
/// rescaled to 0..255 by its maximum, MSCN coefficients (7×7 Gaussian σ = 7/6, replicate border), 16×16 blocks. A block
/// with MSCN variance above 0.1 is active; an active block scores 1 − v when one of its edges has a 6-sample segment
/// with standard deviation below 0.1 (blockiness, flat patches) and v when its centre/surround deviation says Gaussian
/// noise. Score = 100·(Σ block scores + 1)/(active blocks + 1). 0 (excellent) … 100 (bad); lower is better.</summary>
public sealed class Piqe : IIqaMetric
{
    /// <summary>The descriptor.</summary>
    public static MetricDescriptor Info { get; } = new("piqe", MetricKind.NoReference, true, "0..100 (0 = excellent)", "Venkatanath et al. 2015, MATLAB piqe");

    private const int BlockSize = 16, SegmentLength = 6;
    private const double ActivityThreshold = 0.1, ImpairedThreshold = 0.1;
    private static readonly Matrix Window = Matlab.Gaussian(7, 7.0 / 6);

    /// <inheritdoc />
    public MetricDescriptor Descriptor => Info;

    /// <inheritdoc />
    public double Score(RgbImage image, RgbImage? reference = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var grey = Matlab.Rgb2GrayUint8(image);
        double max = grey.Data.Max();
        // An all-black image has no structure to judge: every block is inactive, which the formula scores as 100.
        var scaled = grey.Map(v => max > 0 ? Matlab.Round(255 * v / max) : 0);
        var mscn = NaturalSceneStatistics.Mscn(PadToBlocks(scaled), Window, Padding.Replicate);

        int blockRows = mscn.Rows / BlockSize, blockCols = mscn.Cols / BlockSize;
        var block = new double[BlockSize * BlockSize];
        double distortion = 0;
        int active = 0;
        for (int br = 0; br < blockRows; br++)
            for (int bc = 0; bc < blockCols; bc++)
            {
                for (int r = 0; r < BlockSize; r++)
                    mscn.Data.AsSpan((br * BlockSize + r) * mscn.Cols + bc * BlockSize, BlockSize).CopyTo(block.AsSpan(r * BlockSize));
                double variance = Variance(block);
                if (variance <= ActivityThreshold) continue;
                active++;
                if (HasFlatEdgeSegment(block)) distortion += 1 - variance;
                if (LooksNoisy(block, variance)) distortion += variance;
            }
        return 100 * (distortion + 1) / (active + 1);
    }

    // Symmetric padding at the bottom/right up to a whole number of blocks.
    private static Matrix PadToBlocks(Matrix m)
    {
        int rows = (m.Rows + BlockSize - 1) / BlockSize * BlockSize, cols = (m.Cols + BlockSize - 1) / BlockSize * BlockSize;
        if (rows == m.Rows && cols == m.Cols) return m;
        var padded = new Matrix(rows, cols);
        for (int r = 0; r < rows; r++)
        {
            int sr = r < m.Rows ? r : 2 * m.Rows - 1 - r;
            for (int c = 0; c < cols; c++)
                padded[r, c] = m[Math.Max(sr, 0), Math.Max(c < m.Cols ? c : 2 * m.Cols - 1 - c, 0)];
        }
        return padded;
    }

    // Any 6-long segment of the top row, bottom row, left or right column nearly constant.
    private static bool HasFlatEdgeSegment(double[] block)
    {
        Span<double> edge = stackalloc double[BlockSize];
        for (int side = 0; side < 4; side++)
        {
            for (int i = 0; i < BlockSize; i++)
                edge[i] = side switch
                {
                    0 => block[i],
                    1 => block[i * BlockSize + BlockSize - 1],
                    2 => block[(BlockSize - 1) * BlockSize + i],
                    _ => block[i * BlockSize],
                };
            for (int s = 0; s + SegmentLength <= BlockSize; s++)
                if (Math.Sqrt(Variance(edge.Slice(s, SegmentLength))) < ImpairedThreshold) return true;
        }
        return false;
    }

    // Gaussian noise: the block's σ exceeds twice β = |σ − ρ|/max(σ, ρ), ρ = std(centre two columns)/std(surround).
    // The published code deletes the first centre column and then the column at the second centre's old index, so the
    // surround leaves out columns 7 and 9 (zero-based) while the centre is 7 and 8; the official scores depend on it.
    private static bool LooksNoisy(double[] block, double variance)
    {
        const int c1 = BlockSize / 2 - 1, c2 = BlockSize / 2, skipped = BlockSize / 2 + 1;
        Span<double> centre = stackalloc double[2 * BlockSize];
        Span<double> surround = stackalloc double[(BlockSize - 2) * BlockSize];
        int nc = 0, ns = 0;
        for (int r = 0; r < BlockSize; r++)
            for (int c = 0; c < BlockSize; c++)
            {
                double v = block[r * BlockSize + c];
                if (c == c1 || c == c2) centre[nc++] = v;
                if (c != c1 && c != skipped) surround[ns++] = v;
            }
        double surroundStd = Math.Sqrt(Variance(surround));
        double ratio = surroundStd > 0 ? Math.Sqrt(Variance(centre)) / surroundStd : 0;
        if (double.IsNaN(ratio)) ratio = 0;
        double sigma = Math.Sqrt(variance);
        double beta = Math.Abs(sigma - ratio) / Math.Max(sigma, ratio);
        return sigma > 2 * beta;
    }

    private static double Variance(ReadOnlySpan<double> v)
    {
        double mean = 0;
        foreach (var x in v) mean += x;
        mean /= v.Length;
        double s = 0;
        foreach (var x in v) s += (x - mean) * (x - mean);
        return s / (v.Length - 1);
    }
}

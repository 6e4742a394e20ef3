using System.Numerics;
using Fiqa.Imaging;

namespace Fiqa.Iqa.Metrics;

/// <summary>Which planes MAD runs on.</summary>
public enum MadChannels
{
    /// <summary>R, G and B separately (0..255), the three scores averaged — pyiqa's default and the calibration row's
    /// convention, including its layout of the per-channel block statistics (see <see cref="Mad"/>).</summary>
    Rgb,
    /// <summary>Luma 0.299·R + 0.587·G + 0.114·B only, as the paper's grey-scale MAD (pyiqa's <c>test_y_channel</c>).</summary>
    Luminance,
}

/// <summary>Options of <see cref="Mad"/>.</summary>
public sealed record MadOptions
{
    /// <summary>Planes the index is computed on; default <see cref="MadChannels.Rgb"/>.</summary>
    public MadChannels Channels { get; init; } = MadChannels.Rgb;
}

/// <summary>Most apparent distortion (Larson &amp; Chandler, J. Electronic Imaging 2010). Two strategies per plane
/// (0..255): detection (near-threshold) — display non-linearity L = 0.02874·v^(2.2/3), a contrast sensitivity filter at 32
/// cycles/degree, contrast masking over 16×16 blocks every 4 pixels, weighting the local MSE; appearance
/// (supra-threshold) — a log-Gabor bank of 5 scales (wavelength 3·3ˢ) × 4 orientations and the change of each band's
/// local standard deviation, skewness and kurtosis. MAD = d_detect^α · d_appear^(1−α), α = 1/(1 + β₁·d_detect^β₂).
/// Lower is better (0 = identical).
/// <para>No MATLAB release is distributed; the published calibration values are those of the PyTorch port pyiqa ships
/// (from IQA-optimization), so its conventions are followed where they differ from the paper: the CSF table is laid
/// out as that port lays it out, the appearance weights are indexed by orientation, the log-Gabor DC guard sits where
/// the port puts it, and with three planes the block statistics are arranged as the port's reshape arranges them —
/// the statistic of block k of plane c lands at flat position 3·k + c of the three stacked maps, so the planes' maps
/// interleave. That arrangement is what the reference numbers contain (they are reproduced to their printed digits
/// only with it); with <see cref="MadChannels.Luminance"/> there is one plane and the question does not arise.</para></summary>
public sealed class Mad(MadOptions? options = null) : IIqaMetric
{
    /// <summary>The descriptor.</summary>
    public static MetricDescriptor Info { get; } = new("mad", MetricKind.FullReference, true, "0..~250 (0 = identical)", "Larson & Chandler 2010");

    private const int Block = 16, Stride = 4, Cell = 4, CellsPerBlock = Block / Cell;
    private readonly MadOptions _options = options ?? new MadOptions();

    /// <inheritdoc />
    public MetricDescriptor Descriptor => Info;

    /// <inheritdoc />
    public double Score(RgbImage image, RgbImage? reference = null)
    {
        reference = IqaInput.Pair(Info, image, reference);
        var distorted = image;
        if (Math.Min(reference.Width, reference.Height) < Block)
            throw new ArgumentException($"mad needs at least {Block}×{Block} pixels, got {reference.Width}x{reference.Height}");
        var refs = Planes(reference);
        var dsts = Planes(distorted);
        var detection = Detection(refs, dsts);
        var appearance = Appearance(refs, dsts);
        const double thresh1 = 2.55, thresh2 = 3.35;
        double b1 = Math.Exp(-thresh1 / thresh2), b2 = 1 / (Math.Log(10) * thresh2);
        double total = 0;
        for (int p = 0; p < refs.Length; p++)
        {
            double alpha = 1 / (1 + b1 * Math.Pow(detection[p], b2));
            total += Math.Pow(appearance[p], 1 - alpha) * Math.Pow(detection[p], alpha);
        }
        return total / refs.Length;
    }

    private Matrix[] Planes(RgbImage image) => _options.Channels == MadChannels.Luminance
        ? [Matrix.Weighted(image, 0.299, 0.587, 0.114)]
        : [Matrix.Weighted(image, 1, 0, 0), Matrix.Weighted(image, 0, 1, 0), Matrix.Weighted(image, 0, 0, 1)];

    private static int GridSize(int n) => (n - Block) / Stride + 1;

    // The reference port's arrangement of per-plane block maps (identity for one plane): see the class remarks.
    private static double[][] Interleave(double[][] maps)
    {
        int planes = maps.Length;
        if (planes == 1) return maps;
        int n = maps[0].Length;
        var result = new double[planes][];
        for (int p = 0; p < planes; p++)
        {
            result[p] = new double[n];
            for (int k = 0; k < n; k++)
            {
                int flat = p * n + k;
                result[p][k] = maps[flat % planes][flat / planes];
            }
        }
        return result;
    }

    // Detection-based index per plane: visible-error energy where the error's local contrast exceeds what the reference
    // masks.
    private static double[] Detection(Matrix[] refs, Matrix[] dsts)
    {
        int planes = refs.Length, rows = refs[0].Rows, cols = refs[0].Cols;
        int gr = GridSize(rows), gc = GridSize(cols);
        var csf = ContrastSensitivity(rows, cols);
        var means = new double[planes][];
        var stds = new double[planes][];
        var errorStds = new double[planes][];
        var lmse = new double[planes][];
        for (int p = 0; p < planes; p++)
        {
            var refLum = CsfFilter(refs[p].Map(v => 0.02874 * Math.Pow(v + 1e-12, 2.2 / 3)), csf);
            var dstLum = CsfFilter(dsts[p].Map(v => 0.02874 * Math.Pow(Math.Abs(v) + 1e-12, 2.2 / 3)), csf);
            var error = Matrix.Zip(dstLum, refLum, (d, r) => d - r);
            var refMoments = BlockMoments.Of(refLum.Data, rows, cols, maxOrder: 2);
            means[p] = refMoments.Mean;
            stds[p] = refMoments.Std();
            errorStds[p] = BlockMoments.Of(error.Data, rows, cols, maxOrder: 2).Std();
            // Local MSE of the raw planes over the same blocks.
            var squared = Matrix.Zip(refs[p], dsts[p], (a, b) => (a - b) * (a - b));
            lmse[p] = BlockMoments.Of(squared.Data, rows, cols, maxOrder: 1).Mean;
        }
        means = Interleave(means);
        stds = Interleave(stds);
        errorStds = Interleave(errorStds);

        const double eps = 1e-12, threshold = -5, darkMean = 0.5;
        var result = new double[planes];
        for (int p = 0; p < planes; p++)
        {
            double[] std = stds[p], mean = means[p], errorStd = errorStds[p];
            double sum = 0;
            for (int r = 0; r < gr; r++)
                for (int c = 0; c < gc; c++)
                {
                    int k = r * gc + c;
                    // The reference's masking contrast: the smallest block σ among the block and its upper/left
                    // neighbours, halved.
                    double masking = std[k];
                    if (r > 0) masking = Math.Min(masking, std[k - gc]);
                    if (c > 0) masking = Math.Min(masking, std[k - 1]);
                    if (r > 0 && c > 0) masking = Math.Min(masking, std[k - gc - 1]);
                    masking /= 2;
                    double mu = mean[k];
                    double ciRef = Math.Log(Math.Abs((masking + eps) / (mu + eps)));
                    double ciDst = mu < darkMean ? -1000 : Math.Log(Math.Abs((errorStd[k] + eps) / (mu + eps)));
                    double visibility = 0;
                    if (ciRef > threshold && ciDst > ciRef) visibility = ciDst - ciRef;
                    else if (ciRef <= threshold && ciDst > threshold) visibility = ciDst - threshold;
                    double weighted = visibility * lmse[p][k];
                    sum += weighted * weighted;
                }
            result[p] = Math.Sqrt(sum / (gr * gc)) * 200;
        }
        return result;
    }

    // Mannos–Sakrison-type CSF with the oblique effect (w = 0.7) at 32 cycles/degree, flat 0.9809 below its peak.
    private static double[] ContrastSensitivity(int rows, int cols)
    {
        var csf = new double[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                var plane = new Complex(c - (cols - 1) / 2.0, r - (rows - 1) / 2.0) / cols * 2 * 32;
                const double w = 0.7;
                double radial = plane.Magnitude / ((1 - w) / 2 * Math.Cos(4 * plane.Phase) + (1 + w) / 2);
                csf[r * cols + c] = radial < 7.8909 ? 0.9809 : 2.6 * (0.0192 + 0.114 * radial) * Math.Exp(-Math.Pow(0.114 * radial, 1.1));
            }
        // The port transposes the (rows × cols) table and reads it back row-major as rows × cols.
        var laidOut = new double[csf.Length];
        for (int i = 0; i < laidOut.Length; i++) laidOut[i] = csf[i % rows * cols + i / rows];
        return laidOut;
    }

    // Multiply the centred spectrum by the CSF and return to the image domain (real part).
    private static Matrix CsfFilter(Matrix image, double[] csf)
    {
        int rows = image.Rows, cols = image.Cols;
        var spectrum = Fourier2D.Shift(Fourier2D.Transform(image.Data, rows, cols, inverse: false), rows, cols, inverse: false);
        for (int i = 0; i < spectrum.Length; i++) spectrum[i] *= csf[i];
        spectrum = Fourier2D.Shift(spectrum, rows, cols, inverse: true);
        Fourier2D.Transform(spectrum, rows, cols, inverse: true);
        var result = new Matrix(rows, cols);
        for (int i = 0; i < spectrum.Length; i++) result.Data[i] = spectrum[i].Real;
        return result;
    }

    // Appearance-based index per plane: change of the local statistics of every log-Gabor band's magnitude.
    private static double[] Appearance(Matrix[] refs, Matrix[] dsts)
    {
        int planes = refs.Length, rows = refs[0].Rows, cols = refs[0].Cols, n = GridSize(rows) * GridSize(cols);
        var bank = new LogGaborBank(rows, cols);
        var refSpectra = refs.Select(m => Fourier2D.Transform(m.Data, rows, cols, inverse: false)).ToArray();
        var dstSpectra = dsts.Select(m => Fourier2D.Transform(m.Data, rows, cols, inverse: false)).ToArray();
        double[] orientationWeights = [0.5 / 13.25, 0.75 / 13.25, 1 / 13.25, 5 / 13.25, 6 / 13.25];
        var maps = new double[planes][];
        for (int p = 0; p < planes; p++) maps[p] = new double[n];
        var magnitude = new double[rows * cols];
        for (int o = 0; o < LogGaborBank.Orientations; o++)
            for (int s = 0; s < LogGaborBank.Scales; s++)
            {
                var filter = bank.Filter(o, s);
                BlockMoments[] Band(Complex[][] spectra) => spectra.Select(spectrum =>
                {
                    bank.Magnitude(spectrum, filter, magnitude);
                    return BlockMoments.Of(magnitude, rows, cols, maxOrder: 4);
                }).ToArray();
                var a = Band(refSpectra);
                var b = Band(dstSpectra);
                var stdA = Interleave(a.Select(m => m.Std()).ToArray());
                var stdB = Interleave(b.Select(m => m.Std()).ToArray());
                var skewA = Interleave(a.Select(m => m.Skewness()).ToArray());
                var skewB = Interleave(b.Select(m => m.Skewness()).ToArray());
                var kurtA = Interleave(a.Select(m => m.ExcessKurtosis()).ToArray());
                var kurtB = Interleave(b.Select(m => m.ExcessKurtosis()).ToArray());
                for (int p = 0; p < planes; p++)
                    for (int k = 0; k < n; k++)
                        maps[p][k] += orientationWeights[o] * (Math.Abs(stdA[p][k] - stdB[p][k]) + 2 * Math.Abs(skewA[p][k] - skewB[p][k]) + Math.Abs(kurtA[p][k] - kurtB[p][k]));
            }
        return maps.Select(map =>
        {
            double sum = 0;
            foreach (var v in map) sum += v * v;
            return Math.Sqrt(sum / map.Length);
        }).ToArray();
    }

    // Population mean and central moment sums of every 16×16 block on the 4-pixel grid. Each block is assembled from its
    // sixteen 4×4 cells (moments about the cell's own mean, shifted to the block mean binomially), so a block costs 16
    // cell merges instead of 256 pixels and the sums stay as accurate as a direct two-pass computation.
    private sealed class BlockMoments
    {
        private const int N = Block * Block;
        public required double[] Mean { get; init; }
        public required double[] M2 { get; init; }
        public double[] M3 { get; init; } = [];
        public double[] M4 { get; init; } = [];

        // σ as the port computes it: √(var + 1e-12), population variance.
        public double[] Std() => M2.Select(m2 => Math.Sqrt(m2 / N + 1e-12)).ToArray();

        public double[] Skewness()
        {
            var result = new double[M2.Length];
            for (int k = 0; k < result.Length; k++)
            {
                double std = Math.Sqrt(M2[k] / N + 1e-12);
                result[k] = M3[k] / N / (std * std * std);
            }
            return result;
        }

        public double[] ExcessKurtosis()
        {
            var result = new double[M2.Length];
            for (int k = 0; k < result.Length; k++)
            {
                double variance = M2[k] / N + 1e-12;
                result[k] = M4[k] / N / (variance * variance) - 3;
            }
            return result;
        }

        public static BlockMoments Of(double[] x, int rows, int cols, int maxOrder)
        {
            int cellRows = rows / Cell, cellCols = cols / Cell, cells = cellRows * cellCols;
            // Per cell: mean and Σ(v − mean)^j for j = 1..maxOrder (j = 1 is ~0; kept for exactness of the shift).
            var cellMean = new double[cells];
            var cellSums = new double[maxOrder + 1][];
            for (int j = 1; j <= maxOrder; j++) cellSums[j] = new double[cells];
            for (int cr = 0; cr < cellRows; cr++)
                for (int cc = 0; cc < cellCols; cc++)
                {
                    int cell = cr * cellCols + cc, origin = cr * Cell * cols + cc * Cell;
                    double sum = 0;
                    for (int i = 0; i < Cell; i++)
                        foreach (var v in x.AsSpan(origin + i * cols, Cell)) sum += v;
                    double mean = sum / (Cell * Cell);
                    cellMean[cell] = mean;
                    if (maxOrder < 2) continue;
                    double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
                    for (int i = 0; i < Cell; i++)
                        foreach (var v in x.AsSpan(origin + i * cols, Cell))
                        {
                            double d = v - mean, d2 = d * d;
                            s1 += d;
                            s2 += d2;
                            s3 += d2 * d;
                            s4 += d2 * d2;
                        }
                    cellSums[1][cell] = s1;
                    cellSums[2][cell] = s2;
                    if (maxOrder >= 3) cellSums[3][cell] = s3;
                    if (maxOrder >= 4) cellSums[4][cell] = s4;
                }

            int gr = GridSize(rows), gc = GridSize(cols), blocks = gr * gc;
            var blockMean = new double[blocks];
            var m2 = new double[blocks];
            var m3 = maxOrder >= 3 ? new double[blocks] : [];
            var m4 = maxOrder >= 4 ? new double[blocks] : [];
            const int cellCount = Cell * Cell;
            for (int r = 0; r < gr; r++)
                for (int c = 0; c < gc; c++)
                {
                    // Grid step = cell size, so block (r, c) is cells (r..r+3, c..c+3).
                    double mean = 0;
                    for (int i = 0; i < CellsPerBlock; i++)
                        foreach (var v in cellMean.AsSpan((r + i) * cellCols + c, CellsPerBlock)) mean += v;
                    mean /= CellsPerBlock * CellsPerBlock;
                    int k = r * gc + c;
                    blockMean[k] = mean;
                    if (maxOrder < 2) continue;
                    double t2 = 0, t3 = 0, t4 = 0;
                    for (int i = 0; i < CellsPerBlock; i++)
                        for (int j = 0; j < CellsPerBlock; j++)
                        {
                            int cell = (r + i) * cellCols + c + j;
                            double d = cellMean[cell] - mean, d2 = d * d;
                            double s1 = cellSums[1][cell], s2 = cellSums[2][cell];
                            t2 += s2 + 2 * d * s1 + cellCount * d2;
                            if (maxOrder < 3) continue;
                            double s3 = cellSums[3][cell];
                            t3 += s3 + 3 * d * s2 + 3 * d2 * s1 + cellCount * d2 * d;
                            if (maxOrder < 4) continue;
                            t4 += cellSums[4][cell] + 4 * d * s3 + 6 * d2 * s2 + 4 * d2 * d * s1 + cellCount * d2 * d2;
                        }
                    m2[k] = t2;
                    if (maxOrder >= 3) m3[k] = t3;
                    if (maxOrder >= 4) m4[k] = t4;
                }
            return new BlockMoments { Mean = blockMean, M2 = m2, M3 = m3, M4 = m4 };
        }
    }

    // Log-Gabor filters (5 scales from wavelength 3, ×3; 4 orientations; σ_f ratio 0.55; angular spread π/4/1.5), kept as
    // one radial profile per scale and one angular profile per orientation (FFT order) and multiplied per band on use.
    private sealed class LogGaborBank
    {
        public const int Scales = 5, Orientations = 4;
        private readonly int _rows, _cols;
        private readonly double[][] _radial, _angular;
        private readonly Complex[] _work;

        public LogGaborBank(int rows, int cols)
        {
            _rows = rows;
            _cols = cols;
            int n = rows * cols;
            _work = new Complex[n];
            var logRadius = new double[n];
            var theta = new double[n];
            int guardR = (int)Math.Round(rows / 2.0 + 1), guardC = (int)Math.Round(cols / 2.0 + 1);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                {
                    double x = (c - cols / 2.0) / (cols / 2.0), y = (r - rows / 2.0) / (rows / 2.0);
                    // The port replaces the radius one row and column past the centre (not the centre itself) by 1.
                    double radius = r == guardR && c == guardC ? 1 : Math.Sqrt(x * x + y * y);
                    logRadius[r * cols + c] = Math.Log(radius + 1e-12);
                    theta[r * cols + c] = Math.Atan2(-y, x);
                }
            int centre = (int)Math.Round(rows / 2.0) * cols + (int)Math.Round(cols / 2.0);
            double logSigma = Math.Log(0.55);
            _radial = new double[Scales][];
            for (int s = 0; s < Scales; s++)
            {
                double logRfo = Math.Log(2.0 / (3 * Math.Pow(3, s)));
                var radial = new double[n];
                for (int k = 0; k < n; k++)
                    radial[k] = k == centre ? 0 : Math.Exp((logRadius[k] - logRfo) * (logRadius[k] - logRfo) / (-2 * logSigma * logSigma));
                _radial[s] = Fourier2D.Shift(radial, rows, cols, inverse: false);
            }
            double thetaSigma = Math.PI / Orientations / 1.5;
            _angular = new double[Orientations][];
            for (int o = 0; o < Orientations; o++)
            {
                var spread = LogGabor.AngularSpread(theta, o * Math.PI / Orientations, thetaSigma);
                _angular[o] = Fourier2D.Shift(spread, rows, cols, inverse: false);
            }
        }

        public double[] Filter(int orientation, int scale)
        {
            var filter = new double[_rows * _cols];
            var radial = _radial[scale];
            var angular = _angular[orientation];
            for (int k = 0; k < filter.Length; k++) filter[k] = radial[k] * angular[k];
            return filter;
        }

        // |ifft2(spectrum · filter)| into magnitude, with the port's √(re² + im² + 1e-12).
        public void Magnitude(Complex[] spectrum, double[] filter, double[] magnitude)
        {
            for (int k = 0; k < _work.Length; k++) _work[k] = spectrum[k] * filter[k];
            Fourier2D.Transform(_work, _rows, _cols, inverse: true);
            for (int k = 0; k < _work.Length; k++) magnitude[k] = Math.Sqrt(_work[k].Real * _work[k].Real + _work[k].Imaginary * _work[k].Imaginary + 1e-12);
        }
    }
}

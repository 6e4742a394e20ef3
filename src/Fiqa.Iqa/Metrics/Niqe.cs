using System.Text.Json;
using Fiqa.Imaging;
using MathNet.Numerics.LinearAlgebra;

namespace Fiqa.Iqa.Metrics;

/// <summary>NIQE's pristine model: the mean (36) and covariance (36×36) of the features over pristine patches, and the
/// 7×7 Gaussian window, as in the official release's modelparameters.mat. Lower NIQE is better.</summary>
public sealed record NiqeParameters(double[] Mean, double[,] Covariance, Matrix Window)
{
    /// <summary>Environment variable naming the parameter file.</summary>

    /// <summary>Reads a JSON file with <c>mu_pris_param</c>, <c>cov_pris_param</c> and <c>gaussian_window</c>
    /// (nested arrays; a leading singleton dimension is accepted).</summary>
    public static NiqeParameters Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"NIQE parameter file not found: {path}. Install it with scripts/provision-data.sh, " +
                $"or point ${FiqaPaths.NiqeVariable} at a JSON file holding mu_pris_param, cov_pris_param and gaussian_window from the official release", path);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var mean = Flatten(root.GetProperty("mu_pris_param")).ToArray();
        var cov = Flatten(root.GetProperty("cov_pris_param")).ToArray();
        var win = Flatten(root.GetProperty("gaussian_window")).ToArray();
        int n = mean.Length, w = (int)Math.Round(Math.Sqrt(win.Length));
        if (cov.Length != n * n || w * w != win.Length) throw new InvalidDataException($"{path}: expected a square covariance of {n}×{n} and a square window");
        var c = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) c[i, j] = cov[i * n + j];
        var window = new Matrix(w, w);
        win.CopyTo(window.Data, 0);
        return new NiqeParameters(mean, c, window);
    }

    private static IEnumerable<double> Flatten(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().SelectMany(Flatten) : [e.GetDouble()];
}

/// <summary>NIQE (Mittal, Soundararajan, Bovik, IEEE SPL 2013; computequality.m): MATLAB rgb2gray, image cropped to
/// whole 96×96 blocks, two scales (the second by MATLAB imresize 0.5), per block 18 NSS features (AGGD of the MSCN
/// coefficients and of four neighbour products), a multivariate Gaussian fitted to the blocks, and the distance
/// √((μ₁−μ₂)ᵀ((Σ₁+Σ₂)/2)⁺(μ₁−μ₂)) to the pristine model.</summary>
public sealed class Niqe(NiqeParameters parameters) : IIqaMetric
{
    /// <summary>The descriptor.</summary>
    public static MetricDescriptor Info { get; } = new("niqe", MetricKind.NoReference, true, "0..∞ (≈3 for pristine photos)", "Mittal et al. 2013, niqe_release computequality.m");

    private const int Block = 96;

    /// <inheritdoc />
    public MetricDescriptor Descriptor => Info;

    /// <inheritdoc />
    public double Score(RgbImage image, RgbImage? reference = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var gray = Matlab.Rgb2GrayUint8(image);
        int br = gray.Rows / Block, bc = gray.Cols / Block;
        if (br == 0 || bc == 0) throw new ArgumentException($"image is {image.Width}x{image.Height}; NIQE needs at least one 96×96 block");
        var im = new Matrix(br * Block, bc * Block);
        for (int r = 0; r < im.Rows; r++) for (int c = 0; c < im.Cols; c++) im[r, c] = gray[r, c];

        var features = new double[br * bc][];
        for (int i = 0; i < features.Length; i++) features[i] = new double[36];
        for (int scale = 1; scale <= 2; scale++)
        {
            var mscn = NaturalSceneStatistics.Mscn(im, parameters.Window, Padding.Replicate);
            int size = Block / scale;
            for (int bx = 0; bx < bc; bx++)
                for (int by = 0; by < br; by++)
                {
                    var block = new Matrix(size, size);
                    for (int r = 0; r < size; r++) for (int c = 0; c < size; c++) block[r, c] = mscn[by * size + r, bx * size + c];
                    BlockFeatures(block).CopyTo(features[bx * br + by], (scale - 1) * 18);
                }
            if (scale == 1) im = MatlabResize.Imresize(im, 0.5);
        }
        return Distance(features);
    }

    private static double[] BlockFeatures(Matrix block)
    {
        var f = new List<double>(18);
        var (alpha, l, r) = NaturalSceneStatistics.FitAggd(block.Data);
        double spread = Math.Sqrt(NaturalSceneStatistics.Gamma(1 / alpha) / NaturalSceneStatistics.Gamma(3 / alpha));
        f.Add(alpha);
        f.Add((l + r) * spread / 2);
        foreach (var p in NaturalSceneStatistics.PairedProducts(block))
        {
            double s = Math.Sqrt(NaturalSceneStatistics.Gamma(1 / p.Alpha) / NaturalSceneStatistics.Gamma(3 / p.Alpha));
            f.Add(p.Alpha);
            f.Add(p.Mean);
            f.Add(p.LeftStd * s);
            f.Add(p.RightStd * s);
        }
        return f.ToArray();
    }

    private double Distance(double[][] features)
    {
        int n = parameters.Mean.Length;
        // nanmean over blocks per feature; nancov over the blocks without NaN.
        var mean = new double[n];
        for (int j = 0; j < n; j++)
        {
            var vals = features.Select(f => f[j]).Where(v => !double.IsNaN(v)).ToList();
            mean[j] = vals.Count == 0 ? double.NaN : vals.Average();
        }
        var rows = features.Where(f => !f.Any(double.IsNaN)).ToList();
        var cov = Matrix<double>.Build.Dense(n, n);
        if (rows.Count > 1)
        {
            var rowMean = new double[n];
            for (int j = 0; j < n; j++) rowMean[j] = rows.Average(f => f[j]);
            for (int a = 0; a < n; a++)
                for (int b = a; b < n; b++)
                {
                    double s = 0;
                    foreach (var f in rows) s += (f[a] - rowMean[a]) * (f[b] - rowMean[b]);
                    cov[a, b] = cov[b, a] = s / (rows.Count - 1);
                }
        }
        var pristine = Matrix<double>.Build.DenseOfArray(parameters.Covariance);
        var inv = ((pristine + cov) / 2).PseudoInverse();
        var d = Vector<double>.Build.DenseOfEnumerable(parameters.Mean.Select((m, i) => m - mean[i]));
        return Math.Sqrt(d * inv * d);
    }
}

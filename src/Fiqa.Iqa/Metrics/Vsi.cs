using Fiqa.Imaging;

namespace Fiqa.Iqa.Metrics;

/// <summary>Visual saliency-induced index (Zhang, Shen, Li, IEEE TIP 2014; VSI.m): SDSP saliency (log-Gabor response
/// of CIELAB at 256×256 by MATLAB bilinear <c>imresize</c>, centre prior σ_d = 145, warm-colour prior σ_c = 0.001,
/// resized back and scaled to 0..1), the LMN opponent space, the ⌊min side/256⌉ box average and subsampling, Scharr
/// gradients of L; local similarity S_VS·S_G^0.4·(S_M·S_N)^0.02 weighted by the larger saliency (C = 1.27, 386, 130).
/// Higher is better (1 = identical).</summary>
public sealed class Vsi : IIqaMetric
{
    /// <summary>The descriptor.</summary>
    public static MetricDescriptor Info { get; } = new("vsi", MetricKind.FullReference, false, "0..1 (1 = identical)", "Zhang, Shen, Li 2014, VSI.m");

    private const double ConstVs = 1.27, ConstGradient = 386, ConstChroma = 130, Alpha = 0.40, Lambda = 0.020;
    private const double SigmaF = 1.34, Omega0 = 0.021, SigmaD = 145, SigmaC = 0.001;
    private const int SaliencySize = 256;
    private static readonly double[] LogGabor = LogGaborFilter(SaliencySize, SaliencySize);

    /// <inheritdoc />
    public MetricDescriptor Descriptor => Info;

    /// <inheritdoc />
    public double Score(RgbImage image, RgbImage? reference = null)
    {
        reference = IqaInput.Pair(Info, image, reference);
        var distorted = image;
        var a = Features.Of(reference);
        var b = Features.Of(distorted);
        double sum = 0, weightSum = 0;
        for (int i = 0; i < a.Saliency.Data.Length; i++)
        {
            double va = a.Saliency.Data[i], vb = b.Saliency.Data[i];
            double sVs = Similarity.Of(va, vb, ConstVs);
            double sG = Similarity.Of(a.Gradient.Data[i], b.Gradient.Data[i], ConstGradient);
            double chroma = Similarity.Of(a.M.Data[i], b.M.Data[i], ConstChroma) * Similarity.Of(a.N.Data[i], b.N.Data[i], ConstChroma);
            double chromaTerm = Matlab.RealPower(chroma, Lambda);
            double weight = Math.Max(va, vb);
            sum += Math.Pow(sG, Alpha) * sVs * chromaTerm * weight;
            weightSum += weight;
        }
        return sum / weightSum;
    }

    private sealed record Features(Matrix Saliency, Matrix Gradient, Matrix M, Matrix N)
    {
        public static Features Of(RgbImage image)
        {
            var l = Matrix.Weighted(image, 0.06, 0.63, 0.27);
            var m = Matrix.Weighted(image, 0.30, 0.04, -0.35);
            var n = Matrix.Weighted(image, 0.34, -0.60, 0.17);
            var saliency = Sdsp(Matrix.Weighted(image, 1, 0, 0), Matrix.Weighted(image, 0, 1, 0), Matrix.Weighted(image, 0, 0, 1));
            int f = Math.Max(1, (int)Matlab.Round(Math.Min(image.Width, image.Height) / 256.0));
            l = Matlab.AverageDownsample(l, f);
            return new Features(Matlab.AverageDownsample(saliency, f), Gradients.ScharrMagnitude(l), Matlab.AverageDownsample(m, f), Matlab.AverageDownsample(n, f));
        }
    }

    // SDSP (Zhang, Gong, Zhang, ICASSP 2013): frequency prior × location prior × colour prior.
    private static Matrix Sdsp(Matrix r, Matrix g, Matrix b)
    {
        int rows = r.Rows, cols = r.Cols, n = SaliencySize;
        var (lab0, lab1, lab2) = Lab(
            MatlabResize.Imresize(r, n, n, ResizeKernel.Bilinear),
            MatlabResize.Imresize(g, n, n, ResizeKernel.Bilinear),
            MatlabResize.Imresize(b, n, n, ResizeKernel.Bilinear));
        var frequency = new double[n * n];
        foreach (var channel in new[] { lab0, lab1, lab2 })
        {
            var spectrum = Fourier2D.Transform(channel, n, n, inverse: false);
            for (int i = 0; i < spectrum.Length; i++) spectrum[i] *= LogGabor[i];
            Fourier2D.Transform(spectrum, n, n, inverse: true);
            for (int i = 0; i < spectrum.Length; i++) frequency[i] += spectrum[i].Real * spectrum[i].Real;
        }
        var (minA, maxA) = (lab1.Min(), lab1.Max());
        var (minB, maxB) = (lab2.Min(), lab2.Max());
        var map = new Matrix(n, n);
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                int i = y * n + x;
                double dy = y + 1 - n / 2.0, dx = x + 1 - n / 2.0;
                double location = Math.Exp(-(dx * dx + dy * dy) / (SigmaD * SigmaD));
                double na = (lab1[i] - minA) / (maxA - minA), nb = (lab2[i] - minB) / (maxB - minB);
                double colour = 1 - Math.Exp(-(na * na + nb * nb) / (SigmaC * SigmaC));
                map.Data[i] = Math.Sqrt(frequency[i]) * location * colour;
            }
        var full = MatlabResize.Imresize(map, rows, cols, ResizeKernel.Bilinear);
        // mat2gray: scale to 0..1 by the map's own range.
        double lo = full.Data.Min(), hi = full.Data.Max();
        return full.Map(v => hi > lo ? (v - lo) / (hi - lo) : 0);
    }

    // SDSP's RGB2Lab: sRGB (0..255) → linear → XYZ (sRGB primaries) → CIELAB against the D50 white (0.9642, 1, 0.8251)
    // with CIE's ε = 0.008856 and κ = 903.3, as the published saliency code does it.
    private static (double[] L, double[] A, double[] B) Lab(Matrix r, Matrix g, Matrix b)
    {
        int count = r.Data.Length;
        var l = new double[count];
        var a = new double[count];
        var bb = new double[count];
        for (int i = 0; i < count; i++)
        {
            double lr = Linear(r.Data[i] / 255), lg = Linear(g.Data[i] / 255), lb = Linear(b.Data[i] / 255);
            double x = (lr * 0.4124564 + lg * 0.3575761 + lb * 0.1804375) / 0.9642;
            double y = lr * 0.2126729 + lg * 0.7151522 + lb * 0.0721750;
            double z = (lr * 0.0193339 + lg * 0.1191920 + lb * 0.9503041) / 0.8251;
            double fx = F(x), fy = F(y), fz = F(z);
            l[i] = 116 * fy - 16;
            a[i] = 500 * (fx - fy);
            bb[i] = 200 * (fy - fz);
        }
        return (l, a, bb);

        static double Linear(double v) => v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);
        static double F(double t) => t > 0.008856 ? Math.Cbrt(t) : (903.3 * t + 16) / 116;
    }

    // Log-Gabor transfer function in FFT order (DC first), zero outside radius 0.5 and at DC.
    private static double[] LogGaborFilter(int rows, int cols)
    {
        var radius = new double[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                double u1 = (c + 1 - (cols / 2 + 1)) / (double)(cols - cols % 2);
                double u2 = (r + 1 - (rows / 2 + 1)) / (double)(rows - rows % 2);
                double rad = Math.Sqrt(u1 * u1 + u2 * u2);
                radius[r * cols + c] = rad > 0.5 ? 0 : rad;
            }
        radius = Fourier2D.Shift(radius, rows, cols, inverse: true);
        var filter = new double[radius.Length];
        for (int i = 0; i < filter.Length; i++)
        {
            double rad = i == 0 ? 1 : radius[i];
            double logRatio = Math.Log(rad / Omega0);
            filter[i] = i == 0 ? 0 : Math.Exp(-logRatio * logRatio / (2 * SigmaF * SigmaF));
        }
        return filter;
    }
}

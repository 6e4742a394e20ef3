using Fiqa.Imaging;

namespace Fiqa.Iqa.Metrics;

/// <summary>BRISQUE (Mittal, Moorthy, Bovik, IEEE TIP 2012; brisque_feature.m): MATLAB rgb2gray, MSCN with a 7×7
/// Gaussian (σ = 7/6, filter2 'same', σ + 1 in the denominator), per scale a GGD fit (α, σ²) of the MSCN
/// coefficients and AGGD fits (α, η, σ_l², σ_r²) of the four neighbour products, two scales (MATLAB imresize 0.5):
/// 36 features, scored by an ε-SVR. Lower is better. Models are trained on one feature convention: the original
/// LIVE release on MATLAB's (<see cref="BrisqueConvention.Matlab"/>), OpenCV's LIVE-R2 model on OpenCV's port
/// (<see cref="BrisqueConvention.OpenCv"/>: OpenCV grey in [0, 1], replicated borders, an AGGD fit for the MSCN
/// pair, zero-padded products, unantialiased bicubic second scale, score clamped to [0, 100]).</summary>
public sealed class Brisque(BrisqueModel model, BrisqueConvention convention = BrisqueConvention.OpenCv) : IIqaMetric
{
    /// <summary>The descriptor.</summary>
    public static MetricDescriptor Info { get; } = new("brisque", MetricKind.NoReference, true, "≈0..100 (lower = better)", "Mittal et al. 2012, brisque_feature.m + SVR");

    private static readonly Matrix Window = Matlab.Gaussian(7, 7.0 / 6);

    /// <inheritdoc />
    public MetricDescriptor Descriptor => Info;

    /// <summary>The SVR in use.</summary>
    public BrisqueModel Model => model;

    /// <inheritdoc />
    public double Score(RgbImage image, RgbImage? reference = null)
    {
        double score = model.Predict(Features(image, convention));
        return convention == BrisqueConvention.OpenCv ? Math.Clamp(score, 0, 100) : score;
    }

    /// <summary>The 36 features, in the MATLAB release's order, under a convention.</summary>
    public static double[] Features(RgbImage image, BrisqueConvention convention = BrisqueConvention.Matlab) =>
        convention == BrisqueConvention.OpenCv ? OpenCvFeatures(image) : MatlabFeatures(image);

    private static double[] MatlabFeatures(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var im = Matlab.Rgb2GrayUint8(image);
        var features = new List<double>(36);
        for (int scale = 0; scale < 2; scale++)
        {
            if (im.Rows < 7 || im.Cols < 7) throw new ArgumentException("image too small for BRISQUE's two scales");
            var mscn = NaturalSceneStatistics.Mscn(im, Window, Padding.Zero);
            var (alpha, sigma) = NaturalSceneStatistics.FitGgd(mscn.Data);
            features.Add(alpha);
            features.Add(sigma * sigma);
            foreach (var p in NaturalSceneStatistics.PairedProducts(mscn))
            {
                features.Add(p.Alpha);
                features.Add(p.Mean);
                features.Add(p.LeftStd * p.LeftStd);
                features.Add(p.RightStd * p.RightStd);
            }
            if (scale == 0) im = MatlabResize.Imresize(im, 0.5);
        }
        return features.ToArray();
    }

    // opencv_contrib quality/qualitybrisque.cpp: grey scaled to [0, 1]; per scale an unantialiased bicubic resize
    // (a = −0.75) of that float image, Gaussian σ = 7/6 with replicated borders, σ + 1/255; an AGGD fit also for the
    // MSCN coefficients ((σl² + σr²)/2 as second feature); neighbour products with zeros past the border (no wrap);
    // the shape search stops at the first increase of the mismatch. OpenCV computes in float32; we keep double, which
    // matters only where E[I²] − μ² cancels (flat regions): on TID2013 I19 OpenCV scores 85.65, we 77–79.
    private static double[] OpenCvFeatures(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var g = ColorConversion.ToGray(image);
        var orig = new Matrix(image.Height, image.Width);
        for (int i = 0; i < orig.Data.Length; i++) orig.Data[i] = g.Pixels[i] / 255.0;
        var features = new List<double>(36);
        for (int scale = 0; scale < 2; scale++)
        {
            var im = scale == 0 ? orig : OpenCvCubic(orig, orig.Rows / 2, orig.Cols / 2);
            var mu = Matlab.FilterSame(im, Window, Padding.Replicate);
            var sq = Matlab.FilterSame(im.Map(v => v * v), Window, Padding.Replicate);
            var mscn = new Matrix(im.Rows, im.Cols);
            for (int i = 0; i < mscn.Data.Length; i++)
                mscn.Data[i] = (im.Data[i] - mu.Data[i]) / (Math.Sqrt(sq.Data[i] - mu.Data[i] * mu.Data[i]) + 1.0 / 255);            var (alpha, l, r) = OpenCvAggd(mscn.Data);
            features.Add(alpha);
            features.Add((l * l + r * r) / 2);
            foreach (var (dr, dc) in new[] { (0, 1), (1, 0), (1, 1), (-1, 1) })
            {
                var pair = new double[mscn.Data.Length];
                for (int y = 0; y < mscn.Rows; y++)
                    for (int x = 0; x < mscn.Cols; x++)
                    {
                        int yy = y + dr, xx = x + dc;
                        double other = yy >= 0 && yy < mscn.Rows && xx >= 0 && xx < mscn.Cols ? mscn[yy, xx] : 0;
                        pair[y * mscn.Cols + x] = mscn[y, x] * other;
                    }
                var (a, pl, pr) = OpenCvAggd(pair);
                double g1 = NaturalSceneStatistics.Gamma(1 / a);
                double mean = (pr - pl) * (NaturalSceneStatistics.Gamma(2 / a) / g1) * Math.Sqrt(g1) / Math.Sqrt(NaturalSceneStatistics.Gamma(3 / a));
                features.Add(a);
                features.Add(mean);
                features.Add(pl * pl);
                features.Add(pr * pr);
            }
        }
        return features.ToArray();
    }

    private static (double Alpha, double Left, double Right) OpenCvAggd(double[] v)
    {
        double pos = 0, neg = 0, abs = 0;
        long np = 0, nn = 0;
        foreach (var x in v)
        {
            if (double.IsNaN(x)) continue;
            if (x > 0) { pos += x * x; np++; }
            else if (x < 0) { neg += x * x; nn++; }
            abs += Math.Abs(x);
        }
        double left = Math.Sqrt(neg / nn), right = Math.Sqrt(pos / np);
        double gammaHat = left / right;
        double rHat = Math.Pow(abs / v.Length, 2) / ((neg + pos) / v.Length);
        double rHatNorm = rHat * (Math.Pow(gammaHat, 3) + 1) * (gammaHat + 1) / Math.Pow(gammaHat * gammaHat + 1, 2);
        double prevGamma = 0, prevDiff = 1e10;
        var (shapes, ratios) = OpenCvShapeTable.Value;
        for (int k = 0; k < shapes.Length; k++)
        {
            double diff = Math.Abs(ratios[k] - rHatNorm);
            if (diff > prevDiff) break;
            prevDiff = diff;
            prevGamma = shapes[k];
        }
        return (prevGamma, left, right);
    }

    // OpenCV's shape search steps γ = 0.2, 0.201, … (accumulated, as its loop does) and evaluates Γ(2/γ)²/(Γ(1/γ)Γ(3/γ))
    // at each: the same values for every fit, so they are computed once (three Gamma calls per step were most of a
    // small image's time); same steps, same arithmetic, same result.
    private static readonly Lazy<(double[] Shapes, double[] Ratios)> OpenCvShapeTable = new(() =>
    {
        var shapes = new List<double>(9800);
        var ratios = new List<double>(9800);
        for (double gam = 0.2; gam < 10; gam += 0.001)
        {
            double g2 = NaturalSceneStatistics.Gamma(2 / gam);
            shapes.Add(gam);
            ratios.Add(g2 * g2 / (NaturalSceneStatistics.Gamma(1 / gam) * NaturalSceneStatistics.Gamma(3 / gam)));
        }
        return (shapes.ToArray(), ratios.ToArray());
    });

    // cv::resize INTER_CUBIC on a float image: a = −0.75, source centre (d + 0.5)·in/out − 0.5, clamped taps.
    private static Matrix OpenCvCubic(Matrix im, int rows, int cols)
    {
        static double W(double x)
        {
            const double a = -0.75;
            x = Math.Abs(x);
            return x <= 1 ? ((a + 2) * x - (a + 3)) * x * x + 1 : x < 2 ? ((a * x - 5 * a) * x + 8 * a) * x - 4 * a : 0;
        }
        double sx = (double)im.Cols / cols, sy = (double)im.Rows / rows;
        var tmp = new Matrix(im.Rows, cols);
        for (int c = 0; c < cols; c++)
        {
            double s = (c + 0.5) * sx - 0.5;
            int x0 = (int)Math.Floor(s);
            double f = s - x0;
            for (int r = 0; r < im.Rows; r++)
            {
                double v = 0;
                for (int k = -1; k <= 2; k++) v += W(k - f) * im[r, Math.Clamp(x0 + k, 0, im.Cols - 1)];
                tmp[r, c] = v;
            }
        }
        var result = new Matrix(rows, cols);
        for (int r = 0; r < rows; r++)
        {
            double s = (r + 0.5) * sy - 0.5;
            int y0 = (int)Math.Floor(s);
            double f = s - y0;
            for (int c = 0; c < cols; c++)
            {
                double v = 0;
                for (int k = -1; k <= 2; k++) v += W(k - f) * tmp[Math.Clamp(y0 + k, 0, im.Rows - 1), c];
                result[r, c] = v;
            }
        }
        return result;
    }
}

/// <summary>Which feature-extraction convention a BRISQUE model was trained with.</summary>
public enum BrisqueConvention
{
    /// <summary>The MATLAB release (brisque_feature.m): rgb2gray, zero borders, antialiased imresize.</summary>
    Matlab,
    /// <summary>OpenCV's quality module port (the default model in Debian opencv-data).</summary>
    OpenCv,
}

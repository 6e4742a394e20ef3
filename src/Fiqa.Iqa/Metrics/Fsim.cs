using System.Numerics;
using Fiqa.Imaging;

namespace Fiqa.Iqa.Metrics;

/// <summary>Feature similarity index, colour version FSIMc (Zhang, Zhang, Mou, Zhang, IEEE TIP 2011), implemented from
/// the paper and Kovesi's phase congruency: YIQ, the ⌊min side/256⌉ box average and subsampling, phase congruency of Y
/// (log-Gabor bank of 4 scales from wavelength 6 ×2 and 4 orientations, σ_f ratio 0.55, angular spread π/4/1.2,
/// Butterworth low-pass 0.45/15, Rayleigh noise threshold with k = 2 scaled by 1/1.7), Scharr gradient magnitude;
/// S = S_PC(T₁ = 0.85)·S_G(T₂ = 160)·(S_I·S_Q)^0.03 (T₃ = T₄ = 200), pooled with weight max(PC₁, PC₂).
/// Higher is better (1 = identical).</summary>
public sealed class Fsim : IIqaMetric
{
    /// <summary>The descriptor.</summary>
    public static MetricDescriptor Info { get; } = new("fsim", MetricKind.FullReference, false, "0..1 (1 = identical)", "Zhang et al. 2011 (FSIMc), Kovesi phase congruency");

    private const double T1 = 0.85, T2 = 160, T3 = 200, T4 = 200, Lambda = 0.03;

    // The filter bank depends only on the (downsampled) size and costs 16 inverse FFTs to build: the last one is kept,
    // which serves a batch of equally sized images without growing with every size seen.
    private PhaseCongruency? _lastBank;

    /// <inheritdoc />
    public MetricDescriptor Descriptor => Info;

    /// <inheritdoc />
    public double Score(RgbImage image, RgbImage? reference = null)
    {
        reference = IqaInput.Pair(Info, image, reference);
        var distorted = image;
        int f = Math.Max(1, (int)Matlab.Round(Math.Min(reference.Width, reference.Height) / 256.0));
        var (y1, i1, q1) = Yiq(reference, f);
        var (y2, i2, q2) = Yiq(distorted, f);
        var bank = _lastBank;
        if (bank is null || bank.Rows != y1.Rows || bank.Cols != y1.Cols) _lastBank = bank = new PhaseCongruency(y1.Rows, y1.Cols);
        var pc1 = bank.Compute(y1);
        var pc2 = bank.Compute(y2);
        var g1 = Gradients.ScharrMagnitude(y1);
        var g2 = Gradients.ScharrMagnitude(y2);
        double sum = 0, weightSum = 0;
        for (int k = 0; k < pc1.Length; k++)
        {
            double weight = Math.Max(pc1[k], pc2[k]);
            double chroma = Similarity.Of(i1.Data[k], i2.Data[k], T3) * Similarity.Of(q1.Data[k], q2.Data[k], T4);
            sum += Similarity.Of(pc1[k], pc2[k], T1) * Similarity.Of(g1.Data[k], g2.Data[k], T2) * Matlab.RealPower(chroma, Lambda) * weight;
            weightSum += weight;
        }
        return sum / weightSum;
    }

    private static (Matrix Y, Matrix I, Matrix Q) Yiq(RgbImage image, int f) =>
    (
        Matlab.AverageDownsample(Matrix.Weighted(image, 0.299, 0.587, 0.114), f),
        Matlab.AverageDownsample(Matrix.Weighted(image, 0.596, -0.274, -0.322), f),
        Matlab.AverageDownsample(Matrix.Weighted(image, 0.211, -0.523, 0.312), f)
    );

    // Kovesi's phase congruency (PC₂ measure) for one image size: the filter bank and the noise-model sums are shared by
    // every image of that size.
    private sealed class PhaseCongruency
    {
        private const int Scales = 4, Orientations = 4, MinWavelength = 6, Mult = 2;
        private const double SigmaOnf = 0.55, DThetaOnSigma = 1.2, K = 2.0, Epsilon = 1e-4;

        private readonly int _rows, _cols;
        private readonly double[][][] _filters; // [orientation][scale] in FFT order

        public int Rows => _rows;
        public int Cols => _cols;
        private readonly double[] _firstScaleEnergy = new double[Orientations];
        private readonly double[] _sumAn2 = new double[Orientations];
        private readonly double[] _sumAiAj = new double[Orientations];

        public PhaseCongruency(int rows, int cols)
        {
            _rows = rows;
            _cols = cols;
            int n = rows * cols;
            var radius = new double[n];
            var theta = new double[n];
            var lowpass = new double[n];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                {
                    double x = Axis(c, cols), y = Axis(r, rows);
                    double rad = Math.Sqrt(x * x + y * y);
                    radius[r * cols + c] = rad;
                    theta[r * cols + c] = Math.Atan2(-y, x);
                    lowpass[r * cols + c] = 1 / (1 + Math.Pow(rad / 0.45, 2 * 15));
                }
            radius = Fourier2D.Shift(radius, rows, cols, inverse: true);
            theta = Fourier2D.Shift(theta, rows, cols, inverse: true);
            lowpass = Fourier2D.Shift(lowpass, rows, cols, inverse: true);
            radius[0] = 1;

            var radial = new double[Scales][];
            double logSigma = Math.Log(SigmaOnf);
            for (int s = 0; s < Scales; s++)
            {
                double fo = 1.0 / (MinWavelength * Math.Pow(Mult, s));
                radial[s] = new double[n];
                for (int k = 0; k < n; k++)
                {
                    double l = Math.Log(radius[k] / fo);
                    radial[s][k] = Math.Exp(-l * l / (2 * logSigma * logSigma)) * lowpass[k];
                }
                radial[s][0] = 0;
            }

            double thetaSigma = Math.PI / Orientations / DThetaOnSigma;
            _filters = new double[Orientations][][];
            for (int o = 0; o < Orientations; o++)
            {
                var spread = LogGabor.AngularSpread(theta, o * Math.PI / Orientations, thetaSigma);
                _filters[o] = new double[Scales][];
                var spatial = new double[Scales][];
                for (int s = 0; s < Scales; s++)
                {
                    var filter = new double[n];
                    for (int k = 0; k < n; k++) filter[k] = radial[s][k] * spread[k];
                    _filters[o][s] = filter;
                    // The filter's spatial form (real part of its inverse FFT, scaled by √N) feeds the noise model.
                    spatial[s] = Fourier2D.Transform(filter, rows, cols, inverse: true).Select(v => v.Real * Math.Sqrt(n)).ToArray();
                }
                _firstScaleEnergy[o] = _filters[o][0].Sum(v => v * v);
                for (int s = 0; s < Scales; s++)
                {
                    _sumAn2[o] += spatial[s].Sum(v => v * v);
                    for (int t = s + 1; t < Scales; t++)
                        for (int k = 0; k < n; k++) _sumAiAj[o] += spatial[s][k] * spatial[t][k];
                }
            }
        }

        // MATLAB's frequency axis: [−n/2 … n/2−1]/n for even n, [−(n−1)/2 … (n−1)/2]/(n−1) for odd n.
        private static double Axis(int i, int n) => n % 2 == 0 ? (i - n / 2) / (double)n : (i - (n - 1) / 2) / (double)(n - 1);

        public double[] Compute(Matrix image)
        {
            int n = _rows * _cols;
            var spectrum = Fourier2D.Transform(image.Data, _rows, _cols, inverse: false);
            var energyAll = new double[n];
            var amplitudeAll = new double[n];
            var responses = new Complex[Scales][];
            var sumE = new double[n];
            var sumO = new double[n];
            var energy = new double[n];
            for (int o = 0; o < Orientations; o++)
            {
                Array.Clear(sumE);
                Array.Clear(sumO);
                Array.Clear(energy);
                for (int s = 0; s < Scales; s++)
                {
                    var filter = _filters[o][s];
                    var response = new Complex[n];
                    for (int k = 0; k < n; k++) response[k] = spectrum[k] * filter[k];
                    Fourier2D.Transform(response, _rows, _cols, inverse: true);
                    responses[s] = response;
                    for (int k = 0; k < n; k++)
                    {
                        amplitudeAll[k] += response[k].Magnitude;
                        sumE[k] += response[k].Real;
                        sumO[k] += response[k].Imaginary;
                    }
                }
                for (int k = 0; k < n; k++)
                {
                    double xEnergy = Math.Sqrt(sumE[k] * sumE[k] + sumO[k] * sumO[k]) + Epsilon;
                    double meanE = sumE[k] / xEnergy, meanO = sumO[k] / xEnergy;
                    for (int s = 0; s < Scales; s++)
                    {
                        double e = responses[s][k].Real, od = responses[s][k].Imaginary;
                        energy[k] += e * meanE + od * meanO - Math.Abs(e * meanO - od * meanE);
                    }
                }

                // Noise: the finest scale's squared amplitude is Rayleigh-distributed under Gaussian noise; its median
                // gives the mean, and the filters' own energy turns that into the expected noise energy.
                var squared = responses[0].Select(v => v.Real * v.Real + v.Imaginary * v.Imaginary).ToArray();
                double noisePower = -Median(squared) / Math.Log(0.5) / _firstScaleEnergy[o];
                double noiseEnergy2 = 2 * noisePower * _sumAn2[o] + 4 * noisePower * _sumAiAj[o];
                double tau = Math.Sqrt(noiseEnergy2 / 2);
                double threshold = (tau * Math.Sqrt(Math.PI / 2) + K * Math.Sqrt((2 - Math.PI / 2) * tau * tau)) / 1.7;
                for (int k = 0; k < n; k++) energyAll[k] += Math.Max(energy[k] - threshold, 0);
            }
            var pc = new double[n];
            for (int k = 0; k < n; k++) pc[k] = amplitudeAll[k] > 0 ? energyAll[k] / amplitudeAll[k] : 0;
            return pc;
        }

        private static double Median(double[] values)
        {
            Array.Sort(values);
            int mid = values.Length / 2;
            return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
        }
    }
}

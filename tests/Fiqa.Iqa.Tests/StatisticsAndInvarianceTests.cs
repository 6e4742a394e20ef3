using System.Numerics;
using Fiqa.Imaging;
using Fiqa.Iqa.Metrics;
using Fiqa.Tests;

namespace Fiqa.Iqa.Tests;

public class StatisticsAndInvarianceTests
{
    [Fact]
    public void Correlations_HandComputed()
    {
        double[] x = [1, 2, 3, 4, 5];
        double[] y = [2, 1, 4, 3, 5];
        // Spearman: 1 − 6Σd²/(n(n²−1)) = 1 − 6·4/120 = 0.8; Kendall: (8 − 2)/10 = 0.6; Pearson of these ranks = 0.8.
        Assert.Equal(0.8, IqaStatistics.Spearman(x, y), 12);
        Assert.Equal(0.6, IqaStatistics.Kendall(x, y), 12);
        Assert.Equal(0.8, IqaStatistics.Pearson(x, y), 12);
        // Ties: average ranks; τ-b.
        double[] t = [1, 1, 2, 3];
        double[] u = [1, 2, 3, 4];
        Assert.Equal(0.9486832980505138, IqaStatistics.Spearman(t, u), 12);
        Assert.Equal(5 / Math.Sqrt(5 * 6), IqaStatistics.Kendall(t, u), 12);
    }

    [Fact]
    public void LogisticFit_LinearisesAMonotonicResponse()
    {
        var x = Enumerable.Range(0, 40).Select(i => i / 4.0).ToArray();
        var mos = x.Select(v => 100 / (1 + Math.Exp(-(v - 5))) + Math.Sin(7 * v)).ToArray(); // saturating + small noise
        var raw = IqaStatistics.Pearson(x, mos);
        var five = IqaStatistics.Evaluate(x, mos, IqaStatistics.Logistic.FiveParameter);
        var four = IqaStatistics.Evaluate(x, mos, IqaStatistics.Logistic.FourParameter);
        Assert.True(five.Plcc > raw + 0.02 && five.Plcc > 0.99, $"5-param PLCC {five.Plcc} vs raw {raw}");
        Assert.True(four.Plcc > 0.99);
        Assert.True(five.Srcc > 0.99);
        Assert.True(five.Rmse < 2);
    }

    [Fact]
    public void Bootstrap_IsSeededAndBracketsTheEstimate()
    {
        var rng = new Random(3);
        var x = Enumerable.Range(0, 60).Select(_ => rng.NextDouble()).ToArray();
        var y = x.Select(v => v + 0.3 * rng.NextDouble()).ToArray();
        var a = IqaStatistics.BootstrapInterval(x, y, IqaStatistics.Spearman, 500, seed: 9);
        var b = IqaStatistics.BootstrapInterval(x, y, IqaStatistics.Spearman, 500, seed: 9);
        Assert.Equal(a, b);
        double srcc = IqaStatistics.Spearman(x, y);
        Assert.True(a.Low < srcc && srcc < a.High);
    }

    [Fact]
    public void NoReferenceMetrics_AreNearlyMirrorInvariant()
    {
        // 480×384: whole 96-px NIQE blocks, so mirroring does not change which columns are cropped away.
        var image = Resize.Bilinear(ImageDecoder.Decode(TestData.Shared("calibration/iqa/ref/I04.bmp")), new PixelRect(0, 0, 480, 384), 480, 384);
        var mirrored = Orientation.FlipHorizontal(image);
        var niqe = new Niqe(NiqeParameters.Load(TestData.Shared("calibration/iqa/niqe_pristine_params.json")));
        Assert.InRange(niqe.Score(mirrored) - niqe.Score(image), -0.1, 0.1);
        var brisque = new Brisque(BrisqueModel.Load(TestData.File("iqa/brisque_model_live.yml"), TestData.File("iqa/brisque_range_live.yml")));
        Assert.InRange(brisque.Score(mirrored) - brisque.Score(image), -1, 1);
    }

    [Fact]
    public void FullReference_IdenticalImages_GiveTheBestScore()
    {
        var image = ImageDecoder.Decode(TestData.Shared("calibration/iqa/ref/I06.bmp"));
        Assert.Equal(double.PositiveInfinity, new Psnr().Score(image, image));
        Assert.Equal(1.0, new Ssim().Score(image, image), 12);
        Assert.Equal(1.0, new MsSsim().Score(image, image), 12);
        Assert.Equal(0.0, new Gmsd().Score(image, image), 12);
        Assert.Equal(1.0, new CwSsim().Score(image, image), 9);
        Assert.Equal(1.0, new Vif().Score(image, image), 9);
        Assert.Equal(1.0, new Fsim().Score(image, image), 9);
        Assert.Equal(1.0, new Vsi().Score(image, image), 9);
        Assert.Equal(0.0, new Nlpd().Score(image, image), 12);
        Assert.Equal(0.0, new Mad().Score(image, image), 12);
        Assert.Contains("reference is", Assert.Throws<ArgumentException>(() => new Psnr().Score(image, Resize.Bilinear(image, 100, 100))).Message);
    }

    [Fact]
    public void FullReference_FollowBlurSeverity_AndPiqeFollowsNoise()
    {
        // 256×192 crop keeps the metrics' pyramids meaningful and the test quick.
        var image = Resize.Bilinear(ImageDecoder.Decode(TestData.Shared("calibration/iqa/ref/I19.bmp")), new PixelRect(0, 0, 512, 384), 256, 192);
        IIqaMetric[] metrics = [new CwSsim(), new Vif(), new Fsim(), new Vsi(), new Nlpd(), new Mad(), new Mad(new MadOptions { Channels = MadChannels.Luminance })];
        foreach (var metric in metrics)
        {
            var scores = Enumerable.Range(1, 4).Select(level => metric.Score(Degradation.Apply(image, DegradationKind.Blur, level, seed: 1), image)).ToArray();
            for (int i = 1; i < scores.Length; i++)
            {
                // Worse with every blur level, in the metric's own direction.
                bool worse = metric.Descriptor.LowerIsBetter ? scores[i] > scores[i - 1] : scores[i] < scores[i - 1];
                Assert.True(worse, $"{metric.Descriptor.Name}: {string.Join(", ", scores)}");
            }
        }
        var piqe = new Piqe();
        double clean = piqe.Score(image);
        double noisy = piqe.Score(Degradation.Apply(image, DegradationKind.Noise, 5, seed: 1));
        Assert.True(noisy > clean + 10, $"piqe clean {clean}, noisy {noisy}");
        // A flat image has no active block: the formula's floor of 100 (bad), not a crash.
        Assert.Equal(100, piqe.Score(new RgbImage(64, 64, new byte[64 * 64 * 3])), 9);
    }

    [Fact]
    public void MadOnLuminance_IgnoresAColourShiftThatKeepsLuma_WhileRgbSeesIt()
    {
        // TID2013 I04 shifts R by −26 and G, B by +10, +18: luma is unchanged to within rounding.
        var reference = ImageDecoder.Decode(TestData.Shared("calibration/iqa/ref/I04.bmp"));
        var distorted = ImageDecoder.Decode(TestData.Shared("calibration/iqa/dist/I04.bmp"));
        var settings = IqaSettings.FromPaths(TestData.Paths);
        double rgb = IqaCatalogue.Create("mad", settings).Score(distorted, reference);
        double luma = IqaCatalogue.Create("mad", settings with { MadChannels = MadChannels.Luminance }).Score(distorted, reference);
        Assert.InRange(rgb, 75, 85);
        Assert.InRange(luma, 0, 1);
    }

    /// <summary>MathNet.Numerics (already referenced for the VQEG fits) is the oracle for the project's own 2-D FFT, on the
    /// shapes the metrics transform (FSIM and CW-SSIM on 384×512, VSI's 256×256) and on prime sides that take Bluestein's
    /// path. MathNet's managed provider has no 2-D transform (<c>Forward2D</c> throws NotSupportedException), so the oracle
    /// is its 1-D transform over every row and then every column. The own transform stays because it is faster on these
    /// shapes (bench/README.md, <c>FourierTransforms</c>).</summary>
    [Fact]
    public void Fourier2D_AgreesWithMathNet_ForwardAndInverse_OnTheMetricsShapesAndPrimeSides()
    {
        var random = new Random(11);
        foreach (var (rows, cols) in new[] { (384, 512), (256, 256), (97, 61), (35, 1021) })
        {
            var data = new Complex[rows * cols];
            for (int i = 0; i < data.Length; i++) data[i] = new Complex(random.NextDouble() - 0.5, random.NextDouble() - 0.5);
            foreach (bool inverse in new[] { false, true })
            {
                var ours = (Complex[])data.Clone();
                Fourier2D.Transform(ours, rows, cols, inverse);
                var oracle = MathNetTransform2D(data, rows, cols, inverse);
                double scale = oracle.Max(c => c.Magnitude), worst = 0;
                for (int i = 0; i < data.Length; i++) worst = Math.Max(worst, (ours[i] - oracle[i]).Magnitude);
                Assert.True(worst <= 1e-12 * scale * Math.Log2(rows * cols), $"{rows}×{cols} {(inverse ? "inverse" : "forward")}: largest difference {worst:G3} of {scale:G3}");
            }
        }
    }

    internal static Complex[] MathNetTransform2D(Complex[] data, int rows, int cols, bool inverse)
    {
        var result = (Complex[])data.Clone();
        void Transform(Complex[] line)
        {
            if (inverse) MathNet.Numerics.IntegralTransforms.Fourier.Inverse(line, MathNet.Numerics.IntegralTransforms.FourierOptions.Matlab);
            else MathNet.Numerics.IntegralTransforms.Fourier.Forward(line, MathNet.Numerics.IntegralTransforms.FourierOptions.Matlab);
        }
        var row = new Complex[cols];
        for (int r = 0; r < rows; r++)
        {
            Array.Copy(result, r * cols, row, 0, cols);
            Transform(row);
            Array.Copy(row, 0, result, r * cols, cols);
        }
        var column = new Complex[rows];
        for (int c = 0; c < cols; c++)
        {
            for (int r = 0; r < rows; r++) column[r] = result[r * cols + c];
            Transform(column);
            for (int r = 0; r < rows; r++) result[r * cols + c] = column[r];
        }
        return result;
    }

    [Fact]
    public void Fft_MatchesTheDefinition_ForMixedRadixGeneralAndBluesteinLengths()
    {
        var random = new Random(7);
        foreach (int n in new[] { 1, 2, 6, 12, 15, 2 * 59, 384, 97, 1021 })
        {
            const int batch = 3;
            var data = new Complex[n * batch];
            for (int i = 0; i < data.Length; i++) data[i] = new Complex(random.NextDouble() - 0.5, random.NextDouble() - 0.5);
            var transformed = (Complex[])data.Clone();
            Fft.For(n).Forward(transformed, new Complex[data.Length], batch);
            for (int b = 0; b < batch; b++)
                for (int k = 0; k < n; k++)
                {
                    Complex expected = 0;
                    for (int j = 0; j < n; j++) expected += data[j * batch + b] * Complex.FromPolarCoordinates(1, -2 * Math.PI * ((long)j * k % n) / n);
                    Assert.True((transformed[k * batch + b] - expected).Magnitude < 1e-10 * n, $"n {n}, sequence {b}, bin {k}");
                }
        }
        // fft2 then ifft2 returns the input (MATLAB scaling).
        var image = new Complex[6 * 10];
        for (int i = 0; i < image.Length; i++) image[i] = random.NextDouble();
        var roundTrip = (Complex[])image.Clone();
        Fourier2D.Transform(roundTrip, 6, 10, inverse: false);
        Fourier2D.Transform(roundTrip, 6, 10, inverse: true);
        for (int i = 0; i < image.Length; i++) Assert.True((roundTrip[i] - image[i]).Magnitude < 1e-12);
    }

    [Fact]
    public void Catalogue_CreatesByPyiqaName_AndExplainsMissingModelFiles()
    {
        var settings = IqaSettings.FromPaths(TestData.Paths);
        Assert.Equal("ssim", IqaCatalogue.Create("SSIM", settings).Descriptor.Name);
        var unknown = Assert.Throws<UnknownNameException>(() => IqaCatalogue.Find("ssin")).Message;
        Assert.Contains("did you mean 'ssim'?", unknown);
        Assert.Contains("Valid: psnr, ssim", unknown);
        Assert.DoesNotContain("Parameter", unknown);
        var e = Assert.Throws<FileNotFoundException>(() => IqaCatalogue.Create("niqe", settings with { NiqeParameters = "/nonexistent.json" }));
        Assert.Contains("FIQA_NIQE_PARAMS", e.Message);
        // A full-reference metric says what it needs; a size mismatch names both sizes.
        var small = new RgbImage(32, 32);
        Assert.Contains("needs a reference", Assert.Throws<ArgumentException>(() => new Ssim().Score(small)).Message);
        Assert.Contains("32x32", Assert.Throws<ArgumentException>(() => new Ssim().Score(small, new RgbImage(40, 32))).Message);
    }

    /// <summary>OpenCV's LIVE-R2 BRISQUE model, read as YAML: every support vector, the one decision function and the
    /// range matrix land where OpenCV's quality module reads them; a damaged file is refused naming it and what is missing.</summary>
    [Fact]
    public void BrisqueModel_OpenCvYaml_ReadsEveryPart_ADamagedFileIsRefusedWithItsName()
    {
        string modelPath = TestData.File("iqa/brisque_model_live.yml"), rangePath = TestData.File("iqa/brisque_range_live.yml");
        var model = BrisqueModel.Load(modelPath, rangePath);
        Assert.Equal((774, 36), (model.SupportVectors.Count, model.SupportVectors[0].Length));
        Assert.Equal((0.05, -149.63506109127357), (model.Gamma, model.Rho));
        Assert.Equal(-5.97555935e-01, model.SupportVectors[0][0]);
        Assert.Equal(774, model.Coefficients.Count);
        Assert.Equal(-1024, model.Coefficients[0]);
        Assert.Equal((36, 36, 3.44000012e-01), (model.FeatureMin.Count, model.FeatureMax.Count, model.FeatureMin[0]));
        Assert.Equal((-1.0, 1.0), (model.Lower, model.Upper));

        var folder = TestData.TempDirectory();
        var text = File.ReadAllText(modelPath);
        var noAlphas = Path.Combine(folder, "model.yml");
        File.WriteAllText(noAlphas, text.Replace("alpha:", "beta:", StringComparison.Ordinal));
        var e = Assert.Throws<InvalidDataException>(() => BrisqueModel.Load(noAlphas, rangePath));
        Assert.Equal($"{noAlphas}: no 'alpha'", e.Message);
        var truncated = Path.Combine(folder, "truncated.yml");
        File.WriteAllText(truncated, text[..(text.Length / 2)]);
        Assert.Contains(truncated, Assert.Throws<InvalidDataException>(() => BrisqueModel.Load(truncated, rangePath)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MatlabImresize_HalvesAConstantAndARampExactly()
    {
        var ramp = new Matrix(32, 32);
        for (int r = 0; r < 32; r++) for (int c = 0; c < 32; c++) ramp[r, c] = 3 * c + 7;
        var half = MatlabResize.Imresize(ramp, 0.5);
        Assert.Equal((16, 16), (half.Rows, half.Cols));
        // An antialiased symmetric kernel keeps a linear ramp linear away from the mirrored border (8 taps):
        // output column j is centred on input 2j + 0.5 (zero-based), so interior values are 3(2j + 0.5) + 7.
        for (int j = 3; j < 13; j++) Assert.Equal(3 * (2 * j + 0.5) + 7, half[5, j], 9);
        var constant = MatlabResize.Imresize(new Matrix(9, 7).Map(_ => 42), 0.5);
        Assert.Equal((5, 4), (constant.Rows, constant.Cols));
        Assert.All(constant.Data, v => Assert.Equal(42, v, 9));
    }
}

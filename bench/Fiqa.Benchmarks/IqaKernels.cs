using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Fiqa;
using Fiqa.Imaging;
using Fiqa.Iqa;
using Fiqa.Iqa.Metrics;

namespace Fiqa.Benchmarks;

/// <summary>The full-reference kernels issue 16 set targets for, on face-api sample1.jpg (1920×1280) against its
/// JPEG-30 copy, and one grey plane through the shared filters. Ratios between rows of one run are what to compare.</summary>
[MemoryDiagnoser]
public class IqaKernels
{
    private RgbImage _reference = null!, _distorted = null!;
    private Matrix _grey = null!;
    private static readonly Matrix Gaussian11 = Matlab.Gaussian(11, 1.5);
    private static readonly double[] Gaussian1D = Matlab.Gaussian1D(11, 1.5);

    [GlobalSetup]
    public void Setup()
    {
        var paths = FiqaPaths.Resolve();
        _reference = ImageDecoder.Decode(Path.Combine(paths.Data, "face-api", "sample1.jpg"));
        _distorted = ImageDecoder.Decode(ImageEncoder.Jpeg(_reference, 30));
        _grey = Matlab.Rgb2GrayUint8(_reference);
    }

    [Benchmark(Baseline = true)] public double Psnr() => new Psnr().Score(_distorted, _reference);
    [Benchmark] public double Ssim() => new Ssim().Score(_distorted, _reference);
    [Benchmark] public double MsSsim() => new MsSsim().Score(_distorted, _reference);
    [Benchmark] public double Gmsd() => new Gmsd().Score(_distorted, _reference);
    [Benchmark] public Matrix Rgb2Gray() => Matlab.Rgb2GrayUint8(_reference);
    [Benchmark] public Matrix Gaussian11Separable() => Matlab.FilterValidSeparable(_grey, Gaussian1D, Gaussian1D);
    [Benchmark] public Matrix Gaussian11Same() => Matlab.FilterSame(_grey, Gaussian11, Padding.Replicate);
}

public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

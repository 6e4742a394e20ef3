using System.Numerics;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.IntegralTransforms;

namespace Fiqa.Benchmarks;

/// <summary>Why Fiqa.Iqa keeps its own 2-D FFT beside MathNet.Numerics: the same forward transform (MATLAB's fft2
/// convention) on the shapes the metrics use — FSIM and CW-SSIM on a 384×512 plane, VSI's 256×256 — and on a
/// prime-sided one. MathNet is the baseline (its managed provider has no 2-D transform, so: its 1-D transform over
/// every row, then every column); the tests use it as the oracle.</summary>
[MemoryDiagnoser]
public class FourierTransforms
{
    private Complex[] _data = null!;

    [Params("384x512", "256x256", "97x61")]
    public string Shape { get; set; } = "384x512";

    private (int Rows, int Cols) Size => Shape.Split('x') is [var r, var c] ? (int.Parse(r, System.Globalization.CultureInfo.InvariantCulture), int.Parse(c, System.Globalization.CultureInfo.InvariantCulture)) : throw new InvalidOperationException(Shape);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        var (rows, cols) = Size;
        _data = new Complex[rows * cols];
        for (int i = 0; i < _data.Length; i++) _data[i] = new Complex(random.NextDouble(), 0);
    }

    [Benchmark(Baseline = true)]
    public Complex[] MathNetForward2D()
    {
        var copy = (Complex[])_data.Clone();
        var (rows, cols) = Size;
        var row = new Complex[cols];
        for (int r = 0; r < rows; r++)
        {
            Array.Copy(copy, r * cols, row, 0, cols);
            Fourier.Forward(row, FourierOptions.Matlab);
            Array.Copy(row, 0, copy, r * cols, cols);
        }
        var column = new Complex[rows];
        for (int c = 0; c < cols; c++)
        {
            for (int r = 0; r < rows; r++) column[r] = copy[r * cols + c];
            Fourier.Forward(column, FourierOptions.Matlab);
            for (int r = 0; r < rows; r++) copy[r * cols + c] = column[r];
        }
        return copy;
    }

    [Benchmark]
    public Complex[] FiqaFourier2D()
    {
        var copy = (Complex[])_data.Clone();
        var (rows, cols) = Size;
        Iqa.Fourier2D.Transform(copy, rows, cols, inverse: false);
        return copy;
    }
}

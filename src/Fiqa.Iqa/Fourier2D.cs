using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace Fiqa.Iqa;

/// <summary>Two-dimensional FFT with MATLAB's conventions (fft2/ifft2, fftshift/ifftshift) on row-major data.</summary>
internal static class Fourier2D
{
    /// <summary>The transform of a real array (a new complex array).</summary>
    public static Complex[] Transform(double[] values, int rows, int cols, bool inverse)
    {
        var data = new Complex[values.Length];
        for (int i = 0; i < data.Length; i++) data[i] = values[i];
        Transform(data, rows, cols, inverse);
        return data;
    }

    // MathNet's managed provider has no multi-dimensional transform: rows, then columns (MATLAB scaling: 1/N on inverse).
    public static void Transform(Complex[] data, int rows, int cols, bool inverse)
    {
        var line = new Complex[cols];
        for (int r = 0; r < rows; r++)
        {
            Array.Copy(data, r * cols, line, 0, cols);
            Line(line, inverse);
            Array.Copy(line, 0, data, r * cols, cols);
        }
        line = new Complex[rows];
        for (int c = 0; c < cols; c++)
        {
            for (int r = 0; r < rows; r++) line[r] = data[r * cols + c];
            Line(line, inverse);
            for (int r = 0; r < rows; r++) data[r * cols + c] = line[r];
        }
    }

    private static void Line(Complex[] line, bool inverse)
    {
        if (inverse) Fourier.Inverse(line, FourierOptions.Matlab);
        else Fourier.Forward(line, FourierOptions.Matlab);
    }

    public static T[] Shift<T>(T[] data, int rows, int cols, bool inverse)
    {
        // fftshift moves index i to i + ⌊n/2⌋; ifftshift undoes it.
        int sr = inverse ? rows - rows / 2 : rows / 2, sc = inverse ? cols - cols / 2 : cols / 2;
        var shifted = new T[data.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                shifted[(r + sr) % rows * cols + (c + sc) % cols] = data[r * cols + c];
        return shifted;
    }
}

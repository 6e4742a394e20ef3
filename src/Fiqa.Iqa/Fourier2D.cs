using System.Numerics;

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

    /// <summary>fft2 / ifft2 in place (MATLAB scaling: 1/N on the inverse): every row, then all columns in one batched
    /// pass over contiguous rows.</summary>
    public static void Transform(Complex[] data, int rows, int cols, bool inverse)
    {
        if (inverse) Conjugate(data);
        var work = new Complex[data.Length];
        var rowPlan = Fft.For(cols);
        for (int r = 0; r < rows; r++) rowPlan.Forward(data.AsSpan(r * cols, cols), work, 1);
        Fft.For(rows).Forward(data, work, cols);
        if (!inverse) return;
        // ifft(x) = conj(fft(conj(x))) / N
        double scale = 1.0 / data.Length;
        for (int i = 0; i < data.Length; i++) data[i] = new Complex(data[i].Real * scale, -data[i].Imaginary * scale);
    }

    private static void Conjugate(Complex[] data)
    {
        for (int i = 0; i < data.Length; i++) data[i] = Complex.Conjugate(data[i]);
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

namespace Fiqa.Iqa;

/// <summary>Interpolation kernel of <see cref="MatlabResize"/>.</summary>
public enum ResizeKernel
{
    /// <summary>MATLAB's default cubic (a = −0.5), 4 taps wide.</summary>
    Bicubic,
    /// <summary>'bilinear': the triangle kernel, 2 taps wide.</summary>
    Bilinear,
}

/// <summary>MATLAB's <c>imresize</c> with antialiasing when shrinking: the kernel is stretched by 1/scale, out-of-range
/// taps mirror ("symmetric"), weights are normalised per output sample, dimensions are resized one after the other.</summary>
public static class MatlabResize
{
    private static double Cubic(double x)
    {
        double ax = Math.Abs(x), ax2 = ax * ax, ax3 = ax2 * ax;
        if (ax <= 1) return 1.5 * ax3 - 2.5 * ax2 + 1;
        if (ax <= 2) return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
        return 0;
    }

    private static double Triangle(double x) => Math.Max(0, 1 - Math.Abs(x));

    /// <summary>Bicubic resize by <paramref name="scale"/> (output size ceil(scale · input)).</summary>
    public static Matrix Imresize(Matrix image, double scale)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        int outRows = (int)Math.Ceiling(image.Rows * scale), outCols = (int)Math.Ceiling(image.Cols * scale);
        return Imresize(image, outRows, outCols, ResizeKernel.Bicubic, scale, scale);
    }

    /// <summary><c>imresize(A, [rows cols], kernel)</c>: each dimension scaled by output/input size.</summary>
    public static Matrix Imresize(Matrix image, int outRows, int outCols, ResizeKernel kernel)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outRows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outCols);
        return Imresize(image, outRows, outCols, kernel, (double)outRows / image.Rows, (double)outCols / image.Cols);
    }

    private static Matrix Imresize(Matrix image, int outRows, int outCols, ResizeKernel kernel, double rowScale, double colScale)
    {
        var (rowIdx, rowW) = Contributions(image.Rows, outRows, rowScale, kernel);
        var (colIdx, colW) = Contributions(image.Cols, outCols, colScale, kernel);
        // Rows first (dimension 1), then columns.
        var tmp = new Matrix(outRows, image.Cols);
        int taps = rowW.GetLength(1);
        for (int r = 0; r < outRows; r++)
            for (int c = 0; c < image.Cols; c++)
            {
                double s = 0;
                for (int k = 0; k < taps; k++) s += rowW[r, k] * image[rowIdx[r, k], c];
                tmp[r, c] = s;
            }
        var result = new Matrix(outRows, outCols);
        taps = colW.GetLength(1);
        for (int r = 0; r < outRows; r++)
            for (int c = 0; c < outCols; c++)
            {
                double s = 0;
                for (int k = 0; k < taps; k++) s += colW[c, k] * tmp[r, colIdx[c, k]];
                result[r, c] = s;
            }
        return result;
    }

    // imresize.m contributions(): u = x/scale + 0.5·(1 − 1/scale), taps ceil(kernel width) + 2 starting at
    // floor(u − width/2), kernel h(x) = scale·k(scale·x) when antialiasing a shrink, mirrored indices.
    private static (int[,] Index, double[,] Weight) Contributions(int inLength, int outLength, double scale, ResizeKernel kernel)
    {
        bool antialias = scale < 1;
        Func<double, double> h = kernel == ResizeKernel.Bilinear ? Triangle : Cubic;
        double width = kernel == ResizeKernel.Bilinear ? 2 : 4;
        double kernelWidth = antialias ? width / scale : width;
        int taps = (int)Math.Ceiling(kernelWidth) + 2;
        var index = new int[outLength, taps];
        var weight = new double[outLength, taps];
        for (int i = 0; i < outLength; i++)
        {
            double x = i + 1; // 1-based output coordinate
            double u = x / scale + 0.5 * (1 - 1 / scale);
            double left = Math.Floor(u - kernelWidth / 2);
            double sum = 0;
            for (int k = 0; k < taps; k++)
            {
                double j = left + k; // 1-based input index
                double d = u - j;
                double w = antialias ? scale * h(scale * d) : h(d);
                weight[i, k] = w;
                sum += w;
                index[i, k] = Mirror((int)j - 1, inLength);
            }
            for (int k = 0; k < taps; k++) weight[i, k] /= sum;
        }
        return (index, weight);
    }

    // aux = [1:n, n:-1:1]; index = aux(mod(j − 1, 2n) + 1), zero-based.
    private static int Mirror(int j, int n)
    {
        int m = ((j % (2 * n)) + 2 * n) % (2 * n);
        return m < n ? m : 2 * n - 1 - m;
    }
}

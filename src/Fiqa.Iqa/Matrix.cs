using Fiqa.Imaging;

namespace Fiqa.Iqa;

/// <summary>A dense row-major double matrix: the working type of the metrics, mirroring MATLAB arrays.</summary>
public sealed class Matrix
{
    /// <summary>A zero matrix.</summary>
    public Matrix(int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        Rows = rows;
        Cols = cols;
        Data = new double[rows * cols];
    }

    /// <summary>Number of rows (image height).</summary>
    public int Rows { get; }
    /// <summary>Number of columns (image width).</summary>
    public int Cols { get; }
    /// <summary>Values, row-major.</summary>
    public double[] Data { get; }

    /// <summary>Element (r, c), zero-based.</summary>
    public double this[int r, int c]
    {
        get => Data[r * Cols + c];
        set => Data[r * Cols + c] = value;
    }

    /// <summary>wr·R + wg·G + wb·B of every pixel (0..255 scale): a grey, opponent or single channel plane.</summary>
    public static Matrix Weighted(RgbImage image, double wr, double wg, double wb)
    {
        ArgumentNullException.ThrowIfNull(image);
        var m = new Matrix(image.Height, image.Width);
        var px = image.Pixels;
        for (int i = 0; i < m.Data.Length; i++) m.Data[i] = wr * px[3 * i] + wg * px[3 * i + 1] + wb * px[3 * i + 2];
        return m;
    }

    /// <summary>Element-wise map into a new matrix.</summary>
    public Matrix Map(Func<double, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var m = new Matrix(Rows, Cols);
        for (int i = 0; i < Data.Length; i++) m.Data[i] = f(Data[i]);
        return m;
    }

    /// <summary>Element-wise combination of two matrices of equal size.</summary>
    public static Matrix Zip(Matrix a, Matrix b, Func<double, double, double> f)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(f);
        if (a.Rows != b.Rows || a.Cols != b.Cols) throw new ArgumentException($"size mismatch {a.Rows}x{a.Cols} vs {b.Rows}x{b.Cols}");
        var m = new Matrix(a.Rows, a.Cols);
        for (int i = 0; i < a.Data.Length; i++) m.Data[i] = f(a.Data[i], b.Data[i]);
        return m;
    }

    /// <summary>Mean of all elements.</summary>
    public double Mean() => Data.Length == 0 ? double.NaN : Data.Average();

    /// <summary>Rows r0, r0+step, … and columns c0, c0+step, … (MATLAB <c>A(r0:step:end, c0:step:end)</c>, zero-based).</summary>
    public Matrix Subsample(int step, int r0 = 0, int c0 = 0)
    {
        int rows = (Rows - r0 + step - 1) / step, cols = (Cols - c0 + step - 1) / step;
        var m = new Matrix(rows, cols);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) m[r, c] = this[r0 + r * step, c0 + c * step];
        return m;
    }
}

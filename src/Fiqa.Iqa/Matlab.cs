using System.Numerics.Tensors;
using Fiqa.Imaging;

namespace Fiqa.Iqa;

/// <summary>Border handling of <see cref="Matlab.Filter"/>.</summary>
public enum Padding
{
    /// <summary>Zeros outside (MATLAB's default for filter2/conv2/imfilter).</summary>
    Zero,
    /// <summary>Mirror including the edge sample (imfilter 'symmetric').</summary>
    Symmetric,
    /// <summary>Repeat the edge sample (imfilter 'replicate').</summary>
    Replicate,
    /// <summary>Mirror excluding the edge sample (OpenCV's BORDER_REFLECT_101).</summary>
    Reflect101,
}

/// <summary>The MATLAB conventions the published metric code relies on, reproduced exactly: <c>rgb2gray</c>,
/// <c>fspecial('gaussian')</c>, <c>filter2</c>/<c>imfilter</c> correlation with 'valid' or 'same' output, and
/// round-half-away-from-zero. pyiqa's ResultsCalibra/MatlabReproduceNote.md lists why each matters.</summary>
public static class Matlab
{
    // rgb2gray weights: the Y row of MATLAB's inverse YIQ matrix (as MATLAB computes them, 15 significant digits).
    private const double Rw = 0.298936021293775, Gw = 0.587043074451121, Bw = 0.114020904255103;

    /// <summary>MATLAB <c>round</c>: half away from zero.</summary>
    public static double Round(double v) => Math.Round(v, MidpointRounding.AwayFromZero);

    /// <summary><c>double(rgb2gray(uint8 img))</c>: the weighted sum rounded to an integer, as rgb2gray returns uint8.</summary>
    public static Matrix Rgb2GrayUint8(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var m = new Matrix(image.Height, image.Width);
        var px = image.Pixels;
        for (int i = 0; i < m.Data.Length; i++)
        {
            // Round half away from zero for v ≥ 0 (as Round): v − trunc(v) is exact, so this matches it bit for bit.
            double v = Rw * px[3 * i] + Gw * px[3 * i + 1] + Bw * px[3 * i + 2], t = Math.Truncate(v);
            m.Data[i] = Math.Min(v - t >= 0.5 ? t + 1 : t, 255);
        }
        return m;
    }

    /// <summary><c>fspecial('gaussian', size, sigma)</c>: normalised, and MATLAB's cut-off of tiny values.</summary>
    public static Matrix Gaussian(int size, double sigma) => Gaussian(size, size, sigma);

    /// <summary><c>fspecial('gaussian', [rows cols], sigma)</c>.</summary>
    public static Matrix Gaussian(int rows, int cols, double sigma)
    {
        var k = new Matrix(rows, cols);
        double halfRows = (rows - 1) / 2.0, halfCols = (cols - 1) / 2.0, sum = 0, max = 0;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                double y = r - halfRows, x = c - halfCols;
                double v = Math.Exp(-(x * x + y * y) / (2 * sigma * sigma));
                k[r, c] = v;
                max = Math.Max(max, v);
            }
        for (int i = 0; i < k.Data.Length; i++)
        {
            if (k.Data[i] < double.Epsilon * max) k.Data[i] = 0;
            sum += k.Data[i];
        }
        for (int i = 0; i < k.Data.Length; i++) k.Data[i] /= sum;
        return k;
    }

    /// <summary>2-D correlation of <paramref name="image"/> with <paramref name="kernel"/> (filter2/imfilter).
    /// 'valid' (<paramref name="same"/> false) keeps only full overlaps; 'same' keeps the image size with the kernel
    /// centre at floor((size+1)/2) as MATLAB places it, padding per <paramref name="padding"/>.</summary>
    public static Matrix Filter(Matrix image, Matrix kernel, bool same, Padding padding = Padding.Zero)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(kernel);
        int kr = kernel.Rows, kc = kernel.Cols;
        int outRows = same ? image.Rows : image.Rows - kr + 1, outCols = same ? image.Cols : image.Cols - kc + 1;
        if (outRows <= 0 || outCols <= 0) return new Matrix(Math.Max(0, outRows), Math.Max(0, outCols));
        // MATLAB centre (1-based) floor((k+1)/2) → zero-based offset of the top-left tap.
        int offR = same ? (kr + 1) / 2 - 1 : 0, offC = same ? (kc + 1) / 2 - 1 : 0;
        var result = new Matrix(outRows, outCols);
        var src = image.Data;
        var k = kernel.Data;
        int rows = image.Rows, cols = image.Cols;
        // Columns whose window lies inside the image: there the kernel is applied tap by tap to whole row segments
        // (vectorised); each output still sums its taps in the same order from zero, so the result is bit-identical
        // to the per-pixel loop the border keeps.
        int cLo = Math.Min(offC, outCols), cHi = Math.Clamp(cols - kc + offC + 1, cLo, outCols);
        for (int r = 0; r < outRows; r++)
        {
            int r0 = r - offR;
            if (r0 < 0 || r0 + kr > rows || cHi == cLo)
            {
                for (int c = 0; c < outCols; c++) result.Data[r * outCols + c] = Pixel(r, c);
                continue;
            }
            for (int c = 0; c < cLo; c++) result.Data[r * outCols + c] = Pixel(r, c);
            for (int c = cHi; c < outCols; c++) result.Data[r * outCols + c] = Pixel(r, c);
            Kernels.Correlate2D(src, r0 * cols + cLo - offC, cols, k, kr, kc, result.Data.AsSpan(r * outCols + cLo, cHi - cLo));
        }
        return result;

        double Pixel(int r, int c)
        {
            double s = 0;
            int r0 = r - offR, c0 = c - offC;
            bool inside = r0 >= 0 && c0 >= 0 && r0 + kr <= rows && c0 + kc <= cols;
            for (int i = 0; i < kr; i++)
            {
                int rr = r0 + i;
                for (int j = 0; j < kc; j++)
                {
                    double w = k[i * kc + j];
                    if (w == 0) continue;
                    int cc = c0 + j;
                    double v;
                    if (inside) v = src[rr * cols + cc];
                    else
                    {
                        int pr = Pad(rr, rows, padding), pc = Pad(cc, cols, padding);
                        v = pr < 0 || pc < 0 ? 0 : src[pr * cols + pc];
                    }
                    s += w * v;
                }
            }
            return s;
        }
    }

    /// <summary><c>X = imfilter(X, kernel, padding, 'same'); X(1:step:end, 1:step:end)</c> computing only the kept samples
    /// (each exactly as <see cref="Filter"/> computes it).</summary>
    public static Matrix FilterSameSubsampled(Matrix image, Matrix kernel, Padding padding, int step)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(step);
        int rows = image.Rows, cols = image.Cols, kr = kernel.Rows, kc = kernel.Cols;
        int offR = (kr + 1) / 2 - 1, offC = (kc + 1) / 2 - 1;
        var result = new Matrix((rows + step - 1) / step, (cols + step - 1) / step);
        var src = image.Data;
        var k = kernel.Data;
        for (int R = 0; R < result.Rows; R++)
            for (int C = 0; C < result.Cols; C++)
            {
                int r0 = R * step - offR, c0 = C * step - offC;
                bool inside = r0 >= 0 && c0 >= 0 && r0 + kr <= rows && c0 + kc <= cols;
                double s = 0;
                for (int i = 0; i < kr; i++)
                    for (int j = 0; j < kc; j++)
                    {
                        double w = k[i * kc + j];
                        if (w == 0) continue;
                        double v;
                        if (inside) v = src[(r0 + i) * cols + c0 + j];
                        else
                        {
                            int pr = Pad(r0 + i, rows, padding), pc = Pad(c0 + j, cols, padding);
                            v = pr < 0 || pc < 0 ? 0 : src[pr * cols + pc];
                        }
                        s += w * v;
                    }
                result.Data[R * result.Cols + C] = s;
            }
        return result;
    }

    /// <summary>'valid' correlation with a separable kernel k = column ⊗ row (e.g. a Gaussian window): two 1-D passes,
    /// the same result as <see cref="Filter"/> with the outer-product kernel up to rounding.</summary>
    public static Matrix FilterValidSeparable(Matrix image, double[] column, double[] row)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(row);
        int outRows = image.Rows - column.Length + 1, outCols = image.Cols - row.Length + 1;
        if (outRows <= 0 || outCols <= 0) return new Matrix(Math.Max(0, outRows), Math.Max(0, outCols));
        // Tap by tap over whole rows (vectorised, not fused: each output sums its taps in order from zero, as a
        // per-pixel loop would, so results are bit-identical to it).
        var horizontal = new Matrix(image.Rows, outCols);
        var src = image.Data;
        for (int r = 0; r < image.Rows; r++)
        {
            Kernels.Correlate(src.AsSpan(r * image.Cols, image.Cols), row, horizontal.Data.AsSpan(r * outCols, outCols));
        }
        var result = new Matrix(outRows, outCols);
        var h = horizontal.Data;
        for (int r = 0; r < outRows; r++)
        {
            int top = r;
            Kernels.CorrelateRows(h, k => (top + k) * outCols, column, result.Data.AsSpan(r * outCols, outCols));
        }
        return result;
    }

    /// <summary>'same' correlation with a kernel; rank-1 kernels (Gaussian windows) go through two 1-D passes.</summary>
    public static Matrix FilterSame(Matrix image, Matrix kernel, Padding padding)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(kernel);
        if (!TrySeparate(kernel, out var column, out var row)) return Filter(image, kernel, same: true, padding);
        int offR = (kernel.Rows + 1) / 2 - 1, offC = (kernel.Cols + 1) / 2 - 1;
        int rows = image.Rows, cols = image.Cols;
        var horizontal = new Matrix(rows, cols);
        // Inside columns tap by tap over the row segment (vectorised, same order per output); the border per pixel.
        int cLo = Math.Min(offC, cols), cHi = Math.Clamp(cols - row.Length + offC + 1, cLo, cols);
        for (int r = 0; r < rows; r++)
        {
            var dst = horizontal.Data.AsSpan(r * cols + cLo, cHi - cLo);
            Kernels.Correlate(image.Data.AsSpan(r * cols + cLo - offC, dst.Length + row.Length - 1), row, dst);
        }
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                if (c == cLo) c = cHi;
                if (c >= cols) break;
                double s = 0;
                for (int k = 0; k < row.Length; k++)
                {
                    int cc = c - offC + k;
                    if (cc < 0 || cc >= cols)
                    {
                        cc = Pad(cc, cols, padding);
                        if (cc < 0) continue;
                    }
                    s += row[k] * image.Data[r * cols + cc];
                }
                horizontal.Data[r * cols + c] = s;
            }
        var result = new Matrix(rows, cols);
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < column.Length; k++)
            {
                int rr = r - offR + k;
                if (rr < 0 || rr >= rows)
                {
                    rr = Pad(rr, rows, padding);
                    if (rr < 0) continue;
                }
                var dst = result.Data.AsSpan(r * cols, cols);
                TensorPrimitives.MultiplyAdd(horizontal.Data.AsSpan(rr * cols, cols), column[k], dst, dst);
            }
        return result;
    }

    // k = column ⊗ row exactly enough (relative 1e-12) to filter in two passes.
    private static bool TrySeparate(Matrix k, out double[] column, out double[] row)
    {
        int pr = 0, pc = 0;
        for (int i = 0; i < k.Data.Length; i++) if (Math.Abs(k.Data[i]) > Math.Abs(k.Data[pr * k.Cols + pc])) { pr = i / k.Cols; pc = i % k.Cols; }
        double pivot = k[pr, pc];
        column = new double[k.Rows];
        row = new double[k.Cols];
        if (pivot == 0) return false;
        for (int r = 0; r < k.Rows; r++) column[r] = k[r, pc] / pivot;
        for (int c = 0; c < k.Cols; c++) row[c] = k[pr, c];
        double scale = Math.Abs(pivot);
        for (int r = 0; r < k.Rows; r++)
            for (int c = 0; c < k.Cols; c++)
                if (Math.Abs(column[r] * row[c] - k[r, c]) > 1e-12 * scale) return false;
        return true;
    }

    /// <summary>The normalised 1-D Gaussian whose outer product is <c>fspecial('gaussian', size, sigma)</c>.</summary>
    public static double[] Gaussian1D(int size, double sigma)
    {
        var g = new double[size];
        double half = (size - 1) / 2.0, sum = 0;
        for (int i = 0; i < size; i++) sum += g[i] = Math.Exp(-(i - half) * (i - half) / (2 * sigma * sigma));
        for (int i = 0; i < size; i++) g[i] /= sum;
        return g;
    }

    private static int Pad(int i, int n, Padding padding)
    {
        if (i >= 0 && i < n) return i;
        switch (padding)
        {
            case Padding.Zero:
                return -1;
            case Padding.Replicate:
                return Math.Clamp(i, 0, n - 1);
            case Padding.Reflect101:
                if (n == 1) return 0;
                int p101 = 2 * n - 2;
                int m101 = ((i % p101) + p101) % p101;
                return m101 < n ? m101 : p101 - m101;
            default:
                // Symmetric: ... 2 1 0 | 0 1 2 ... n-1 | n-1 n-2 ...
                int period = 2 * n;
                int m = ((i % period) + period) % period;
                return m < n ? m : period - 1 - m;
        }
    }

    /// <summary><c>X = conv2(X, fspecial('average', f), 'same'); X(1:f:end, 1:f:end)</c>: the box average anchored at the
    /// top-left sample (zeros past the end), every f-th sample kept. f = 1 returns the input.</summary>
    public static Matrix AverageDownsample(Matrix x, int f)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (f == 1) return x;
        var box = new Matrix(f, f);
        Array.Fill(box.Data, 1.0 / (f * f));
        return FilterSameSubsampled(x, box, Padding.Zero, f);
    }

    /// <summary><c>real(x^p)</c>: a negative base takes the principal complex power, |x|^p·cos(pπ).</summary>
    public static double RealPower(double x, double p) => x >= 0 ? Math.Pow(x, p) : Math.Pow(-x, p) * Math.Cos(p * Math.PI);

    /// <summary>Standard deviation with N − 1 normalisation (MATLAB std/std2).</summary>
    public static double Std(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2) return 0;
        double mean = values.Average(), s = 0;
        foreach (var v in values) s += (v - mean) * (v - mean);
        return Math.Sqrt(s / (values.Count - 1));
    }
}

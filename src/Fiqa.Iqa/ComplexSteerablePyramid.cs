using System.Numerics;

namespace Fiqa.Iqa;

/// <summary>The complex (quadrature) steerable pyramid built in the frequency domain as matlabPyrTools'
/// <c>buildSCFpyr(im, levels, orientations − 1)</c> builds it (Portilla &amp; Simoncelli, IJCV 2000): raised-cosine
/// radial masks in log₂ frequency read through a 256-per-octave look-up table with linear interpolation, one-sided
/// angular masks cos^order, every coarser level a centred crop of the spectrum. CW-SSIM only reads the coarsest
/// level's bands, so only those are turned back into the image domain.</summary>
internal static class ComplexSteerablePyramid
{
    private const int RcosSamples = 256;

    /// <summary>The oriented complex bands of level <paramref name="levels"/> (the coarsest), each rows × cols.</summary>
    public static (Complex[][] Bands, int Rows, int Cols) CoarsestBands(Matrix image, int levels, int orientations)
    {
        int rows = image.Rows, cols = image.Cols;
        var spectrum = Fourier2D.Shift(Fourier2D.Transform(image.Data, rows, cols, inverse: false), rows, cols, inverse: false);

        // Normalised polar frequency grid around MATLAB's centre ceil((n + 0.5)/2) (1-based).
        int cr = (int)Math.Ceiling((rows + 0.5) / 2) - 1, cc = (int)Math.Ceiling((cols + 0.5) / 2) - 1;
        var logRadius = new double[rows * cols];
        var angle = new double[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                double x = (c - cc) / (cols / 2.0), y = (r - cr) / (rows / 2.0);
                angle[r * cols + c] = Math.Atan2(y, x);
                // The DC sample borrows its left neighbour's radius so log₂ stays finite.
                if (r == cr && c == cc) x = -1 / (cols / 2.0);
                logRadius[r * cols + c] = Math.Log2(Math.Sqrt(x * x + y * y));
            }

        // Radial transition: Xrcos = −257/256 … 1/256 step 1/256, Yrcos = |cos(π·x/2)| with flat ends.
        double origin = -(RcosSamples + 1) / (double)RcosSamples;
        var yRcos = new double[RcosSamples + 3];
        for (int j = 0; j < yRcos.Length; j++) yRcos[j] = Math.Abs(Math.Cos(Math.PI * (j - RcosSamples - 1) / (2.0 * RcosSamples)));
        yRcos[0] = yRcos[1];
        yRcos[^1] = yRcos[^2];
        var yIrcos = yRcos.Select(v => Math.Sqrt(Math.Abs(1 - v * v))).ToArray();
        const double step = 1.0 / RcosSamples;

        for (int i = 0; i < spectrum.Length; i++) spectrum[i] *= PointOp(logRadius[i], yIrcos, origin, step);
        for (int level = 1; level < levels; level++)
        {
            origin -= 1;
            int loRows = (int)Math.Ceiling((rows - 0.5) / 2), loCols = (int)Math.Ceiling((cols - 0.5) / 2);
            int ctrR = (int)Math.Ceiling((rows + 0.5) / 2), ctrC = (int)Math.Ceiling((cols + 0.5) / 2);
            int startR = ctrR - (int)Math.Ceiling((loRows + 0.5) / 2), startC = ctrC - (int)Math.Ceiling((loCols + 0.5) / 2);
            spectrum = Crop(spectrum, cols, startR, startC, loRows, loCols);
            logRadius = Crop(logRadius, cols, startR, startC, loRows, loCols);
            angle = Crop(angle, cols, startR, startC, loRows, loCols);
            rows = loRows;
            cols = loCols;
            for (int i = 0; i < spectrum.Length; i++) spectrum[i] *= PointOp(logRadius[i], yIrcos, origin, step);
        }
        origin -= 1;

        // Angular masks: 2·√const·cos^order(θ − π·b/n) on the half plane facing the band direction. The common phase
        // factor (−i)^order of the published code is left out: every consumer here multiplies a band by a conjugate band.
        int order = orientations - 1;
        double norm = 2 * Math.Sqrt(Math.Pow(2, 2 * order) * Math.Pow(Factorial(order), 2) / (orientations * Factorial(2 * order)));
        var bands = new Complex[orientations][];
        for (int b = 0; b < orientations; b++)
        {
            var band = new Complex[spectrum.Length];
            for (int i = 0; i < band.Length; i++)
            {
                double theta = angle[i] - Math.PI * b / orientations;
                double wrapped = Mod(Math.PI + theta, 2 * Math.PI) - Math.PI;
                double angular = Math.Abs(wrapped) < Math.PI / 2 ? norm * Math.Pow(Math.Cos(theta), order) : 0;
                band[i] = spectrum[i] * (angular * PointOp(logRadius[i], yRcos, origin, step));
            }
            band = Fourier2D.Shift(band, rows, cols, inverse: true);
            Fourier2D.Transform(band, rows, cols, inverse: true);
            bands[b] = band;
        }
        return (bands, rows, cols);
    }

    // matlabPyrTools pointOp: linear interpolation in a table, extrapolating the end segments.
    private static double PointOp(double value, double[] table, double origin, double increment)
    {
        double position = (value - origin) / increment;
        int index = Math.Clamp((int)Math.Floor(position), 0, table.Length - 2);
        return table[index] + (table[index + 1] - table[index]) * (position - index);
    }

    private static T[] Crop<T>(T[] data, int cols, int startRow, int startCol, int rows, int newCols)
    {
        var cropped = new T[rows * newCols];
        for (int r = 0; r < rows; r++) Array.Copy(data, (startRow + r) * cols + startCol, cropped, r * newCols, newCols);
        return cropped;
    }

    private static double Mod(double a, double m) => a - m * Math.Floor(a / m);

    private static double Factorial(int n)
    {
        double f = 1;
        for (int i = 2; i <= n; i++) f *= i;
        return f;
    }
}

using Fiqa.Imaging;

namespace Fiqa.Iqa.Metrics;

/// <summary>Gradient magnitude similarity deviation (Xue, Zhang, Mou, Bovik, IEEE TIP 2014; GMSD.m): MATLAB rgb2gray,
/// 2×2 mean (conv2 'same') then every other pixel, Prewitt/3 gradients (conv2 'same', zero border), T = 170, and the
/// standard deviation (N − 1) of the similarity map. Lower is better.</summary>
public sealed class Gmsd : IFullReferenceMetric
{
    /// <summary>The descriptor.</summary>
    public static MetricDescriptor Info { get; } = new("gmsd", MetricKind.FullReference, true, "0..~0.35 (0 = identical)", "Xue et al. 2014, GMSD.m");

    private const double T = 170;

    /// <inheritdoc />
    public MetricDescriptor Descriptor => Info;

    /// <inheritdoc />
    public double Score(RgbImage reference, RgbImage distorted)
    {
        SizeCheck.Same(reference, distorted);
        var g1 = GradientMagnitude(Downsample(Matlab.Rgb2GrayUint8(reference)));
        var g2 = GradientMagnitude(Downsample(Matlab.Rgb2GrayUint8(distorted)));
        var map = new double[g1.Data.Length];
        for (int i = 0; i < map.Length; i++)
        {
            double a = g1.Data[i], b = g2.Data[i];
            map[i] = (2 * a * b + T) / (a * a + b * b + T);
        }
        return Matlab.Std(map);
    }

    // conv2(Y, ones(2)/4, 'same') keeps (i, j) = mean of (i..i+1, j..j+1), zeros past the end; then Y(1:2:end, 1:2:end).
    private static Matrix Downsample(Matrix y)
    {
        var box = new Matrix(2, 2);
        for (int i = 0; i < 4; i++) box.Data[i] = 0.25;
        // conv2 flips the kernel; a constant kernel is its own flip, and conv2 'same' with a 2×2 kernel anchors at (1,1).
        return Matlab.Filter(y, box, same: true, Padding.Zero).Subsample(2);
    }

    private static Matrix GradientMagnitude(Matrix y)
    {
        var dx = new Matrix(3, 3);
        for (int r = 0; r < 3; r++) { dx[r, 0] = 1.0 / 3; dx[r, 2] = -1.0 / 3; }
        var dy = new Matrix(3, 3);
        for (int c = 0; c < 3; c++) { dy[0, c] = 1.0 / 3; dy[2, c] = -1.0 / 3; }
        var gx = Matlab.Filter(y, dx, same: true);
        var gy = Matlab.Filter(y, dy, same: true);
        return Matrix.Zip(gx, gy, (a, b) => Math.Sqrt(a * a + b * b));
    }
}

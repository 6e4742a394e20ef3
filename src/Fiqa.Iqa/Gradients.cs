namespace Fiqa.Iqa;

/// <summary>Gradient magnitudes the similarity metrics share.</summary>
internal static class Gradients
{
    private static readonly (Matrix Dx, Matrix Dy) Scharr = Kernels([3, 10, 3], 16);
    private static readonly (Matrix Dx, Matrix Dy) Prewitt = Kernels([1, 1, 1], 3);

    /// <summary>√(Gx² + Gy²) with Scharr's 3-10-3 kernels /16 (conv2 'same', zero border; conv2's kernel flip only
    /// flips the signs).</summary>
    public static Matrix ScharrMagnitude(Matrix image) => Magnitude(image, Scharr);

    /// <summary>The same with Prewitt's kernels /3.</summary>
    public static Matrix PrewittMagnitude(Matrix image) => Magnitude(image, Prewitt);

    private static Matrix Magnitude(Matrix image, (Matrix Dx, Matrix Dy) kernels)
    {
        var gx = Matlab.Filter(image, kernels.Dx, same: true);
        var gy = Matlab.Filter(image, kernels.Dy, same: true);
        return Matrix.Zip(gx, gy, (x, y) => Math.Sqrt(x * x + y * y));
    }

    private static (Matrix Dx, Matrix Dy) Kernels(double[] side, double divisor)
    {
        var dx = new Matrix(3, 3);
        var dy = new Matrix(3, 3);
        for (int i = 0; i < 3; i++)
        {
            dx[i, 0] = side[i] / divisor;
            dx[i, 2] = -side[i] / divisor;
            dy[0, i] = side[i] / divisor;
            dy[2, i] = -side[i] / divisor;
        }
        return (dx, dy);
    }
}

namespace Fiqa.Imaging;

/// <summary>A single-channel float image (luminance, gradients), rows packed without padding.</summary>
public sealed class FloatPlane
{
    /// <summary>Creates a zero plane.</summary>
    public FloatPlane(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        Values = new float[checked(width * height)];
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }
    /// <summary>Values, row-major.</summary>
    public float[] Values { get; }

    /// <summary>One row.</summary>
    public Span<float> Row(int y) => Values.AsSpan(y * Width, Width);

    /// <summary>Value at (x, y) with coordinates clamped to the plane (replicated border).</summary>
    public float At(int x, int y) => Values[Math.Clamp(y, 0, Height - 1) * Width + Math.Clamp(x, 0, Width - 1)];
}

/// <summary>Filters over planes and images: separable Gaussian blur, Sobel gradient magnitude, Laplacian.</summary>
public static class Filters
{
    /// <summary>Gaussian blur of each channel (kernel radius ⌈3σ⌉, replicated border); σ ≤ 0 returns a copy.</summary>
    public static RgbImage GaussianBlur(RgbImage image, double sigma)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (sigma <= 0) return image.Clone();
        var kernel = GaussianKernel(sigma);
        int r = kernel.Length / 2, w = image.Width, h = image.Height;
        var tmp = new float[w * h * 3];
        var src = image.Pixels;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                {
                    float s = 0;
                    for (int k = -r; k <= r; k++) s += kernel[k + r] * src[(y * w + Math.Clamp(x + k, 0, w - 1)) * 3 + c];
                    tmp[(y * w + x) * 3 + c] = s;
                }
        var dst = new RgbImage(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                {
                    float s = 0;
                    for (int k = -r; k <= r; k++) s += kernel[k + r] * tmp[(Math.Clamp(y + k, 0, h - 1) * w + x) * 3 + c];
                    dst.Pixels[(y * w + x) * 3 + c] = (byte)Math.Clamp((int)(s + 0.5f), 0, 255);
                }
        return dst;
    }

    /// <summary>Normalised 1-D Gaussian kernel of radius ⌈3σ⌉.</summary>
    public static float[] GaussianKernel(double sigma)
    {
        int r = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var k = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) sum += k[i + r] = (float)Math.Exp(-i * i / (2 * sigma * sigma));
        for (int i = 0; i < k.Length; i++) k[i] = (float)(k[i] / sum);
        return k;
    }

    /// <summary>Sobel gradient magnitude √(gx² + gy²) (3×3 kernels, replicated border).</summary>
    public static FloatPlane SobelMagnitude(FloatPlane p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var g = new FloatPlane(p.Width, p.Height);
        int w = p.Width, h = p.Height;
        var v = p.Values;
        for (int y = 0; y < h; y++)
        {
            bool edgeRow = y == 0 || y == h - 1;
            for (int x = 0; x < w; x++)
            {
                float gx, gy;
                if (edgeRow || x == 0 || x == w - 1)
                {
                    gx = p.At(x + 1, y - 1) + 2 * p.At(x + 1, y) + p.At(x + 1, y + 1) - p.At(x - 1, y - 1) - 2 * p.At(x - 1, y) - p.At(x - 1, y + 1);
                    gy = p.At(x - 1, y + 1) + 2 * p.At(x, y + 1) + p.At(x + 1, y + 1) - p.At(x - 1, y - 1) - 2 * p.At(x, y - 1) - p.At(x + 1, y - 1);
                }
                else
                {
                    int i = y * w + x;
                    float tl = v[i - w - 1], t = v[i - w], tr = v[i - w + 1], l = v[i - 1], r = v[i + 1], bl = v[i + w - 1], b = v[i + w], br = v[i + w + 1];
                    gx = tr + 2 * r + br - tl - 2 * l - bl;
                    gy = bl + 2 * b + br - tl - 2 * t - tr;
                }
                g.Values[y * w + x] = MathF.Sqrt(gx * gx + gy * gy);
            }
        }
        return g;
    }

    /// <summary>4-neighbour Laplacian (replicated border).</summary>
    public static FloatPlane Laplacian(FloatPlane p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var l = new FloatPlane(p.Width, p.Height);
        int w = p.Width, h = p.Height;
        var v = p.Values;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                l.Values[i] = y == 0 || y == h - 1 || x == 0 || x == w - 1
                    ? p.At(x - 1, y) + p.At(x + 1, y) + p.At(x, y - 1) + p.At(x, y + 1) - 4 * v[i]
                    : v[i - 1] + v[i + 1] + v[i - w] + v[i + w] - 4 * v[i];
            }
        return l;
    }
}

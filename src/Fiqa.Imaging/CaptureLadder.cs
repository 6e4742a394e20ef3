namespace Fiqa.Imaging;

/// <summary>The capture degradations the quality components are calibrated on, each as a ladder of increasing
/// severity in physical units (pixels of blur, noise σ in grey levels, JPEG quality, linear-light exposure gain,
/// down-scaling factor). Unlike <see cref="Degradation"/> (the training set's five fixed levels) the steps are the
/// calibration's, and every step keeps the source's JPEG quality except the JPEG ladder, which re-encodes, so a
/// component that reads the file's quantisation tables sees the same file history throughout.</summary>
public static class CaptureLadder
{
    /// <summary>The ladders: name, unit and steps (mild → severe).</summary>
    public static IReadOnlyList<(string Name, string Unit, double[] Steps)> Ladders { get; } =
    [
        ("blur", "Gaussian σ, px", [1, 2, 3, 4.5]),
        ("motion", "horizontal motion length, px", [3, 6, 9, 13]),
        ("noise", "additive Gaussian σ, grey levels", [5, 10, 20, 30]),
        ("jpeg", "JPEG quality", [50, 30, 15, 7]),
        ("dark", "linear exposure gain", [0.6, 0.4, 0.2, 0.1]),
        ("bright", "linear exposure gain", [1.6, 2.5, 4, 6]),
        ("lowres", "down-scaling factor", [2, 3, 4, 6]),
    ];

    /// <summary>The ladder names.</summary>
    public static IEnumerable<string> Names => Ladders.Select(l => l.Name);

    /// <summary>Applies step value <paramref name="step"/> of ladder <paramref name="ladder"/>; the input is not modified.
    /// Noise is seeded, so equal arguments give equal pixels.</summary>
    public static RgbImage Apply(RgbImage image, string ladder, double step, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(image);
        RgbImage result = ladder switch
        {
            "blur" => Filters.GaussianBlur(image, step),
            "motion" => MotionBlur(image, (int)Math.Round(step)),
            "noise" => Noisy(image, step, seed),
            "jpeg" => ImageDecoder.Decode(ImageEncoder.Jpeg(image, (int)step)),
            "dark" or "bright" => Exposure(image, step),
            "lowres" => Downscaled(image, step),
            _ => throw new ArgumentException($"unknown ladder '{ladder}' (valid: {string.Join(", ", Names)})", nameof(ladder)),
        };
        return ladder == "jpeg" ? result : result.WithJpegQuality(image.JpegQuality);
    }

    /// <summary>Horizontal box blur of <paramref name="length"/> px: a camera or subject moving sideways during exposure.</summary>
    public static RgbImage MotionBlur(RgbImage image, int length)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (length <= 1) return image.Clone();
        int w = image.Width, h = image.Height, half = length / 2;
        var output = new RgbImage(w, h);
        Span<int> sum = stackalloc int[3];
        for (int y = 0; y < h; y++)
        {
            var src = image.Row(y);
            var dst = output.Row(y);
            for (int x = 0; x < w; x++)
            {
                sum.Clear();
                for (int k = 0; k < length; k++)
                {
                    int sx = Math.Clamp(x - half + k, 0, w - 1) * 3;
                    sum[0] += src[sx]; sum[1] += src[sx + 1]; sum[2] += src[sx + 2];
                }
                for (int c = 0; c < 3; c++) dst[x * 3 + c] = (byte)((sum[c] + length / 2) / length);
            }
        }
        return output;
    }

    private static RgbImage Noisy(RgbImage image, double sigma, int seed)
    {
        var noisy = image.Clone();
        Degradation.AddGaussianNoise(noisy.Pixels, sigma, seed);
        return noisy;
    }

    /// <summary>Exposure changed by a gain in linear light (sRGB decoded, scaled, re-encoded and clipped).</summary>
    public static RgbImage Exposure(RgbImage image, double gain)
    {
        ArgumentNullException.ThrowIfNull(image);
        var output = image.Clone();
        Colour.ScaleExposure(output.Pixels, gain);
        return output;
    }

    /// <summary>Resolution lost: down-scaled by <paramref name="factor"/> (halving steps, then bilinear to the exact
    /// size, so every source pixel contributes) and brought back to the original size.</summary>
    public static RgbImage Downscaled(RgbImage image, double factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        int w = Math.Max(1, (int)(image.Width / factor)), h = Math.Max(1, (int)(image.Height / factor));
        var small = image;
        while (small.Width / 2 >= w && small.Height / 2 >= h) small = Resize.Bilinear(small, small.Width / 2, small.Height / 2);
        if (small.Width != w || small.Height != h) small = Resize.Bilinear(small, w, h);
        return Resize.Bilinear(small, image.Width, image.Height);
    }
}

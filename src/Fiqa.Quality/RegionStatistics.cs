using Fiqa.Imaging;

namespace Fiqa.Quality;

/// <summary>Statistics of a plane inside a mask: 256-bin luminance histograms and the moments OFIQ derives from them.</summary>
public static class RegionStatistics
{
    /// <summary>Normalised 256-bin histogram of the plane's values (rounded, clamped to 0..255) inside the mask;
    /// null when the mask is empty.</summary>
    public static double[]? Histogram(FloatPlane plane, bool[] mask)
    {
        ArgumentNullException.ThrowIfNull(plane);
        ArgumentNullException.ThrowIfNull(mask);
        var h = new double[256];
        long n = 0;
        var v = plane.Values;
        var (maskFrom, maskTo) = PolygonMask.Extent(mask);
        for (int i = maskFrom; i < maskTo; i++)
        {
            if (!mask[i]) continue;
            h[Math.Clamp((int)MathF.Round(v[i]), 0, 255)]++;
            n++;
        }
        if (n == 0) return null;
        for (int i = 0; i < 256; i++) h[i] /= n;
        return h;
    }

    /// <summary>Mean of a normalised histogram, as a fraction of 255.</summary>
    public static double Mean(double[] h)
    {
        ArgumentNullException.ThrowIfNull(h);
        double m = 0;
        for (int i = 0; i < h.Length; i++) m += i / 255.0 * h[i];
        return m;
    }

    /// <summary>Variance of a normalised histogram, values as fractions of 255.</summary>
    public static double Variance(double[] h)
    {
        double m = Mean(h), v = 0;
        for (int i = 0; i < h.Length; i++) v += (i / 255.0 - m) * (i / 255.0 - m) * h[i];
        return v;
    }

    /// <summary>Shannon entropy of a normalised histogram, bits.</summary>
    public static double Entropy(double[] h)
    {
        ArgumentNullException.ThrowIfNull(h);
        double e = 0;
        foreach (var p in h) if (p > 0) e -= p * Math.Log2(p);
        return e;
    }

    /// <summary>Probability mass of bins [from, to].</summary>
    public static double Mass(double[] h, int from, int to)
    {
        ArgumentNullException.ThrowIfNull(h);
        double s = 0;
        for (int i = from; i <= to; i++) s += h[i];
        return s;
    }

    /// <summary>Number of true entries.</summary>
    public static int Count(bool[] mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        int n = 0;
        foreach (var m in mask) if (m) n++;
        return n;
    }

    /// <summary>True when (r, g, b) has the chroma of skin or lips (YCbCr: 77 ≤ Cb ≤ 135, 133 ≤ Cr ≤ 180; Chai and
    /// Ngan 1999, widened in Cr for lips). Used where OFIQ uses a segmentation network we do not have.</summary>
    public static bool IsSkinChroma(byte r, byte g, byte b)
    {
        var (cb, cr) = Chroma(r, g, b);
        return cb is >= 77 and <= 135 && cr is >= 133 and <= 180;
    }

    /// <summary>ITU-R BT.601 chroma (Cb, Cr) of an 8-bit RGB colour, 0..255 with 128 neutral.</summary>
    public static (double Cb, double Cr) Chroma(byte r, byte g, byte b) =>
        (128 - 0.168736 * r - 0.331264 * g + 0.5 * b, 128 + 0.5 * r - 0.418688 * g - 0.081312 * b);

    /// <summary>Fraction (0..1) of masked portrait pixels that are not skin-or-lip coloured; NaN when the mask is empty.</summary>
    public static double NonSkinFraction(RgbImage image, bool[] mask)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(mask);
        long n = 0, other = 0;
        var px = image.Pixels;
        var (maskFrom, maskTo) = PolygonMask.Extent(mask);
        for (int i = maskFrom; i < maskTo; i++)
        {
            if (!mask[i]) continue;
            n++;
            if (!IsSkinChroma(px[3 * i], px[3 * i + 1], px[3 * i + 2])) other++;
        }
        return n == 0 ? double.NaN : (double)other / n;
    }
}

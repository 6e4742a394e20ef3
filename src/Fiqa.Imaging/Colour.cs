namespace Fiqa.Imaging;

/// <summary>Colour-space conversions used by quality measures (IEC 61966-2-1 sRGB, CIE 1976 L*a*b*, D65).</summary>
public static class Colour
{
    private static readonly double[] LinearLut = BuildLinearLut();

    private static double[] BuildLinearLut()
    {
        var lut = new double[256];
        for (int i = 0; i < 256; i++)
        {
            double c = i / 255.0;
            lut[i] = c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return lut;
    }

    /// <summary>Linear-light value (0..1) of an 8-bit sRGB component.</summary>
    public static double Linear(byte value) => LinearLut[value];

    /// <summary>The 8-bit sRGB code (rounded, clamped) of a linear-light value (0..1).</summary>
    public static byte Encode(double linear)
    {
        double c = linear <= 0.0031308 ? 12.92 * linear : 1.055 * Math.Pow(linear, 1 / 2.4) - 0.055;
        return (byte)Math.Clamp(Math.Round(255 * c), 0, 255);
    }

    /// <summary>Scales exposure in place by <paramref name="gain"/> in linear light: sRGB decoded, scaled, clipped at
    /// white, re-encoded.</summary>
    public static void ScaleExposure(Span<byte> pixels, double gain)
    {
        Span<byte> table = stackalloc byte[256];
        for (int v = 0; v < 256; v++) table[v] = Encode(Math.Min(1, Linear((byte)v) * gain));
        for (int k = 0; k < pixels.Length; k++) pixels[k] = table[pixels[k]];
    }

    /// <summary>Relative luminance Y (0..1) of linearised sRGB (Rec. 709 primaries): 0.2126 R + 0.7152 G + 0.0722 B.</summary>
    public static double Luminance(byte r, byte g, byte b) => 0.2126 * LinearLut[r] + 0.7152 * LinearLut[g] + 0.0722 * LinearLut[b];

    /// <summary>Luminance plane, values Y·255 (0..255), as OFIQ's luminance measures use it.</summary>
    public static FloatPlane LuminancePlane(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var plane = new FloatPlane(image.Width, image.Height);
        var px = image.Pixels;
        for (int i = 0, j = 0; i < plane.Values.Length; i++, j += 3)
            plane.Values[i] = (float)(255 * Luminance(px[j], px[j + 1], px[j + 2]));
        return plane;
    }

    /// <summary>CIE L*a*b* (D65 white) of an 8-bit sRGB colour.</summary>
    public static (double L, double A, double B) ToLab(byte r, byte g, byte b)
    {
        double lr = LinearLut[r], lg = LinearLut[g], lb = LinearLut[b];
        double x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / 0.95047;
        double y = 0.2126729 * lr + 0.7151522 * lg + 0.0721750 * lb;
        double z = (0.0193339 * lr + 0.1191920 * lg + 0.9503041 * lb) / 1.08883;
        static double F(double t) => t > 216.0 / 24389 ? Math.Cbrt(t) : (24389.0 / 27 * t + 16) / 116;
        double fx = F(x), fy = F(y), fz = F(z);
        return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz));
    }
}

/// <summary>Rasterised polygons: which pixels of a width×height grid lie inside (pixel centres, even-odd rule).</summary>
public static class PolygonMask
{
    /// <summary>A mask with true inside the polygon.</summary>
    public static bool[] Fill(ReadOnlySpan<System.Numerics.Vector2> polygon, int width, int height)
    {
        var mask = new bool[width * height];
        if (polygon.Length < 3) return mask;
        var xs = new List<float>();
        // Only the rows whose pixel centres the polygon's vertical extent can reach.
        float top = float.PositiveInfinity, bottom = float.NegativeInfinity;
        foreach (var p in polygon) { top = Math.Min(top, p.Y); bottom = Math.Max(bottom, p.Y); }
        int firstRow = Math.Max(0, (int)Math.Floor(top - 0.5f)), lastRow = Math.Min(height - 1, (int)Math.Ceiling(bottom));
        for (int y = firstRow; y <= lastRow; y++)
        {
            float cy = y + 0.5f;
            xs.Clear();
            for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
            {
                var a = polygon[i];
                var b = polygon[j];
                if ((a.Y > cy) != (b.Y > cy)) xs.Add(a.X + (cy - a.Y) / (b.Y - a.Y) * (b.X - a.X));
            }
            xs.Sort();
            for (int k = 0; k + 1 < xs.Count; k += 2)
            {
                int x0 = Math.Max(0, (int)Math.Ceiling(xs[k] - 0.5f)), x1 = Math.Min(width - 1, (int)Math.Floor(xs[k + 1] - 0.5f));
                for (int x = x0; x <= x1; x++) mask[y * width + x] = true;
            }
        }
        return mask;
    }

    /// <summary>The index range [From, To) from a mask's first true element to just past its last (From = To = 0 when
    /// none is true): loops over a small region then visit only its rows, in the same order.</summary>
    public static (int From, int To) Extent(ReadOnlySpan<bool> mask)
    {
        int from = mask.IndexOf(true);
        return from < 0 ? (0, 0) : (from, mask.LastIndexOf(true) + 1);
    }
}

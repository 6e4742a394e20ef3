namespace Fiqa.Imaging;

/// <summary>An 8-bit sRGB image, interleaved R,G,B, rows packed without padding. Operations never mutate
/// their input: they return new images.</summary>
public sealed class RgbImage
{
    /// <summary>Creates an image over <paramref name="pixels"/> (length must be width·height·3); the array is owned by the image.</summary>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != checked(width * height * 3))
            throw new ArgumentException($"expected {width}x{height}x3 = {width * height * 3} bytes, got {pixels.Length}", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>A black image of the given size.</summary>
    public RgbImage(int width, int height) : this(width, height, new byte[checked(width * height * 3)]) { }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Interleaved RGB bytes, row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>Bytes per row (width·3).</summary>
    public int Stride => Width * 3;

    /// <summary>One row of interleaved RGB bytes.</summary>
    public Span<byte> Row(int y) => Pixels.AsSpan(y * Stride, Stride);

    /// <summary>A copy that shares nothing with this image.</summary>
    public RgbImage Clone() => new(Width, Height, (byte[])Pixels.Clone()) { JpegQuality = JpegQuality };

    /// <summary>The IJG quality of the JPEG file the pixels were decoded from (see <see cref="Imaging.JpegQuality"/>);
    /// null for other formats and for images made in memory.</summary>
    public int? JpegQuality { get; init; }

    /// <summary>The same pixels (shared, not copied) carrying <paramref name="jpegQuality"/>.</summary>
    public RgbImage WithJpegQuality(int? jpegQuality) => jpegQuality == JpegQuality ? this : new(Width, Height, Pixels) { JpegQuality = jpegQuality };
}

/// <summary>An 8-bit single-channel image, rows packed without padding.</summary>
public sealed class GrayImage
{
    /// <summary>Creates an image over <paramref name="pixels"/> (length must be width·height); the array is owned by the image.</summary>
    public GrayImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != checked(width * height))
            throw new ArgumentException($"expected {width}x{height} = {width * height} bytes, got {pixels.Length}", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Grey levels, row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>One row of grey levels.</summary>
    public Span<byte> Row(int y) => Pixels.AsSpan(y * Width, Width);
}

/// <summary>An integer pixel rectangle.</summary>
public readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    /// <summary>Exclusive right edge.</summary>
    public int Right => X + Width;

    /// <summary>Exclusive bottom edge.</summary>
    public int Bottom => Y + Height;

    /// <summary>This rectangle intersected with a width×height image; empty (0 size) if disjoint.</summary>
    public PixelRect ClampTo(int width, int height)
    {
        int x0 = Math.Clamp(X, 0, width), y0 = Math.Clamp(Y, 0, height);
        int x1 = Math.Clamp(Right, 0, width), y1 = Math.Clamp(Bottom, 0, height);
        return new PixelRect(x0, y0, Math.Max(0, x1 - x0), Math.Max(0, y1 - y0));
    }
}

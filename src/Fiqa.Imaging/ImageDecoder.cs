using SkiaSharp;

namespace Fiqa.Imaging;

/// <summary>Limits and choices for decoding. Limits are checked before any pixel memory is allocated.</summary>
public sealed record DecodeOptions
{
    /// <summary>Largest accepted encoded size in bytes (default 64 MiB).</summary>
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest accepted width·height, read from the header (default 50 megapixels).</summary>
    public long MaxPixels { get; init; } = 50_000_000;

    /// <summary>Rotate/flip by the EXIF orientation tag so faces come out upright (default on).</summary>
    public bool ApplyExifOrientation { get; init; } = true;

    /// <summary>Accept a file whose data ends early (the missing part decodes as grey); default off: such a file is an error.</summary>
    public bool AllowTruncated { get; init; }

    /// <summary>Background that translucent pixels are composited onto, as 0xRRGGBB (default white).</summary>
    public int AlphaBackground { get; init; } = 0xFFFFFF;

    /// <summary>The defaults.</summary>
    public static DecodeOptions Default { get; } = new();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxPixels);
    }
}

/// <summary>A file that could not be turned into an image, with a reason a person can act on.</summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImageDecodeException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public ImageDecodeException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public ImageDecodeException() { }
}

/// <summary>Decodes JPEG, PNG, GIF (first frame), BMP, WebP and other formats SkiaSharp reads into 8-bit RGB:
/// grey, palette, 16-bit, CMYK and alpha inputs are all converted; EXIF orientation is applied.</summary>
public static class ImageDecoder
{
    /// <summary>Decodes a file. Throws <see cref="ImageDecodeException"/> with the reason when it cannot.</summary>
    public static RgbImage Decode(string path, DecodeOptions? options = null)
    {
        options ??= DecodeOptions.Default;
        options.Validate();
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists) throw new ImageDecodeException("file not found");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ImageDecodeException($"cannot open file: {e.Message}", e);
        }
        if (info.Length > options.MaxBytes)
            throw new ImageDecodeException($"file is {info.Length} bytes, over the limit of {options.MaxBytes} bytes");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException($"cannot read file: {e.Message}", e);
        }
        return Decode(bytes, options);
    }

    /// <summary>Decodes a file, or gives the reason it cannot (<see cref="Decode(string, DecodeOptions?)"/>'s message), for
    /// loops that skip a bad file and go on.</summary>
    public static bool TryDecode(string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RgbImage? image,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? reason, DecodeOptions? options = null)
    {
        try
        {
            image = Decode(path, options);
            reason = null;
            return true;
        }
        catch (ImageDecodeException e)
        {
            image = null;
            reason = e.Message;
            return false;
        }
    }

    /// <summary>Decodes encoded bytes. Throws <see cref="ImageDecodeException"/> with the reason when it cannot.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, DecodeOptions? options = null)
    {
        options ??= DecodeOptions.Default;
        options.Validate();
        if (encoded.IsEmpty) throw new ImageDecodeException("file is empty");
        if (encoded.Length > options.MaxBytes)
            throw new ImageDecodeException($"data is {encoded.Length} bytes, over the limit of {options.MaxBytes} bytes");

        using var codec = OpenCodec(encoded, out var createResult);
        if (codec is null)
            throw new ImageDecodeException(createResult switch
            {
                SKCodecResult.IncompleteInput => "image header is truncated",
                SKCodecResult.Unimplemented or SKCodecResult.InvalidInput => "not an image in a supported format (JPEG, PNG, GIF, BMP, WebP, ICO, WBMP)",
                _ => $"not a decodable image ({createResult})",
            });

        int width = codec.Info.Width, height = codec.Info.Height;
        if (width <= 0 || height <= 0) throw new ImageDecodeException($"invalid dimensions {width}x{height}");
        long pixels = (long)width * height;
        if (pixels > options.MaxPixels)
            throw new ImageDecodeException($"image is {width}x{height} = {pixels} pixels, over the limit of {options.MaxPixels} pixels");

        // Unpremultiplied RGBA without colour-space conversion: raw encoded values, alpha handled below.
        var rgbaInfo = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[checked(width * height * 4)];
        SKCodecResult result;
        unsafe
        {
            fixed (byte* p = rgba)
            {
                // Frame 0 only: the first frame of an animation is the image.
                result = codec.GetPixels(rgbaInfo, (IntPtr)p, new SKCodecOptions(0));
            }
        }
        switch (result)
        {
            case SKCodecResult.Success:
                break;
            case SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput when options.AllowTruncated:
                break;
            case SKCodecResult.IncompleteInput:
                throw new ImageDecodeException("image data is truncated (file ends before the last row)");
            case SKCodecResult.ErrorInInput:
                throw new ImageDecodeException("image data is corrupt");
            default:
                throw new ImageDecodeException($"decoding failed ({result})");
        }

        var rgb = new RgbImage(width, height);
        RgbaToRgb(rgba, rgb.Pixels, options.AlphaBackground);
        var origin = options.ApplyExifOrientation ? codec.EncodedOrigin : SKEncodedOrigin.TopLeft;
        return Orientation.Apply(rgb, (ExifOrientation)(int)origin).WithJpegQuality(JpegQuality.Estimate(encoded));
    }

    // The codec takes ownership of the stream; it is disposed here only when no codec was created.
    private static SKCodec? OpenCodec(ReadOnlySpan<byte> encoded, out SKCodecResult result)
    {
        var stream = new SKMemoryStream(encoded.ToArray());
        var codec = SKCodec.Create(stream, out result);
        if (codec is null) stream.Dispose();
        return codec;
    }

    private static void RgbaToRgb(ReadOnlySpan<byte> rgba, Span<byte> rgb, int background)
    {
        int bgR = (background >> 16) & 0xFF, bgG = (background >> 8) & 0xFF, bgB = background & 0xFF;
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            int a = rgba[i + 3];
            if (a == 255)
            {
                rgb[j] = rgba[i];
                rgb[j + 1] = rgba[i + 1];
                rgb[j + 2] = rgba[i + 2];
            }
            else
            {
                int inv = 255 - a;
                rgb[j] = (byte)((rgba[i] * a + bgR * inv + 127) / 255);
                rgb[j + 1] = (byte)((rgba[i + 1] * a + bgG * inv + 127) / 255);
                rgb[j + 2] = (byte)((rgba[i + 2] * a + bgB * inv + 127) / 255);
            }
        }
    }
}

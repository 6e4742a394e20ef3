using SkiaSharp;

namespace Fiqa.Imaging;

/// <summary>Encodes RGB images (aligned crops, controlled JPEG degradations) with SkiaSharp's libjpeg-turbo/libpng.</summary>
public static class ImageEncoder
{
    /// <summary>Baseline JPEG at <paramref name="quality"/> (1..100).</summary>
    public static byte[] Jpeg(RgbImage image, int quality = 95)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        return Encode(image, SKEncodedImageFormat.Jpeg, quality);
    }

    /// <summary>Lossless PNG.</summary>
    public static byte[] Png(RgbImage image) => Encode(image, SKEncodedImageFormat.Png, 100);

    /// <summary>An opaque SkiaSharp image of <paramref name="image"/> (RGB expanded to RGBA), for encoding or drawing on.</summary>
    public static SKImage ToSkImage(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var rgba = new byte[image.Width * image.Height * 4];
        var rgb = image.Pixels;
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            rgba[i] = rgb[j];
            rgba[i + 1] = rgb[j + 1];
            rgba[i + 2] = rgb[j + 2];
            rgba[i + 3] = 255;
        }
        return SKImage.FromPixelCopy(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque), rgba);
    }

    internal static byte[] Encode(RgbImage image, SKEncodedImageFormat format, int quality)
    {
        using var skImage = ToSkImage(image);
        using var data = skImage.Encode(format, quality);
        return data.ToArray();
    }
}

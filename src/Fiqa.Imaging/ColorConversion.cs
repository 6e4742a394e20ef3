namespace Fiqa.Imaging;

/// <summary>Colour conversions with OpenCV's integer arithmetic, so model inputs match what the models were trained on.</summary>
public static class ColorConversion
{
    // OpenCV 4.x cvtColor RGB2GRAY fixed-point weights: 0.299, 0.587, 0.114 scaled by 2^15 (imgproc color_rgb.simd.hpp).
    private const int RedWeight = 9798, GreenWeight = 19235, BlueWeight = 3735, Shift = 15;

    /// <summary>Rec.601 luma as OpenCV's <c>cvtColor(RGB2GRAY)</c> computes it, bit-exact.</summary>
    public static GrayImage ToGray(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var gray = new byte[image.Width * image.Height];
        ToGray(image.Pixels, gray);
        return new GrayImage(image.Width, image.Height, gray);
    }

    /// <summary>Converts interleaved RGB bytes to grey levels; <paramref name="gray"/> holds rgb.Length/3 values.</summary>
    public static void ToGray(ReadOnlySpan<byte> rgb, Span<byte> gray)
    {
        if (gray.Length * 3 != rgb.Length) throw new ArgumentException("grey length must be a third of the RGB length");
        for (int i = 0, j = 0; i < gray.Length; i++, j += 3)
            gray[i] = (byte)((rgb[j] * RedWeight + rgb[j + 1] * GreenWeight + rgb[j + 2] * BlueWeight + (1 << (Shift - 1))) >> Shift);
    }
}

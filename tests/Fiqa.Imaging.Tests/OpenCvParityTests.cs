using Fiqa.Imaging;

namespace Fiqa.Imaging.Tests;

/// <summary>Resize, warp and grey conversion against OpenCV 4.6.0 (Debian python3-opencv) outputs on a synthetic image.
/// The expected bytes were produced once with cv2.resize(INTER_LINEAR), cv2.warpAffine(INTER_LINEAR,
/// BORDER_CONSTANT) and cv2.cvtColor(COLOR_RGB2GRAY) on the image <see cref="Synthetic"/> builds (same formula in
/// Python); tolerance: at most 1 grey level per value.</summary>
public class OpenCvParityTests
{
    // Ramps in R and G, a 4-px checkerboard of 230/20 in B: smooth regions and sharp edges.
    internal static RgbImage Synthetic(int w, int h)
    {
        var img = new RgbImage(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int o = (y * w + x) * 3;
                img.Pixels[o] = (byte)(x * 255 / (w - 1));
                img.Pixels[o + 1] = (byte)(y * 255 / (h - 1));
                img.Pixels[o + 2] = (byte)(((x / 4) + (y / 4)) % 2 == 0 ? 230 : 20);
            }
        return img;
    }

    [Fact]
    public void Resize_Downscale_WithinOneLevelOfOpenCv() => AssertClose(Expected("down_9x7"), Resize.Bilinear(Synthetic(37, 29), 9, 7).Pixels);

    [Fact]
    public void Resize_Upscale_WithinOneLevelOfOpenCv() => AssertClose(Expected("up_20x17"), Resize.Bilinear(Synthetic(13, 11), 20, 17).Pixels);

    [Fact]
    public void Gray_MatchesOpenCvExactly() =>
        Assert.Equal(Convert.FromHexString(Expected("gray_37x29")), ColorConversion.ToGray(Synthetic(37, 29)).Pixels);

    [Fact]
    public void WarpAffine_Similarity_WithinOneLevelOfOpenCv()
    {
        // cv2.getRotationMatrix2D((18, 14), 10°, 0.6) shifted by (−5, −3).
        var m = new AffineTransform(0.5908846518073247, 0.1041889066001582, 0.9054315750659399,
                                    -0.1041889066001582, 0.5908846518073247, 4.603015193500301);
        AssertClose(Expected("warp_16x16"), Warp.Affine(Synthetic(37, 29), m, 16, 16).Pixels);
    }

    [Fact]
    public void Resize_Region_EqualsCropThenResize()
    {
        var img = Synthetic(37, 29);
        var region = new PixelRect(5, 3, 20, 17);
        var crop = new RgbImage(20, 17);
        for (int y = 0; y < 17; y++) img.Row(y + 3).Slice(5 * 3, 20 * 3).CopyTo(crop.Row(y));
        Assert.Equal(Resize.Bilinear(crop, 11, 9).Pixels, Resize.Bilinear(img, region, 11, 9).Pixels);
    }

    private static void AssertClose(string expectedHex, byte[] actual)
    {
        var expected = Convert.FromHexString(expectedHex);
        Assert.Equal(expected.Length, actual.Length);
        int worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        Assert.True(worst <= 1, $"largest difference from OpenCV: {worst} grey levels");
    }

    private static string Expected(string name) => OpenCvReference.Values[name];
}

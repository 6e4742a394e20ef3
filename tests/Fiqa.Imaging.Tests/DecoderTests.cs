using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Imaging.Tests;

public class DecoderTests
{
    private static RgbImage Reference() => ImageDecoder.Decode(TestData.File("skimage/astronaut.png"));

    private static double MeanAbsDifference(RgbImage a, RgbImage b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        long sum = 0;
        for (int i = 0; i < a.Pixels.Length; i++) sum += Math.Abs(a.Pixels[i] - b.Pixels[i]);
        return (double)sum / a.Pixels.Length;
    }

    [Theory]
    [InlineData("fixtures/astronaut.jpg", 4.0)]          // JPEG q92 of the PNG
    [InlineData("fixtures/astronaut_16bit.png", 0.51)]   // 16-bit samples scale down to the 8-bit original
    [InlineData("fixtures/astronaut_palette.png", 8.0)]  // 256-colour palette quantisation
    [InlineData("fixtures/astronaut_cmyk.jpg", 8.0)]     // CMYK JPEG converted back to RGB
    public void Decode_ConvertedFormats_MatchOriginalPixels(string file, double maxMeanDifference)
    {
        var decoded = ImageDecoder.Decode(TestData.File(file));
        Assert.True(MeanAbsDifference(Reference(), decoded) <= maxMeanDifference);
    }

    [Fact]
    public void Decode_GreyJpeg_GivesEqualChannels()
    {
        var img = ImageDecoder.Decode(TestData.File("fixtures/astronaut_grey.jpg"));
        Assert.Equal((512, 512), (img.Width, img.Height));
        for (int i = 0; i < img.Pixels.Length; i += 3)
        {
            Assert.Equal(img.Pixels[i], img.Pixels[i + 1]);
            Assert.Equal(img.Pixels[i], img.Pixels[i + 2]);
        }
    }

    [Fact]
    public void Decode_TranslucentPng_CompositesOntoWhite()
    {
        // Every pixel has alpha 80 %: result = 0.8·colour + 0.2·255, so never below 51.
        var img = ImageDecoder.Decode(TestData.File("fixtures/astronaut_alpha.png"));
        Assert.True(img.Pixels.Min() >= 50);
        var expected = Reference();
        double err = 0;
        for (int i = 0; i < img.Pixels.Length; i++) err += Math.Abs(img.Pixels[i] - (0.8 * expected.Pixels[i] + 51));
        Assert.True(err / img.Pixels.Length < 1.0);
    }

    [Fact]
    public void Decode_AnimatedGif_ReturnsFirstFrame()
    {
        var img = ImageDecoder.Decode(TestData.File("fixtures/astronaut_animated.gif"));
        Assert.Equal((256, 256), (img.Width, img.Height));
        // Frame 0 is the photo, frame 1 its negative: the top-left (dark background in the photo) must stay dark.
        var halfSize = Resize.Bilinear(Reference(), 256, 256);
        Assert.True(MeanAbsDifference(halfSize, img) < 20);
    }

    [Fact]
    public void Decode_ExifOrientation6_ComesOutUpright()
    {
        var upright = ImageDecoder.Decode(TestData.File("fixtures/astronaut.jpg"));
        // Store the photo rotated 90° counter-clockwise and tag it "rotate 90° clockwise to display".
        var stored = Orientation.Apply(upright, ExifOrientation.LeftBottom);
        var jpeg = EncodedImages.WithExifOrientation(ImageEncoder.Jpeg(stored), 6);
        var decoded = ImageDecoder.Decode(jpeg);
        Assert.True(MeanAbsDifference(upright, decoded) < 4.0);
        var ignored = ImageDecoder.Decode(jpeg, new DecodeOptions { ApplyExifOrientation = false });
        Assert.Equal((stored.Width, stored.Height), (ignored.Width, ignored.Height));
        Assert.True(MeanAbsDifference(stored, ignored) < 4.0);
    }

    [Theory]
    [InlineData(ExifOrientation.TopRight)]
    [InlineData(ExifOrientation.BottomRight)]
    [InlineData(ExifOrientation.BottomLeft)]
    [InlineData(ExifOrientation.LeftTop)]
    [InlineData(ExifOrientation.RightTop)]
    [InlineData(ExifOrientation.RightBottom)]
    [InlineData(ExifOrientation.LeftBottom)]
    public void Orientation_EachTag_MapsCornersAsExifSpecifies(ExifOrientation tag)
    {
        // A 3x2 image whose pixel value is its index; check where the stored top-left pixel (value 0) lands.
        var stored = new RgbImage(3, 2, Enumerable.Range(0, 6).SelectMany(i => new[] { (byte)i, (byte)i, (byte)i }).ToArray());
        var shown = Orientation.Apply(stored, tag);
        int w = shown.Width, h = shown.Height;
        (int x, int y) expected = tag switch
        {
            ExifOrientation.TopRight => (w - 1, 0),
            ExifOrientation.BottomRight => (w - 1, h - 1),
            ExifOrientation.BottomLeft => (0, h - 1),
            ExifOrientation.LeftTop => (0, 0),
            ExifOrientation.RightTop => (w - 1, 0),
            ExifOrientation.RightBottom => (w - 1, h - 1),
            _ => (0, h - 1),
        };
        Assert.Equal(0, shown.Pixels[(expected.y * w + expected.x) * 3]);
        Assert.Equal(tag >= ExifOrientation.LeftTop ? (2, 3) : (3, 2), (w, h));
    }

    [Fact]
    public void Decode_HugeDimensionHeader_RejectedBeforeAllocating()
    {
        var bomb = EncodedImages.PngHeaderOnly(60000, 60000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bomb));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("60000x60000", e.Message);
        Assert.Contains("limit", e.Message);
        Assert.True(allocated < 10_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Decode_MaxPixelsOption_IsEnforced()
    {
        var png = EncodedImages.Png(40, 30, new byte[40 * 30 * 3]);
        Assert.Equal((40, 30), (ImageDecoder.Decode(png).Width, ImageDecoder.Decode(png).Height));
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png, new DecodeOptions { MaxPixels = 1000 }));
        Assert.Contains("1200 pixels", e.Message);
    }

    [Fact]
    public void Decode_MaxBytesOption_IsEnforcedBeforeReading()
    {
        var dir = TestData.TempDirectory();
        var path = Path.Combine(dir, "big.jpg");
        File.Copy(TestData.File("fixtures/astronaut.jpg"), path);
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(path, new DecodeOptions { MaxBytes = 1000 }));
        Assert.Contains("over the limit of 1000 bytes", e.Message);
    }

    [Fact]
    public void Decode_OnePixelPng_Works()
    {
        var img = ImageDecoder.Decode(EncodedImages.Png(1, 1, [10, 200, 30]));
        Assert.Equal(new byte[] { 10, 200, 30 }, img.Pixels);
    }

    [Fact]
    public void Decode_SixteenBitPngWrittenBySpec_ScalesToEightBits()
    {
        // 16-bit samples 0x1234 → 8-bit 0x12 (or its rounding).
        var rgb16 = new byte[2 * 1 * 6];
        for (int i = 0; i < rgb16.Length; i += 2) { rgb16[i] = 0x12; rgb16[i + 1] = 0x34; }
        var img = ImageDecoder.Decode(EncodedImages.Png(2, 1, rgb16, bitDepth: 16));
        Assert.All(img.Pixels, v => Assert.InRange(v, 0x12, 0x13));
    }

    [Fact]
    public void Decode_Empty_SaysEmpty() =>
        Assert.Contains("empty", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(ReadOnlySpan<byte>.Empty)).Message);

    [Fact]
    public void Decode_TruncatedJpeg_SaysTruncated()
    {
        var jpeg = File.ReadAllBytes(TestData.File("fixtures/astronaut.jpg"));
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(jpeg.AsSpan(0, jpeg.Length / 2)));
        Assert.Contains("truncated", e.Message);
        var partial = ImageDecoder.Decode(jpeg.AsSpan(0, jpeg.Length / 2), new DecodeOptions { AllowTruncated = true });
        Assert.Equal(512, partial.Width);
    }

    [Fact]
    public void Decode_RandomBytes_SaysUnsupported()
    {
        var noise = new byte[4096];
        new Random(7).NextBytes(noise);
        Assert.Contains("not an image", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(noise)).Message);
    }

    [Fact]
    public void Decode_TextFile_SaysUnsupported()
    {
        var text = System.Text.Encoding.UTF8.GetBytes("file,score\nphoto.jpg,0.9\n");
        Assert.Contains("not an image", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(text)).Message);
    }

    [Fact]
    public void Decode_MissingFile_SaysNotFound() =>
        Assert.Contains("not found", Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode("/nonexistent/x.jpg")).Message);
}

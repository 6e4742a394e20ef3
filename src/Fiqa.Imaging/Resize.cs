namespace Fiqa.Imaging;

/// <summary>Bilinear resizing with OpenCV's <c>INTER_LINEAR</c> sampling (pixel centres at +0.5, edge clamping,
/// no antialiasing), so model inputs match the pre-processing the models were trained with.</summary>
public static class Resize
{
    /// <summary>Resizes the whole image.</summary>
    public static RgbImage Bilinear(RgbImage src, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(src);
        return Bilinear(src, new PixelRect(0, 0, src.Width, src.Height), width, height);
    }

    /// <summary>Crops <paramref name="region"/> (clamped to the image) and resizes it, exactly as crop-then-resize would.</summary>
    public static RgbImage Bilinear(RgbImage src, PixelRect region, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(src);
        var dst = new RgbImage(width, height);
        BilinearInto(src.Pixels, src.Width, src.Height, 3, region, dst.Pixels, width, height);
        return dst;
    }

    /// <summary>Resizes a grey image.</summary>
    public static GrayImage Bilinear(GrayImage src, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(src);
        var dst = new GrayImage(width, height, new byte[width * height]);
        BilinearInto(src.Pixels, src.Width, src.Height, 1, new PixelRect(0, 0, src.Width, src.Height), dst.Pixels, width, height);
        return dst;
    }

    private static void BilinearInto(byte[] src, int srcWidth, int srcHeight, int channels, PixelRect region,
        byte[] dst, int dstWidth, int dstHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dstWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dstHeight);
        region = region.ClampTo(srcWidth, srcHeight);
        if (region.Width == 0 || region.Height == 0) throw new ArgumentException("resize region lies outside the image", nameof(region));

        var xIndex = new int[dstWidth * 2];
        var xWeight = new float[dstWidth];
        SampleTable(region.Width, dstWidth, xIndex, xWeight);
        var yIndex = new int[dstHeight * 2];
        var yWeight = new float[dstHeight];
        SampleTable(region.Height, dstHeight, yIndex, yWeight);

        int srcStride = srcWidth * channels;
        int rowLength = dstWidth * channels;
        var row0 = new float[rowLength];
        var row1 = new float[rowLength];
        int cached0 = -1, cached1 = -1;
        for (int y = 0; y < dstHeight; y++)
        {
            int s0 = yIndex[2 * y], s1 = yIndex[2 * y + 1];
            // Upscaling revisits the same source rows: reuse the horizontal pass when it can.
            if (s0 == cached1 && s0 != cached0)
            {
                (row0, row1) = (row1, row0);
                cached0 = cached1;
                cached1 = -1;
            }
            if (s0 != cached0)
            {
                HorizontalPass(src.AsSpan((region.Y + s0) * srcStride + region.X * channels), channels, xIndex, xWeight, row0);
                cached0 = s0;
            }
            if (s1 != cached1)
            {
                HorizontalPass(src.AsSpan((region.Y + s1) * srcStride + region.X * channels), channels, xIndex, xWeight, row1);
                cached1 = s1;
            }
            VerticalBlend(row0, row1, yWeight[y], dst.AsSpan(y * rowLength, rowLength));
        }
    }

    private static void VerticalBlend(ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, float weight, Span<byte> output)
    {
        for (int i = 0; i < output.Length; i++)
            output[i] = (byte)(row0[i] + (row1[i] - row0[i]) * weight + 0.5f);
    }

    // For each destination coordinate: the two source indices and the weight of the second (OpenCV's mapping).
    private static void SampleTable(int srcSize, int dstSize, int[] index, float[] weight)
    {
        double scale = (double)srcSize / dstSize;
        for (int d = 0; d < dstSize; d++)
        {
            double s = (d + 0.5) * scale - 0.5;
            int i0 = (int)Math.Floor(s);
            double f = s - i0;
            if (i0 < 0) { i0 = 0; f = 0; }
            if (i0 >= srcSize - 1) { i0 = srcSize - 1; f = 0; }
            index[2 * d] = i0;
            index[2 * d + 1] = Math.Min(i0 + 1, srcSize - 1);
            weight[d] = (float)f;
        }
    }

    private static void HorizontalPass(ReadOnlySpan<byte> src, int channels, int[] xIndex, float[] xWeight, Span<float> row)
    {
        int n = xWeight.Length;
        if (channels == 3)
        {
            for (int x = 0; x < n; x++)
            {
                int a = xIndex[2 * x] * 3, b = xIndex[2 * x + 1] * 3;
                float w = xWeight[x];
                float a0 = src[a], a1 = src[a + 1], a2 = src[a + 2];
                row[3 * x] = a0 + (src[b] - a0) * w;
                row[3 * x + 1] = a1 + (src[b + 1] - a1) * w;
                row[3 * x + 2] = a2 + (src[b + 2] - a2) * w;
            }
            return;
        }
        for (int x = 0; x < n; x++)
        {
            int a = xIndex[2 * x] * channels, b = xIndex[2 * x + 1] * channels;
            float w = xWeight[x];
            for (int c = 0; c < channels; c++)
                row[x * channels + c] = src[a + c] + (src[b + c] - src[a + c]) * w;
        }
    }
}

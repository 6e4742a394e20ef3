using Fiqa.Imaging;

namespace Fiqa.Onnx;

/// <summary>Builds NCHW float inputs from images, following an <see cref="InputSpec"/>.</summary>
public static class InputTensor
{
    /// <summary>Converts an image already at the input size into the model's tensor layout.</summary>
    public static float[] FromImage(RgbImage image, InputSpec spec)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(spec);
        if (image.Width != spec.Width || image.Height != spec.Height)
            throw new ArgumentException($"image is {image.Width}x{image.Height}, input needs {spec.Width}x{spec.Height}");
        int plane = spec.Width * spec.Height;
        var tensor = new float[plane * spec.ChannelCount];
        var px = image.Pixels;
        if (spec.Channels == ChannelOrder.Gray)
        {
            var gray = new byte[plane];
            ColorConversion.ToGray(px, gray);
            float m = spec.Mean[0], inv = 1f / spec.Std[0];
            for (int i = 0; i < plane; i++) tensor[i] = (gray[i] - m) * inv;
            return tensor;
        }
        // Tensor channel c reads pixel channel src[c]: identity for RGB, reversed for BGR.
        Span<int> src = spec.Channels == ChannelOrder.Rgb ? [0, 1, 2] : [2, 1, 0];
        for (int c = 0; c < 3; c++)
        {
            float m = spec.Mean[c], inv = 1f / spec.Std[c];
            var dst = tensor.AsSpan(c * plane, plane);
            for (int i = 0, j = src[c]; i < plane; i++, j += 3) dst[i] = (px[j] - m) * inv;
        }
        return tensor;
    }
}

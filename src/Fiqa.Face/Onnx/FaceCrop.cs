using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Face.Onnx;

/// <summary>Cuts the region a crop-based model looks at: the face box grown about its centre, clamped to the image,
/// resized to the model's input.</summary>
internal static class FaceCrop
{
    public static (float[] Tensor, PixelRect Region) Input(RgbImage image, FaceBox box, float scale, InputSpec spec)
    {
        var region = Region(image, box, scale);
        var resized = Resize.Bilinear(image, region, spec.Width, spec.Height);
        return (InputTensor.FromImage(resized, spec), region);
    }

    public static RgbImage Resized(RgbImage image, FaceBox box, float scale, InputSpec spec) =>
        Resize.Bilinear(image, Region(image, box, scale), spec.Width, spec.Height);

    /// <summary>The grown box as it is, the image's edge pixels repeated where it leaves the image, so the face stays
    /// centred in the crop (a clamped crop shifts and squeezes a face near the border).</summary>
    public static float[] PaddedInput(RgbImage image, FaceBox box, float scale, InputSpec spec)
    {
        var grown = box.Scale(scale);
        int x0 = (int)MathF.Floor(grown.X), y0 = (int)MathF.Floor(grown.Y);
        int w = Math.Max(2, (int)MathF.Ceiling(grown.Right) - x0), h = Math.Max(2, (int)MathF.Ceiling(grown.Bottom) - y0);
        if (x0 >= image.Width || y0 >= image.Height || x0 + w <= 0 || y0 + h <= 0)
            throw new ArgumentException($"face box {box} lies outside the {image.Width}x{image.Height} image");
        var padded = new RgbImage(w, h);
        var src = image.Pixels;
        for (int y = 0; y < h; y++)
        {
            var row = padded.Row(y);
            int sy = Math.Clamp(y0 + y, 0, image.Height - 1) * image.Stride;
            int left = Math.Clamp(-x0, 0, w), right = Math.Clamp(image.Width - x0, 0, w);
            if (right > left) src.AsSpan(sy + (x0 + left) * 3, (right - left) * 3).CopyTo(row[(left * 3)..]);
            for (int x = 0; x < left; x++) src.AsSpan(sy, 3).CopyTo(row[(x * 3)..]);
            for (int x = right; x < w; x++) src.AsSpan(sy + (image.Width - 1) * 3, 3).CopyTo(row[(x * 3)..]);
        }
        return InputTensor.FromImage(Resize.Bilinear(padded, spec.Width, spec.Height), spec);
    }

    private static PixelRect Region(RgbImage image, FaceBox box, float scale)
    {
        var region = box.Scale(scale).ToPixelRect(image.Width, image.Height);
        if (region.Width < 2 || region.Height < 2)
            throw new ArgumentException($"face box {box} lies outside the {image.Width}x{image.Height} image");
        return region;
    }
}

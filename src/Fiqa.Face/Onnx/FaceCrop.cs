using Fiqa.Face.Models;
using Fiqa.Imaging;

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

    private static PixelRect Region(RgbImage image, FaceBox box, float scale)
    {
        var region = box.Scale(scale).ToPixelRect(image.Width, image.Height);
        if (region.Width < 2 || region.Height < 2)
            throw new ArgumentException($"face box {box} lies outside the {image.Width}x{image.Height} image");
        return region;
    }
}

using System.Numerics;
using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Face.Onnx;

/// <summary>68-point regressor on a face-box crop; its outputs are (x, y) fractions of the crop.</summary>
public sealed class OnnxLandmarkDetector : ILandmarkDetector
{
    private readonly OnnxModel _model;
    private readonly float _cropScale;

    /// <summary>The landmark <paramref name="model"/> of a registry.</summary>
    public OnnxLandmarkDetector(SessionRegistry registry, string model)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _model = registry.Open(model);
        _cropScale = _model.Manifest.Crop?.Scale ?? 1f;
    }

    /// <inheritdoc />
    public FaceLandmarks Detect(RgbImage image, FaceBox box)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (tensor, region) = FaceCrop.Input(image, box, _cropScale, _model.Manifest.Input);
        var xy = _model.Run(tensor)[0];
        if (xy.Length != 2 * FaceLandmarks.Count)
            throw new ModelConfigurationException($"{_model.Manifest.Name}: expected {2 * FaceLandmarks.Count} outputs, got {xy.Length}");
        var points = new Vector2[FaceLandmarks.Count];
        for (int i = 0; i < points.Length; i++)
            points[i] = new Vector2(region.X + xy[2 * i] * region.Width, region.Y + xy[2 * i + 1] * region.Height);
        return new FaceLandmarks(points);
    }
}

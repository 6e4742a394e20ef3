using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Face.Onnx;

/// <summary>Presentation-attack classifier on a wide crop around the face (context shows screen and paper edges).</summary>
public sealed class OnnxLivenessDetector : ILivenessDetector
{
    private readonly CropClassifier _classifier;

    /// <summary>The liveness model of a registry; its classes must include "live".</summary>
    public OnnxLivenessDetector(SessionRegistry registry, string model) =>
        _classifier = new CropClassifier(registry, model, "live", defaultCropScale: 2.7f);

    /// <inheritdoc />
    public float Score(RgbImage image, FaceBox box)
    {
        ArgumentNullException.ThrowIfNull(image);
        return _classifier.Probability(image, box);
    }
}

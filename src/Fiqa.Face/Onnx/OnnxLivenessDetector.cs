using Fiqa.Face.Models;
using Fiqa.Imaging;

namespace Fiqa.Face.Onnx;

/// <summary>Presentation-attack classifier on a wide crop around the face (context shows screen and paper edges).</summary>
public sealed class OnnxLivenessDetector : ILivenessDetector, IDisposable
{
    private readonly CropClassifier _classifier;

    /// <summary>Opens the liveness model a manifest describes; its classes must include "live".</summary>
    public OnnxLivenessDetector(ModelManifest manifest, OnnxSessionOptions? session = null) =>
        _classifier = new CropClassifier(manifest, session, "live", defaultCropScale: 2.7f);

    /// <inheritdoc />
    public float Score(RgbImage image, FaceBox box)
    {
        ArgumentNullException.ThrowIfNull(image);
        return _classifier.Probability(image, box);
    }

    /// <inheritdoc />
    public void Dispose() => _classifier.Dispose();
}

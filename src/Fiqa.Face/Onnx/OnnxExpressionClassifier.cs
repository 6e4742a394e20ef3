using Fiqa.Face.Models;
using Fiqa.Imaging;

namespace Fiqa.Face.Onnx;

/// <summary>Facial-expression classifier on the face box; its manifest must name a "neutral" class. Probabilities are
/// averaged over the face and its mirror image: the network alone is far from mirror-symmetric (docs/models.md), and a
/// face's expression does not change when mirrored.</summary>
public sealed class OnnxExpressionClassifier : IExpressionClassifier
{
    private readonly CropClassifier _classifier;

    /// <summary>The expression model of a registry.</summary>
    public OnnxExpressionClassifier(SessionRegistry registry, string model) =>
        _classifier = new CropClassifier(registry, model, "neutral", defaultCropScale: 1f);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, float> Classify(RgbImage image, FaceBox box)
    {
        ArgumentNullException.ThrowIfNull(image);
        var p = _classifier.Probabilities(image, box);
        var mirrored = _classifier.Probabilities(image, box, mirrored: true);
        for (int i = 0; i < p.Length; i++) p[i] = (p[i] + mirrored[i]) / 2;
        var classes = _classifier.Classes;
        var result = new Dictionary<string, float>(StringComparer.Ordinal);
        for (int i = 0; i < p.Length && i < classes.Count; i++) result[classes[i]] = (float)p[i];
        return result;
    }
}

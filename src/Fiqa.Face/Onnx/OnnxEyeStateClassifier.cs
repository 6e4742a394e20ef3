using System.Numerics;
using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Face.Onnx;

/// <summary>Per-eye open/closed classifier on a square crop centred on the eyelid points, side = crop scale × eye width.</summary>
public sealed class OnnxEyeStateClassifier : IEyeStateClassifier
{
    private readonly CropClassifier _classifier;

    /// <summary>The eye model of a registry; its classes must include "open".</summary>
    public OnnxEyeStateClassifier(SessionRegistry registry, string model) =>
        _classifier = new CropClassifier(registry, model, "open", defaultCropScale: 1.6f);

    /// <inheritdoc />
    public EyeOpenness Classify(RgbImage image, FaceLandmarks landmarks)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(landmarks);
        // Points 42–47 are the subject's left eye (image right); 36–41 the subject's right eye.
        return new EyeOpenness(Left: OpenProbability(image, landmarks, 42), Right: OpenProbability(image, landmarks, 36));
    }

    private float OpenProbability(RgbImage image, FaceLandmarks lm, int first)
    {
        var p = lm.Points;
        // Centre from the four eyelid points, width from the two corners (as the model's reference pre-processing).
        var center = (p[first + 1] + p[first + 2] + p[first + 4] + p[first + 5]) / 4;
        float width = Vector2.Distance(p[first], p[first + 3]);
        return _classifier.Probability(image, new FaceBox(center.X - width / 2, center.Y - width / 2, width, width));
    }
}

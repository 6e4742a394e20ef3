using System.Numerics;
using Fiqa.Face.Models;
using Fiqa.Imaging;

namespace Fiqa.Face.Onnx;

/// <summary>Per-eye open/closed classifier on a square crop centred on the eyelid points, side = scale × eye width.</summary>
public sealed class OnnxEyeStateClassifier : IEyeStateClassifier, IDisposable
{
    private readonly OnnxModel _model;
    private readonly float _cropScale;
    private readonly int _openClass;

    /// <summary>Opens the eye model a manifest describes; its classes must include "open".</summary>
    public OnnxEyeStateClassifier(ModelManifest manifest, OnnxSessionOptions? session = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        _openClass = Array.IndexOf(manifest.Classes ?? [], "open");
        if (_openClass < 0) throw new ModelConfigurationException($"{manifest.Name}: manifest classes must name the \"open\" class");
        _model = new OnnxModel(manifest, session);
        _cropScale = manifest.Crop?.Scale ?? 1.6f;
    }

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
        float side = Vector2.Distance(p[first], p[first + 3]) * _cropScale;
        var box = new FaceBox(center.X - side / 2, center.Y - side / 2, side, side);
        var (tensor, _) = FaceCrop.Input(image, box, 1f, _model.Manifest.Input);
        return (float)Softmax.Of(_model.Run(tensor)[0])[_openClass];
    }

    /// <inheritdoc />
    public void Dispose() => _model.Dispose();
}

using Fiqa.Face.Models;
using Fiqa.Imaging;

namespace Fiqa.Face.Onnx;

/// <summary>Presentation-attack classifier on a wide crop around the face (context shows screen and paper edges).</summary>
public sealed class OnnxLivenessDetector : ILivenessDetector, IDisposable
{
    private readonly OnnxModel _model;
    private readonly float _cropScale;
    private readonly int _liveClass;

    /// <summary>Opens the liveness model a manifest describes; its classes must include "live".</summary>
    public OnnxLivenessDetector(ModelManifest manifest, OnnxSessionOptions? session = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        _liveClass = Array.IndexOf(manifest.Classes ?? [], "live");
        if (_liveClass < 0) throw new ModelConfigurationException($"{manifest.Name}: manifest classes must name the \"live\" class");
        _model = new OnnxModel(manifest, session);
        _cropScale = manifest.Crop?.Scale ?? 2.7f;
    }

    /// <inheritdoc />
    public float Score(RgbImage image, FaceBox box)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (tensor, _) = FaceCrop.Input(image, box, _cropScale, _model.Manifest.Input);
        return (float)Softmax.Of(_model.Run(tensor)[0])[_liveClass];
    }

    /// <inheritdoc />
    public void Dispose() => _model.Dispose();
}

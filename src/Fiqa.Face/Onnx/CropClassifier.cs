using Fiqa.Face.Models;
using Fiqa.Imaging;

namespace Fiqa.Face.Onnx;

/// <summary>A classifier fed a crop around a box (grown by the manifest's crop scale) that reports the softmax
/// probability of one named class — the shared core of the eye-state and liveness models.</summary>
internal sealed class CropClassifier : IDisposable
{
    private readonly OnnxModel _model;
    private readonly float _cropScale;
    private readonly int _classIndex;

    public CropClassifier(ModelManifest manifest, OnnxSessionOptions? session, string className, float defaultCropScale)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        _classIndex = Array.IndexOf(manifest.Classes ?? [], className);
        if (_classIndex < 0) throw new ModelConfigurationException($"{manifest.Name}: manifest classes must name the \"{className}\" class");
        _model = new OnnxModel(manifest, session);
        _cropScale = manifest.Crop?.Scale ?? defaultCropScale;
    }

    /// <summary>Probability (0..1) of the class for the region around <paramref name="box"/>.</summary>
    public float Probability(RgbImage image, FaceBox box)
    {
        var (tensor, _) = FaceCrop.Input(image, box, _cropScale, _model.Manifest.Input);
        return (float)Softmax.Of(_model.Run(tensor)[0])[_classIndex];
    }

    public void Dispose() => _model.Dispose();
}

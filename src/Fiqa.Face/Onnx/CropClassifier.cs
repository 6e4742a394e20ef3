using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Face.Onnx;

/// <summary>A classifier fed a crop around a box (grown by the manifest's crop scale) that reports softmax
/// probabilities — the shared core of the eye-state, liveness and expression models.</summary>
internal sealed class CropClassifier
{
    private readonly OnnxModel _model;
    private readonly float _cropScale;
    private readonly int _classIndex;

    public CropClassifier(SessionRegistry registry, string model, string className, float defaultCropScale, SessionVariant? variant = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var manifest = registry.Manifest(model);
        _classIndex = Array.IndexOf(manifest.Classes ?? [], className);
        if (_classIndex < 0) throw new ModelConfigurationException($"{manifest.Name}: manifest classes must name the \"{className}\" class");
        _model = registry.Open(model, variant);
        _cropScale = manifest.Crop?.Scale ?? defaultCropScale;
    }

    /// <summary>The box's growth factor before cropping (the manifest's crop scale).</summary>
    public float CropScale => _cropScale;

    /// <summary>The network input: size, channels, normalisation.</summary>
    public InputSpec Spec => _model.Manifest.Input;

    /// <summary>Index of the named class in the output.</summary>
    public int ClassIndex => _classIndex;

    /// <summary>Class names, in output order.</summary>
    public IReadOnlyList<string> Classes => _model.Manifest.Classes ?? [];

    /// <summary>Probability (0..1) of the named class for the region around <paramref name="box"/>.</summary>
    public float Probability(RgbImage image, FaceBox box) => (float)Probabilities(image, box)[_classIndex];

    /// <summary>Softmax probabilities of every class for the region around <paramref name="box"/>, or for its mirror image.</summary>
    public double[] Probabilities(RgbImage image, FaceBox box, bool mirrored = false) => Softmax.Of(_model.Run(Input(image, box, mirrored))[0]);

    /// <summary>Softmax probabilities of every class for each of <paramref name="inputs"/> (from <see cref="Input"/>), in
    /// one session run when the session takes a batch.</summary>
    public double[][] Probabilities(IReadOnlyList<float[]> inputs) => [.. _model.RunBatch(inputs).Select(outputs => Softmax.Of(outputs[0]))];

    /// <summary>The network input for the region around <paramref name="box"/>, or for its mirror image.</summary>
    public float[] Input(RgbImage image, FaceBox box, bool mirrored = false)
    {
        var spec = _model.Manifest.Input;
        var crop = FaceCrop.Resized(image, box, _cropScale, spec);
        if (mirrored) crop = Orientation.FlipHorizontal(crop);
        return InputTensor.FromImage(crop, spec);
    }
}

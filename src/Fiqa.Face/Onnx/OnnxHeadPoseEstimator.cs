using Fiqa.Face.Models;
using Fiqa.Imaging;

namespace Fiqa.Face.Onnx;

/// <summary>HopeNet-style pose (Ruiz et al. 2018): for yaw, pitch and roll, 66 bins of 3° from −99°; the angle is the
/// softmax expectation over bins. Signs (checked on the installed photos against landmark geometry and mirror images):
/// yaw &gt; 0 when the subject turns to their right (nose towards the image's left), pitch &gt; 0 when looking up,
/// roll &gt; 0 when the head tilts clockwise in the image (the image-right eye lower).</summary>
public sealed class OnnxHeadPoseEstimator : IHeadPoseEstimator
{
    // HopeNet bins: 66 × 3° starting at −99° (natanielruiz/deep-head-pose, code/test_hopenet.py).
    private const double BinWidth = 3, FirstBin = -99;
    private readonly OnnxModel _model;
    private readonly float _cropScale;
    private readonly HeadPoseSigns _signs;

    /// <summary>The pose <paramref name="model"/> of a registry.</summary>
    public OnnxHeadPoseEstimator(SessionRegistry registry, string model, HeadPoseSigns? signs = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var manifest = registry.Manifest(model);
        if (manifest.Outputs.Length != 3) throw new ModelConfigurationException($"{manifest.Name}: a pose model needs three outputs (yaw, pitch, roll)");
        _model = registry.Open(model);
        _cropScale = manifest.Crop?.Scale ?? 1.5f;
        _signs = signs ?? HeadPoseSigns.HopeNet;
    }

    /// <inheritdoc />
    public HeadPose Estimate(RgbImage image, FaceBox box)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (tensor, _) = FaceCrop.Input(image, box, _cropScale, _model.Manifest.Input);
        var outputs = _model.Run(tensor);
        return new HeadPose(
            _signs.Yaw * Expectation(outputs[0]),
            _signs.Pitch * Expectation(outputs[1]),
            _signs.Roll * Expectation(outputs[2]));
    }

    private static float Expectation(float[] logits)
    {
        var p = Softmax.Of(logits);
        double e = 0;
        for (int i = 0; i < p.Length; i++) e += p[i] * i;
        return (float)(e * BinWidth + FirstBin);
    }
}

/// <summary>Sign of each angle relative to the model's raw output, so every pose model reports Fiqa's convention.</summary>
public sealed record HeadPoseSigns(int Yaw, int Pitch, int Roll)
{
    /// <summary>Signs for HopeNet-trained models (checked against landmark geometry and mirrored images).</summary>
    public static HeadPoseSigns HopeNet { get; } = new(1, 1, 1);
}

using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Face.Onnx;

/// <summary>How the expression network is run.</summary>
public sealed record ExpressionRunOptions
{
    /// <summary>Side of the square input the network is fed, pixels; null: the manifest's (224 for the default model).
    /// The default model is fully convolutional (DenseNet-style, global average pooling before its classifier), so its
    /// graph is re-declared for the smaller input; the cost falls with the square of the side.</summary>
    public int? InputSize { get; init; }

    /// <summary>Average the face and its mirror image (two runs): the network alone is far from mirror-symmetric
    /// (docs/models.md), and a face's expression does not change when mirrored. Off by default: ExpressionNeutrality
    /// fuses the network with the mouth's landmarks, and there the second run no longer changes how well the score
    /// separates the faces a person calls not neutral (docs/measures.md, ExpressionNeutrality) while doubling the
    /// largest model's cost.</summary>
    public bool Mirror { get; init; }

    /// <summary>With <see cref="Mirror"/>: the face and its mirror as one batch of two, one session run on the graph with a
    /// dynamic batch dimension (<see cref="OnnxGraph.WithDynamicBatch"/>), instead of two runs of the file's batch-1
    /// graph. The same probabilities (bit-identical on the installed faces); off by default because on a CPU it is not
    /// faster — 1.02–1.15× the time of the two runs (docs/speed.md, "Batched inference").</summary>
    public bool Batched { get; init; }

    /// <summary>Int8 (the model's QDQ graph with the shipped activation ranges, the default) or float (the model file):
    /// docs/speed.md, "int8 quantisation". The shipped graph keeps the layers float whose quantisation moves what
    /// ExpressionNeutrality reports; what remains moves it by at most a hundredth on held-out faces and no verdict of the
    /// labelled benchmark.</summary>
    public ModelPrecision Precision { get; init; } = ModelPrecision.Int8;

    /// <summary>The manifest's resolution, face and mirror: the reference the cheaper runs are measured against.</summary>
    public static ExpressionRunOptions Reference { get; } = new() { InputSize = null, Mirror = true, Precision = ModelPrecision.Float };
}

/// <summary>Facial-expression classifier on the face box; its manifest must name a "neutral" class. On request the
/// probabilities are averaged over the face and its mirror image (<see cref="ExpressionRunOptions.Mirror"/>).</summary>
public sealed class OnnxExpressionClassifier : IExpressionClassifier
{
    private readonly CropClassifier _classifier;
    private readonly bool _mirror;
    private readonly bool _batched;

    /// <summary>The expression model of a registry, run as <paramref name="options"/> says (default: the manifest's input, the face alone).</summary>
    public OnnxExpressionClassifier(SessionRegistry registry, string model, ExpressionRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        options ??= ExpressionRunOptions.Reference;
        _mirror = options.Mirror;
        _batched = options.Mirror && options.Batched; // a single pass has nothing to batch
        _classifier = new CropClassifier(registry, model, "neutral", defaultCropScale: 1f,
            Variant(registry.Manifest(model), options.InputSize, options.Precision, _batched));
    }

    private static SessionVariant? Variant(ModelManifest manifest, int? size, ModelPrecision precision, bool batched)
    {
        var spec = manifest.Input;
        bool resized = size is int s && (s != spec.Width || s != spec.Height);
        if (!resized && precision == ModelPrecision.Float && !batched) return null;
        // Resolved here, so a missing or stale calibration is reported when the classifier is built, not at first use.
        var calibration = precision == ModelPrecision.Int8 ? Int8Calibration.For(manifest) : null;
        int side = size ?? spec.Width;
        if (resized) ArgumentOutOfRangeException.ThrowIfLessThan(side, 32);
        string key = string.Join("-", new[] { resized ? $"input{side}" : null, calibration is null ? null : "int8", batched ? "batch" : null }.OfType<string>());
        return new SessionVariant(key, [], [])
        {
            Derive = bytes =>
            {
                if (calibration is not null) bytes = calibration.Quantize(bytes);
                if (resized) bytes = OnnxGraph.WithInputShape(bytes, spec.Name, [1, spec.ChannelCount, side, side]);
                return batched ? OnnxGraph.WithDynamicBatch(bytes, spec.Name) : bytes;
            },
            Input = resized ? spec with { Width = side, Height = side } : null,
            // What the rewrite applies, so a cached int8 graph is found without quantising the file again.
            DerivationKey = calibration is null ? key : key + ":" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(calibration.ToJson()))),
        };
    }

    /// <summary>The network inputs (NCHW, the session's input size) that <see cref="Classify"/> runs for a face: the
    /// face and, with <see cref="ExpressionRunOptions.Mirror"/>, its mirror image — what an int8 calibration observes.</summary>
    public IReadOnlyList<float[]> NetworkInputs(RgbImage image, FaceBox box, FaceLandmarks? landmarks = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (landmarks is not null) box = Steadied(landmarks);
        var (face, local) = ExposureNormalised(image, box);
        return _mirror ? [_classifier.Input(face, local), _classifier.Input(face, local, mirrored: true)] : [_classifier.Input(face, local)];
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, float> Classify(RgbImage image, FaceBox box, FaceLandmarks? landmarks = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (landmarks is not null) box = Steadied(landmarks);
        var (face, local) = ExposureNormalised(image, box);
        double[] p;
        if (_batched)
        {
            var both = _classifier.Probabilities([_classifier.Input(face, local), _classifier.Input(face, local, mirrored: true)]);
            p = both[0];
            for (int i = 0; i < p.Length; i++) p[i] = (p[i] + both[1][i]) / 2;
        }
        else
        {
            p = _classifier.Probabilities(face, local);
            if (_mirror)
            {
                var mirrored = _classifier.Probabilities(face, local, mirrored: true);
                for (int i = 0; i < p.Length; i++) p[i] = (p[i] + mirrored[i]) / 2;
            }
        }
        var classes = _classifier.Classes;
        var result = new Dictionary<string, float>(StringComparer.Ordinal);
        for (int i = 0; i < p.Length && i < classes.Count; i++) result[classes[i]] = (float)p[i];
        return result;
    }

    /// <summary>A box in the detector's proportions placed from the landmarks alone: the detector's box jitters
    /// under noise and compression (moving P(neutral) by more than 0.15 on a third of the installed portraits), the
    /// landmarks much less. Proportions are the medians over the calibration identities' portraits: width 1.077 and
    /// height 1.070 of the landmarks' width, centre 0.117 of it above theirs.</summary>
    private static FaceBox Steadied(FaceLandmarks landmarks)
    {
        float x0 = float.MaxValue, y0 = float.MaxValue, x1 = float.MinValue, y1 = float.MinValue;
        foreach (var p in landmarks.Points) { x0 = Math.Min(x0, p.X); y0 = Math.Min(y0, p.Y); x1 = Math.Max(x1, p.X); y1 = Math.Max(y1, p.Y); }
        float width = x1 - x0, w = 1.077f * width, h = 1.070f * width;
        float cx = (x0 + x1) / 2, cy = (y0 + y1) / 2 - 0.117f * width;
        return new FaceBox(cx - w / 2, cy - h / 2, w, h);
    }

    /// <summary>The box's pixels as their own image, with the exposure scaled in linear light so that their mean
    /// luminance is <see cref="ReferenceLuminance"/>: the network's neutral probability otherwise follows exposure
    /// (×0.6 moved it by more than 0.15 on a third of the installed portraits).</summary>
    private static (RgbImage Face, FaceBox Local) ExposureNormalised(RgbImage image, FaceBox box)
    {
        var rect = box.ToPixelRect(image.Width, image.Height);
        if (rect.Width < 2 || rect.Height < 2) return (image, box);
        var face = new RgbImage(rect.Width, rect.Height);
        double sum = 0;
        for (int y = 0; y < rect.Height; y++)
        {
            var row = image.Row(rect.Y + y).Slice(rect.X * 3, rect.Width * 3);
            row.CopyTo(face.Row(y));
            for (int x = 0; x < rect.Width; x++) sum += Colour.Luminance(row[3 * x], row[3 * x + 1], row[3 * x + 2]);
        }
        double mean = sum / (rect.Width * rect.Height);
        if (mean > 0.005) Colour.ScaleExposure(face.Pixels, ReferenceLuminance / mean);
        return (face, new FaceBox(box.X - rect.X, box.Y - rect.Y, box.Width, box.Height));
    }

    /// <summary>Linear mean luminance the face crop is brought to (a typical well-exposed face).</summary>
    public const double ReferenceLuminance = 0.2;
}

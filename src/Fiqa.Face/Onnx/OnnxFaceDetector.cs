using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Face.Onnx;

/// <summary>Options of <see cref="OnnxFaceDetector"/>; null values take the manifest's.</summary>
public sealed record FaceDetectorOptions
{
    /// <summary>Minimum face probability (0..1).</summary>
    public float? ScoreThreshold { get; init; }
    /// <summary>IoU above which overlapping boxes are merged by non-maximum suppression.</summary>
    public float? NmsIou { get; init; }
    /// <summary>Largest number of faces returned (highest scores first).</summary>
    public int MaxFaces { get; init; } = 100;
    /// <summary>Smallest face side kept, in original-image pixels.</summary>
    public float MinFaceSize { get; init; } = 8;
}

/// <summary>Single-shot detector whose ONNX graph outputs per-prior scores [1,N,2] and decoded corner boxes [1,N,4]
/// normalised to 0..1 (Ultra-Light RFB-320 style). Post-processing: score threshold, then greedy IoU NMS.</summary>
public sealed class OnnxFaceDetector : IFaceDetector
{
    private readonly OnnxModel _model;
    private readonly float _threshold, _nmsIou;
    private readonly FaceDetectorOptions _options;

    /// <summary>The detector <paramref name="model"/> of a registry.</summary>
    public OnnxFaceDetector(SessionRegistry registry, string model, FaceDetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var manifest = registry.Manifest(model);
        _options = options ?? new FaceDetectorOptions();
        var spec = manifest.Detector ?? new DetectorSpec();
        _threshold = _options.ScoreThreshold ?? spec.ScoreThreshold;
        _nmsIou = _options.NmsIou ?? spec.NmsIou;
        if (manifest.Outputs.Length != 2)
            throw new ModelConfigurationException($"{manifest.Name}: a detector needs two outputs (scores, boxes)");
        _model = registry.Open(model);
    }

    /// <inheritdoc />
    public IReadOnlyList<FaceDetection> Detect(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var spec = _model.Manifest.Input;
        var resized = Resize.Bilinear(image, spec.Width, spec.Height);
        var outputs = _model.Run(InputTensor.FromImage(resized, spec));
        var scores = outputs[0];
        var boxes = outputs[1];
        int priors = boxes.Length / 4;
        int classes = scores.Length / priors;
        var candidates = new List<FaceDetection>();
        for (int i = 0; i < priors; i++)
        {
            float score = scores[i * classes + classes - 1]; // last class is "face"
            if (score < _threshold) continue;
            float x0 = Math.Clamp(boxes[4 * i], 0, 1) * image.Width, y0 = Math.Clamp(boxes[4 * i + 1], 0, 1) * image.Height;
            float x1 = Math.Clamp(boxes[4 * i + 2], 0, 1) * image.Width, y1 = Math.Clamp(boxes[4 * i + 3], 0, 1) * image.Height;
            if (x1 - x0 < _options.MinFaceSize || y1 - y0 < _options.MinFaceSize) continue;
            candidates.Add(new FaceDetection(new FaceBox(x0, y0, x1 - x0, y1 - y0), score));
        }
        return NonMaximumSuppression(candidates, _nmsIou, _options.MaxFaces);
    }

    /// <summary>Greedy IoU NMS: keep the best box, drop those overlapping it above <paramref name="iou"/>, repeat.
    /// Ties in score are broken by position so the result does not depend on input order.</summary>
    public static IReadOnlyList<FaceDetection> NonMaximumSuppression(List<FaceDetection> candidates, float iou, int maxKeep)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        candidates.Sort((a, b) =>
        {
            int c = b.Score.CompareTo(a.Score);
            if (c != 0) return c;
            c = a.Box.Y.CompareTo(b.Box.Y);
            return c != 0 ? c : a.Box.X.CompareTo(b.Box.X);
        });
        var kept = new List<FaceDetection>();
        foreach (var c in candidates)
        {
            if (kept.Count >= maxKeep) break;
            bool overlaps = false;
            foreach (var k in kept)
            {
                if (k.Box.IntersectionOverUnion(c.Box) > iou) { overlaps = true; break; }
            }
            if (!overlaps) kept.Add(c);
        }
        return kept;
    }
}

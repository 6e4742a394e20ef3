using System.Numerics;
using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Face.Onnx;

/// <summary>Per-eye open/closed classifier on square crops centred on the eyelid points, side = crop scale × eye width,
/// turned so the eye corners are level. Each eye is judged on a small grid of crops and the log-odds averaged: on a
/// 250 × 250 LFW face (eye ≈ 14 px wide) the network's single-crop answer flips between 0.002 and 0.99 when its crop
/// moves by one pixel (docs/measures.md, "Known limits").</summary>
public sealed class OnnxEyeStateClassifier : IEyeStateClassifier
{
    // Crop sizes relative to the manifest's scale (1.6 × eye width: 1.2, 1.4, 1.6 ×) and centre shifts in eye widths
    // (±0.07: about one pixel on an LFW eye); 27 crops an eye, run as one batch. Larger crops (up to 2 ×), which take in
    // the brow, read the shut eyes of the installed franck_04000 as open (P 0.16 for its more closed eye); unturned
    // crops left one installed portrait's verdict to a pixel (John_Shimkus 000394: 0.98 → 0.48 moved by one pixel).
    private static readonly float[] RelativeScales = [0.75f, 0.875f, 1f];
    private static readonly float[] Shifts = [-0.07f, 0f, 0.07f];
    // Probabilities are clamped before the log-odds so one saturated crop cannot outvote the rest.
    private const double ProbabilityFloor = 1e-6;

    private readonly CropClassifier _classifier;

    /// <summary>The eye model of a registry; its classes must include "open".</summary>
    public OnnxEyeStateClassifier(SessionRegistry registry, string model)
    {
        ArgumentNullException.ThrowIfNull(registry);
        string input = registry.Manifest(model).Input.Name;
        // The grid runs as one batch: the file's batch-1 graph with a symbolic batch dimension.
        var batched = new SessionVariant("batch", [], []) { Derive = bytes => OnnxGraph.WithDynamicBatch(bytes, input) };
        _classifier = new CropClassifier(registry, model, "open", defaultCropScale: 1.6f, batched);
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
        // Centre from the four eyelid points, width and angle from the two corners (as the model's reference pre-processing).
        var center = (p[first + 1] + p[first + 2] + p[first + 4] + p[first + 5]) / 4;
        var axis = p[first + 3] - p[first];
        float width = axis.Length();
        if (!(width > 0)) return 0.5f; // coincident corners: no evidence either way
        var spec = _classifier.Spec;
        var inputs = new List<float[]>(RelativeScales.Length * Shifts.Length * Shifts.Length);
        foreach (var scale in RelativeScales)
            foreach (var dy in Shifts)
                foreach (var dx in Shifts)
                {
                    var transform = CropTransform(center + new Vector2(dx, dy) * width, axis, scale * _classifier.CropScale * width, spec);
                    inputs.Add(InputTensor.FromImage(Warp.Affine(image, transform, spec.Width, spec.Height), spec));
                }
        double logOdds = 0;
        foreach (var probabilities in _classifier.Probabilities(inputs))
        {
            double q = Math.Clamp(probabilities[_classifier.ClassIndex], ProbabilityFloor, 1 - ProbabilityFloor);
            logOdds += Math.Log(q / (1 - q));
        }
        return (float)(1 / (1 + Math.Exp(-logOdds / inputs.Count)));
    }

    /// <summary>Maps the square of side <paramref name="side"/> pixels centred on <paramref name="center"/>, turned to
    /// <paramref name="axis"/>, onto the network's input.</summary>
    private static AffineTransform CropTransform(Vector2 center, Vector2 axis, float side, InputSpec spec)
    {
        double k = spec.Width / (double)side, angle = Math.Atan2(axis.Y, axis.X);
        double cos = Math.Cos(angle) * k, sin = Math.Sin(angle) * k;
        // Rotate by −angle and scale about the centre, which lands between the input's two middle pixels.
        double tx = spec.Width / 2.0 - (cos * center.X + sin * center.Y) - 0.5;
        double ty = spec.Height / 2.0 - (-sin * center.X + cos * center.Y) - 0.5;
        return new AffineTransform(cos, sin, tx, -sin, cos, ty);
    }
}

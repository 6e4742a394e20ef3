using System.Numerics;
using Fiqa.Imaging;

namespace Fiqa.Face;

/// <summary>An axis-aligned face box in pixels of the original (EXIF-upright) image.</summary>
public readonly record struct FaceBox(float X, float Y, float Width, float Height)
{
    /// <summary>Right edge.</summary>
    public float Right => X + Width;
    /// <summary>Bottom edge.</summary>
    public float Bottom => Y + Height;
    /// <summary>Area in square pixels.</summary>
    public float Area => Math.Max(0, Width) * Math.Max(0, Height);
    /// <summary>Centre point.</summary>
    public Vector2 Center => new(X + Width / 2, Y + Height / 2);

    /// <summary>Intersection over union with another box (0..1).</summary>
    public float IntersectionOverUnion(FaceBox other)
    {
        float w = Math.Min(Right, other.Right) - Math.Max(X, other.X);
        float h = Math.Min(Bottom, other.Bottom) - Math.Max(Y, other.Y);
        if (w <= 0 || h <= 0) return 0;
        float inter = w * h;
        return inter / (Area + other.Area - inter);
    }

    /// <summary>The box grown by <paramref name="factor"/> about its centre.</summary>
    public FaceBox Scale(float factor)
    {
        float w = Width * factor, h = Height * factor;
        return new FaceBox(X + (Width - w) / 2, Y + (Height - h) / 2, w, h);
    }

    /// <summary>The integer pixel rectangle covering this box, clamped to a width×height image.</summary>
    public PixelRect ToPixelRect(int imageWidth, int imageHeight)
    {
        int x0 = (int)MathF.Floor(X), y0 = (int)MathF.Floor(Y);
        int x1 = (int)MathF.Ceiling(Right), y1 = (int)MathF.Ceiling(Bottom);
        return new PixelRect(x0, y0, x1 - x0, y1 - y0).ClampTo(imageWidth, imageHeight);
    }
}

/// <summary>One detected face: its box and the detector's confidence (0..1).</summary>
public readonly record struct FaceDetection(FaceBox Box, float Score);

/// <summary>68 facial landmarks in the iBUG 300-W order, in pixels of the original image.</summary>
public sealed class FaceLandmarks
{
    /// <summary>Number of points.</summary>
    public const int Count = 68;

    /// <summary>Wraps 68 points.</summary>
    public FaceLandmarks(Vector2[] points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Length != Count) throw new ArgumentException($"expected {Count} points, got {points.Length}", nameof(points));
        Points = points;
    }

    /// <summary>The points; 36–41 are the image-left eye (subject's right), 42–47 the image-right eye, 30 the nose tip,
    /// 48 and 54 the mouth corners, 8 the chin.</summary>
    public IReadOnlyList<Vector2> Points { get; }

    /// <summary>Mean of points [first, first+count).</summary>
    public Vector2 Mean(int first, int count)
    {
        var sum = Vector2.Zero;
        for (int i = first; i < first + count; i++) sum += Points[i];
        return sum / count;
    }

    /// <summary>Centre of the eye on the image's left (the subject's right eye).</summary>
    public Vector2 ImageLeftEyeCenter => Mean(36, 6);

    /// <summary>Centre of the eye on the image's right (the subject's left eye).</summary>
    public Vector2 ImageRightEyeCenter => Mean(42, 6);

    /// <summary>In-plane roll of the eye line, degrees: &gt; 0 when the image-right eye is lower (the head tilted
    /// clockwise). The one roll of a record and of HeadPoseRoll: a pose network's roll bins saturate and can disagree
    /// with the eyes in sign on faces tilted in the image plane.</summary>
    public double EyeLineRoll
    {
        get
        {
            var d = ImageRightEyeCenter - ImageLeftEyeCenter;
            return Math.Atan2(d.Y, d.X) * 180 / Math.PI;
        }
    }

    /// <summary>Where the nose tip (point 30) lies between the outer eye corners (36 and 45), measured along the eye
    /// line: 0 at the image-left corner, 1 at the image-right one, about 0.49 on a frontal face; NaN when the corners
    /// coincide. The landmark cue to yaw (<see cref="HeadPoseFusion"/>).</summary>
    public double NoseTipAcrossEyes
    {
        get
        {
            Vector2 left = Points[36], axis = Points[45] - left;
            float span = axis.LengthSquared();
            return span < 1e-6f ? double.NaN : Vector2.Dot(Points[30] - left, axis) / span;
        }
    }

    /// <summary>Distance between the eye centres, in pixels.</summary>
    public float InterEyeDistance => Vector2.Distance(ImageLeftEyeCenter, ImageRightEyeCenter);

    /// <summary>Distance between the outer mouth corners (48, 54) over <see cref="InterEyeDistance"/>: about 0.85 on a
    /// neutral face, wider in a smile. Both spans shrink alike under a turn, so the ratio changes little with yaw.</summary>
    public double MouthWidthOverEyes => Vector2.Distance(Points[48], Points[54]) / InterEyeDistance;

    /// <summary>How far the outer mouth corners (48, 54) sit above the middle of the inner lips (62, 66), measured
    /// square to the eye line and over <see cref="InterEyeDistance"/>: &gt; 0 when the corners are raised, as in a smile.</summary>
    public double MouthCornerLift => DownOverEyes((Points[48] + Points[54]) / 2, (Points[62] + Points[66]) / 2);

    /// <summary>The gap between the inner lips (62 to 66) square to the eye line, over <see cref="InterEyeDistance"/>:
    /// about 0 with closed lips, larger as the mouth opens (speech, laughter, a toothy smile).</summary>
    public double LipGapOverEyes => DownOverEyes(Points[62], Points[66]);

    /// <summary>The outer lips' height (51 to 57) square to the eye line, over <see cref="InterEyeDistance"/>.</summary>
    public double LipHeightOverEyes => DownOverEyes(Points[51], Points[57]);

    /// <summary>How far the chin (8) lies below the eyes' midpoint, square to the eye line, over <see
    /// cref="InterEyeDistance"/>: the jaw drops as the mouth opens.</summary>
    public double ChinDropOverEyes => DownOverEyes((ImageLeftEyeCenter + ImageRightEyeCenter) / 2, Points[8]);

    // (to − from) along the direction square to the eye line, pointing down the face, over the inter-eye distance.
    private double DownOverEyes(Vector2 from, Vector2 to)
    {
        var eyeLine = Vector2.Normalize(ImageRightEyeCenter - ImageLeftEyeCenter);
        var down = new Vector2(-eyeLine.Y, eyeLine.X);
        return Vector2.Dot(to - from, down) / InterEyeDistance;
    }

    /// <summary>The square around all 68 points, grown by <paramref name="scale"/> about their bounding box's centre.</summary>
    public FaceBox SquareBox(float scale = 1.1f)
    {
        float x0 = float.MaxValue, y0 = float.MaxValue, x1 = float.MinValue, y1 = float.MinValue;
        foreach (var p in Points) { x0 = Math.Min(x0, p.X); y0 = Math.Min(y0, p.Y); x1 = Math.Max(x1, p.X); y1 = Math.Max(y1, p.Y); }
        float side = Math.Max(x1 - x0, y1 - y0) * scale;
        return new FaceBox((x0 + x1 - side) / 2, (y0 + y1 - side) / 2, side, side);
    }

    /// <summary>The box the landmark model's second pass reads: the square around the first pass's points, grown 1.2×
    /// (chosen on dlib's 18 hand-labelled VOC training faces among 1.0–1.3; mean point error over the inter-eye distance
    /// 0.089 → 0.065 there, 0.068 → 0.052 on its 25 testing faces, the jaw 0.086 → 0.057 and the mouth 0.065 → 0.055).
    /// The detector's box is taller than wide and ends near the mouth, so a dropped jaw or a wide smile is squeezed
    /// into it on the first pass.</summary>
    public FaceBox RefinementBox() => SquareBox(1.2f);

    /// <summary>These first-pass points refined by <paramref name="second"/>, the pass on <see cref="RefinementBox"/>: its
    /// points, except the eyes' (36–47), which are the mean of both passes — both boxes frame the eyes, and the mean
    /// reads the eye line's roll better than either pass on the verdict benchmark's calibration half (AUC for a tilted
    /// head 0.999 against 0.999 first pass and 0.993 second pass alone, precision at the enrolment limit 0.68 against
    /// 0.62 and 0.60) and the eye points a little closer to dlib's labels (0.057 → 0.056 of the inter-eye distance on
    /// its training faces, 0.041 → 0.040 on the testing ones).</summary>
    public FaceLandmarks Refined(FaceLandmarks second)
    {
        ArgumentNullException.ThrowIfNull(second);
        var points = second.Points.ToArray();
        for (int i = 36; i < 48; i++) points[i] = (Points[i] + second.Points[i]) / 2;
        return new FaceLandmarks(points);
    }

    /// <summary>The five alignment points: eye centres, nose tip, mouth corners.</summary>
    public Vector2[] FivePoints() => [ImageLeftEyeCenter, ImageRightEyeCenter, Points[30], Points[48], Points[54]];
}

/// <summary>Head rotation in degrees: yaw &gt; 0 when the subject turns to their right (nose towards the image's left),
/// pitch &gt; 0 when looking up, roll &gt; 0 when the head tilts clockwise in the image.</summary>
public readonly record struct HeadPose(float Yaw, float Pitch, float Roll);

/// <summary>Probability (0..1) that each eye is open. Left and right are the subject's own (ISO/IEC 39794-5):
/// the subject's left eye appears on the image's right.</summary>
public readonly record struct EyeOpenness(float Left, float Right);

/// <summary>An identity embedding: the unit vector used for comparison and the raw norm before normalisation
/// (a quality signal for MagFace/AdaFace-style models).</summary>
public sealed class FaceEmbedding
{
    /// <summary>Creates an embedding from the model's raw output.</summary>
    public FaceEmbedding(float[] raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        double sum = 0;
        foreach (var v in raw) sum += (double)v * v;
        Norm = (float)Math.Sqrt(sum);
        _unit = new float[raw.Length];
        if (Norm > 0) for (int i = 0; i < raw.Length; i++) _unit[i] = raw[i] / Norm;
    }

    private readonly float[] _unit;

    /// <summary>L2-normalised embedding.</summary>
    public ReadOnlySpan<float> Vector => _unit;

    /// <summary>Number of dimensions.</summary>
    public int Dimensions => _unit.Length;

    /// <summary>L2 norm of the raw embedding.</summary>
    public float Norm { get; }

    /// <summary>Cosine similarity (−1..1) with another embedding.</summary>
    public float CosineSimilarity(FaceEmbedding other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Dimensions != Dimensions) throw new ArgumentException("embeddings differ in length");
        return System.Numerics.Tensors.TensorPrimitives.Dot(_unit, other._unit);
    }
}

/// <summary>A face aligned to an embedder's template.</summary>
public sealed record AlignedFace(RgbImage Image, AffineTransform SourceToAligned);

/// <summary>Finds faces.</summary>
public interface IFaceDetector
{
    /// <summary>All faces, highest score first, boxes in the image's pixels.</summary>
    IReadOnlyList<FaceDetection> Detect(RgbImage image);
}

/// <summary>Locates 68 landmarks in a face box.</summary>
public interface ILandmarkDetector
{
    /// <summary>Landmarks for the face in <paramref name="box"/>.</summary>
    FaceLandmarks Detect(RgbImage image, FaceBox box);
}

/// <summary>Aligns a face to a template from its five points.</summary>
public interface IFaceAligner
{
    /// <summary>The aligned face image.</summary>
    AlignedFace Align(RgbImage image, ReadOnlySpan<Vector2> fivePoints);
}

/// <summary>Computes identity embeddings from aligned faces.</summary>
public interface IFaceEmbedder
{
    /// <summary>Size the aligned face must have, and the template it must be aligned to.</summary>
    Fiqa.Onnx.AlignmentSpec Alignment { get; }

    /// <summary>Embedding of an aligned face.</summary>
    FaceEmbedding Embed(RgbImage alignedFace);
}

/// <summary>Estimates head pose.</summary>
public interface IHeadPoseEstimator
{
    /// <summary>Pose of the face in <paramref name="box"/>.</summary>
    HeadPose Estimate(RgbImage image, FaceBox box);
}

/// <summary>Estimates whether the eyes are open.</summary>
public interface IEyeStateClassifier
{
    /// <summary>Open probability of each eye.</summary>
    EyeOpenness Classify(RgbImage image, FaceLandmarks landmarks);
}

/// <summary>Facial expression.</summary>
public interface IExpressionClassifier
{
    /// <summary>Probability (0..1) of each expression class (e.g. "neutral", "happy") for the face in <paramref name="box"/>,
    /// or, when given, the face the <paramref name="landmarks"/> outline (steadier than a detector box under noise).</summary>
    IReadOnlyDictionary<string, float> Classify(RgbImage image, FaceBox box, FaceLandmarks? landmarks = null);
}

/// <summary>Presentation-attack detection.</summary>
public interface ILivenessDetector
{
    /// <summary>Probability (0..1) that the face in <paramref name="box"/> is a live capture, not a print or replay.</summary>
    float Score(RgbImage image, FaceBox box);
}

/// <summary>An image as the face pipeline assesses it: upright, with the clockwise rotation (0, 90, 180, 270) its
/// content had, and its faces largest first. <see cref="Primary"/> is what finding it computed for the primary face
/// (landmarks, aligned crop, embedder pass), for the analysis to reuse rather than repeat.</summary>
public sealed record UprightImage(RgbImage Image, int Rotation, IReadOnlyList<FaceDetection> Faces)
{
    /// <summary>The primary face's landmarks, alignment and embedder pass, when they were computed.</summary>
    public PrimaryFace? Primary { get; init; }
}

/// <summary>Landmarks, aligned crop and embedder pass of one face, computed once.</summary>
public sealed record PrimaryFace(FaceLandmarks Landmarks, AlignedFace Aligned, EmbedderPass Pass);

using System.Numerics;
using Fiqa.Face;
using Fiqa.Imaging;

namespace Fiqa.Quality;

/// <summary>The canonical portrait: the face warped to OFIQ's 616×616 frame, with the landmarks in its coordinates and
/// which of its pixels came from inside the original image.</summary>
public sealed record CanonicalPortrait(RgbImage Image, AffineTransform FromOriginal, IReadOnlyList<Vector2> Landmarks, bool[] Inside);

/// <summary>Everything the measures and methods read about one face, each piece computed once, on first use, and shared:
/// landmarks, the aligned crop, the embedder pass (one run: embedding plus every observation the requested methods
/// declared), pose, eye states, liveness, expression, the canonical portrait, its luminance plane and the face region.
/// Models are touched only when something needs them.</summary>
public sealed class FaceContext
{
    /// <summary>Side of OFIQ's canonical aligned portrait, pixels.</summary>
    public const int PortraitSize = 616;

    // OFIQ v1.0.3 canonical reference points (eye centres, nose tip, mouth corners) in the 616×616 portrait.
    private static readonly Vector2[] PortraitTemplate = [new(251, 272), new(364, 272), new(308, 336), new(262, 402), new(355, 402)];

    private readonly Lazy<FaceLandmarks> _landmarks;
    private readonly Lazy<AlignedFace> _aligned;
    private readonly Lazy<EmbedderPass> _pass;
    private readonly Lazy<HeadPose> _pose;
    private readonly Lazy<EyeOpenness> _eyes;
    private readonly Lazy<float> _liveness;
    private readonly Lazy<IReadOnlyDictionary<string, float>> _expression;
    private readonly FaceAnalyzer _analyzer;
    private readonly Lazy<CanonicalPortrait> _portrait;
    private readonly Lazy<FloatPlane> _luminance;
    private readonly Lazy<bool[]> _faceRegion;
    private readonly Lazy<double[]?> _faceHistogram;
    private readonly Lazy<bool> _greyscale;

    /// <summary>Creates the context of face <paramref name="index"/> in <paramref name="allFaces"/>; values already in
    /// <paramref name="known"/> (from <see cref="FaceAnalyzer.AnalyzeFace"/>) or <paramref name="primary"/> (from <see cref="FaceAnalyzer.FindUpright"/>) are reused, not recomputed.</summary>
    public FaceContext(FaceAnalyzer analyzer, RgbImage image, IReadOnlyList<FaceDetection> allFaces, int index, FaceAnalysis? known = null, PrimaryFace? primary = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(allFaces);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, allFaces.Count);
        _analyzer = analyzer;
        Image = image;
        AllFaces = allFaces;
        Index = index;
        var box = allFaces[index].Box;
        var located = new Lazy<(FaceLandmarks Points, FaceLandmarks Placement)>(() => analyzer.LocateLandmarks(image, box));
        _landmarks = new(() => known?.Landmarks ?? primary?.Landmarks ?? located.Value.Points);
        _aligned = new(() => known?.Aligned ?? primary?.Aligned ?? Counted(WorkCounters.Names.AlignedCrop, () => analyzer.Aligner.Align(image, located.Value.Placement.FivePoints())));
        _pass = new(() => known?.Pass ?? primary?.Pass ?? analyzer.EmbedderPass(Aligned.Image));
        _pose = new(() => known?.Pose ?? HeadPoseFusion.Combine(analyzer.HeadPose.Estimate(image, box), Landmarks));
        _eyes = new(() => known?.Eyes ?? analyzer.EyeState.Classify(image, Landmarks));
        _liveness = new(() => known?.Liveness ?? analyzer.Liveness.Score(image, box));
        _expression = new(() => known?.Expression ?? analyzer.Expression.Classify(image, box, Landmarks));
        _portrait = new(() => Counted(WorkCounters.Names.CanonicalPortrait, BuildPortrait));
        _luminance = new(() => Counted(WorkCounters.Names.PortraitLuminance, () => Colour.LuminancePlane(Portrait.Image)));
        _faceRegion = new(() => Region(FaceOutline(Portrait.Landmarks)));
        _faceHistogram = new(() => Counted(WorkCounters.Names.FaceHistogram, () => RegionStatistics.Histogram(PortraitLuminance, FaceRegion)));
        _greyscale = new(() => Counted(WorkCounters.Names.GreyscaleCheck, () => HasNoChroma(Portrait.Image, FaceRegion)));
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, object?> _memo = new(StringComparer.Ordinal);

    /// <summary>A value derived from this face once and shared by the measures that read it (e.g. Sharpness's raw
    /// value, which EyesOpen also consults).</summary>
    internal T Memo<T>(string key, Func<T> compute) => (T)_memo.GetOrAdd(key, _ => Counted(key, compute))!;

    // Every shared intermediate is counted where it is computed (FaceAnalyzer.Work), so tests and `fiqa bench` can show
    // that nothing is computed twice.
    private T Counted<T>(string name, Func<T> compute)
    {
        _analyzer.Work.Add(name);
        return compute();
    }

    /// <summary>Clockwise rotation, in degrees, by which the face stood in the image as given (0 when it was upright or
    /// the run turns images upright without judging it); HeadPoseRoll includes it.</summary>
    public int ImageRotation { get; init; }

    /// <summary>The roll of the eye line in the image analysed (<see cref="FaceLandmarks.EyeLineRoll"/>).</summary>
    public double EyeLineRoll => Landmarks.EyeLineRoll;

    /// <summary>The decoded, EXIF-upright image.</summary>
    public RgbImage Image { get; }
    /// <summary>Every detected face, largest first.</summary>
    public IReadOnlyList<FaceDetection> AllFaces { get; }
    /// <summary>This face's position in <see cref="AllFaces"/>.</summary>
    public int Index { get; }
    /// <summary>This face's detection.</summary>
    public FaceDetection Detection => AllFaces[Index];

    /// <summary>68 landmarks in original-image pixels.</summary>
    public FaceLandmarks Landmarks => _landmarks.Value;
    /// <summary>The face aligned to the embedder's template (112×112 ArcFace by default).</summary>
    public AlignedFace Aligned => _aligned.Value;
    /// <summary>The face's embedder pass: the embedding and the observations the pipeline was built to make.</summary>
    public EmbedderPass Pass => _pass.Value;
    /// <summary>Identity embedding (from the embedder pass).</summary>
    public FaceEmbedding Embedding => Pass.Embedding;

    /// <summary>The embedding of another image of the same size as the aligned crop (e.g. a perturbed copy of it), from
    /// the plain embedder.</summary>
    public FaceEmbedding EmbedOther(RgbImage alignedImage) => _analyzer.Embedder.Embed(alignedImage);

    /// <summary>Head pose, degrees.</summary>
    public HeadPose Pose => _pose.Value;
    /// <summary>Eye open probabilities.</summary>
    public EyeOpenness Eyes => _eyes.Value;
    /// <summary>Liveness probability.</summary>
    public float Liveness => _liveness.Value;
    /// <summary>Expression probabilities.</summary>
    public IReadOnlyDictionary<string, float> Expression => _expression.Value;

    /// <summary>Midpoint of the two eye centres, original pixels.</summary>
    public Vector2 EyeMidpoint => (Landmarks.ImageLeftEyeCenter + Landmarks.ImageRightEyeCenter) / 2;

    /// <summary>T: distance from the eye midpoint to the chin (landmark 8), original pixels — OFIQ's face-height unit.</summary>
    public float EyeToChin => Vector2.Distance(EyeMidpoint, Landmarks.Points[8]);

    /// <summary>The canonical portrait.</summary>
    public CanonicalPortrait Portrait => _portrait.Value;
    /// <summary>Luminance (linearised sRGB Y·255) of the portrait.</summary>
    public FloatPlane PortraitLuminance => _luminance.Value;
    /// <summary>Portrait pixels inside the face outline (jaw line and eyebrows).</summary>
    public bool[] FaceRegion => _faceRegion.Value;
    /// <summary>Normalised 256-bin luminance histogram of the face region; null when the region is empty.</summary>
    public double[]? FaceLuminanceHistogram => _faceHistogram.Value;

    /// <summary>True when the face region has practically no chroma (a greyscale image): colour-based measures cannot run.</summary>
    public bool IsGreyscale => _greyscale.Value;

    /// <summary>Portrait pixels inside a polygon (portrait coordinates) that also came from inside the original image.</summary>
    public bool[] Region(ReadOnlySpan<Vector2> polygon)
    {
        _analyzer.Work.Add(WorkCounters.Names.RegionMask);
        var mask = PolygonMask.Fill(polygon, PortraitSize, PortraitSize);
        var inside = Portrait.Inside;
        var (from, to) = PolygonMask.Extent(mask);
        for (int i = from; i < to; i++) mask[i] &= inside[i];
        return mask;
    }

    /// <summary>Landmarks <paramref name="indices"/> in portrait coordinates, grown by <paramref name="scale"/> about their centroid.</summary>
    public Vector2[] PortraitPolygon(ReadOnlySpan<int> indices, float scale = 1f)
    {
        var lm = Portrait.Landmarks;
        var pts = new Vector2[indices.Length];
        var centre = Vector2.Zero;
        for (int i = 0; i < pts.Length; i++) centre += pts[i] = lm[indices[i]];
        centre /= pts.Length;
        for (int i = 0; i < pts.Length; i++) pts[i] = centre + (pts[i] - centre) * scale;
        return pts;
    }

    /// <summary>The landmarks of <see cref="FaceOutline"/>, in its order.</summary>
    public static ReadOnlySpan<int> FaceOutlineIndices => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17];

    /// <summary>The face outline: jaw 0–16, then the eyebrows 26–17 back across the top.</summary>
    public static Vector2[] FaceOutline(IReadOnlyList<Vector2> lm)
    {
        ArgumentNullException.ThrowIfNull(lm);
        var indices = FaceOutlineIndices;
        var outline = new Vector2[indices.Length];
        for (int i = 0; i < outline.Length; i++) outline[i] = lm[indices[i]];
        return outline;
    }

    private static bool HasNoChroma(RgbImage image, bool[] mask)
    {
        var px = image.Pixels;
        double chroma = 0;
        long n = 0;
        var (maskFrom, maskTo) = PolygonMask.Extent(mask);
        for (int i = maskFrom; i < maskTo; i++)
        {
            if (!mask[i]) continue;
            int r = px[3 * i], g = px[3 * i + 1], b = px[3 * i + 2];
            chroma += Math.Abs(r - g) + Math.Abs(g - b);
            n++;
        }
        return n == 0 || chroma / n < 3;
    }

    private CanonicalPortrait BuildPortrait()
    {
        var transform = AffineTransform.FitSimilarity(Landmarks.FivePoints(), PortraitTemplate);
        var image = Warp.Affine(Image, transform, PortraitSize, PortraitSize);
        var lm = Landmarks.Points.Select(transform.Apply).ToArray();
        var inverse = transform.Invert();
        var inside = new bool[PortraitSize * PortraitSize];
        for (int y = 0; y < PortraitSize; y++)
        {
            // Along a row the source position is affine in x, so "inside the original" is one interval [lo, hi].
            double lo = 0, hi = PortraitSize - 1;
            Clip(inverse.M11, inverse.M12 * y + inverse.M13, Image.Width - 1, ref lo, ref hi);
            Clip(inverse.M21, inverse.M22 * y + inverse.M23, Image.Height - 1, ref lo, ref hi);
            for (int x = (int)Math.Ceiling(lo); x <= hi; x++) inside[y * PortraitSize + x] = true;
        }
        return new CanonicalPortrait(image, transform, lm, inside);

        // Narrows [lo, hi] to the x with 0 ≤ slope·x + offset ≤ max.
        static void Clip(double slope, double offset, double max, ref double lo, ref double hi)
        {
            if (Math.Abs(slope) < 1e-12)
            {
                if (offset < 0 || offset > max) hi = -1;
                return;
            }
            double a = -offset / slope, b = (max - offset) / slope;
            lo = Math.Max(lo, Math.Min(a, b));
            hi = Math.Min(hi, Math.Max(a, b));
        }
    }
}

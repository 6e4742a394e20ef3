using System.Numerics;
using Fiqa.Face.Models;
using Fiqa.Face.Onnx;
using Fiqa.Imaging;

namespace Fiqa.Face;

/// <summary>What to compute for each face beyond its box.</summary>
[Flags]
public enum FaceParts
{
    /// <summary>Box and score only.</summary>
    None = 0,
    /// <summary>68 landmarks (needed by alignment and eyes).</summary>
    Landmarks = 1,
    /// <summary>Identity embedding (implies landmarks and alignment).</summary>
    Embedding = 2 | Landmarks,
    /// <summary>Head pose.</summary>
    Pose = 4,
    /// <summary>Eye open probabilities (implies landmarks).</summary>
    Eyes = 8 | Landmarks,
    /// <summary>Liveness score.</summary>
    Liveness = 16,
    /// <summary>Everything <c>fiqa assess</c> reports (expression is loaded only when asked for: it is the largest model).</summary>
    All = Landmarks | Embedding | Pose | Eyes | Liveness,
    /// <summary>Expression probabilities.</summary>
    Expression = 32,
}

/// <summary>Options of <see cref="FaceAnalyzer"/>. Model names resolve through <see cref="ModelStore"/>; a value
/// ending in .json is a path to a user's own manifest.</summary>
public sealed record FaceAnalyzerOptions
{
    /// <summary>Models directory (else <c>$FIQA_MODELS</c>, else the repository's <c>models/</c>).</summary>
    public string? ModelsDirectory { get; init; }
    /// <summary>Detector model.</summary>
    public string Detector { get; init; } = "fr_detect";
    /// <summary>68-point landmark model.</summary>
    public string Landmarks { get; init; } = "fr_landmark";
    /// <summary>Embedder model (its manifest carries the alignment template).</summary>
    public string Embedder { get; init; } = "fr_feature";
    /// <summary>Head-pose model.</summary>
    public string HeadPose { get; init; } = "fr_pose";
    /// <summary>Eye-state model.</summary>
    public string EyeState { get; init; } = "fr_eye";
    /// <summary>Liveness model.</summary>
    public string Liveness { get; init; } = "fr_liveness";
    /// <summary>Expression model.</summary>
    public string Expression { get; init; } = "fr_expression";
    /// <summary>Detector post-processing.</summary>
    public FaceDetectorOptions Detection { get; init; } = new();
    /// <summary>Analyse every detected face, not only the primary (largest) one.</summary>
    public bool AllFaces { get; init; }
    /// <summary>Inputs are already face crops: skip detection, the whole image is the face box.</summary>
    public bool AlignedInput { get; init; }
    /// <summary>What to compute per face; only the models these need are loaded.</summary>
    public FaceParts Parts { get; init; } = FaceParts.All;
    /// <summary>ONNX Runtime threading, per session.</summary>
    public OnnxSessionOptions Session { get; init; } = OnnxSessionOptions.Default;
    /// <summary>Check each model file's SHA-256 against its manifest when it is loaded.</summary>
    public bool VerifyModelChecksums { get; init; } = true;
}

/// <summary>Everything known about one face.</summary>
public sealed record FaceAnalysis
{
    /// <summary>Index in the image's face list (0 = primary, the largest box).</summary>
    public required int Index { get; init; }
    /// <summary>Box and detector score (score 1 for <see cref="FaceAnalyzerOptions.AlignedInput"/>).</summary>
    public required FaceDetection Detection { get; init; }
    /// <summary>68 landmarks, when requested.</summary>
    public FaceLandmarks? Landmarks { get; init; }
    /// <summary>The face aligned to the embedder's template, when an embedding was requested.</summary>
    public AlignedFace? Aligned { get; init; }
    /// <summary>Identity embedding, when requested.</summary>
    public FaceEmbedding? Embedding { get; init; }
    /// <summary>Head pose, when requested.</summary>
    public HeadPose? Pose { get; init; }
    /// <summary>Eye open probabilities, when requested.</summary>
    public EyeOpenness? Eyes { get; init; }
    /// <summary>Liveness probability, when requested.</summary>
    public float? Liveness { get; init; }
    /// <summary>Expression class probabilities, when requested.</summary>
    public IReadOnlyDictionary<string, float>? Expression { get; init; }
}

/// <summary>The face pipeline: detect → landmarks → 5-point alignment → embedding, plus pose, eyes and liveness.
/// Create once and share: every model session is loaded on first use and is safe to use from several threads.</summary>
public sealed class FaceAnalyzer : IDisposable
{
    private readonly ModelStore _store;
    private readonly Lazy<OnnxFaceDetector> _detector;
    private readonly Lazy<OnnxLandmarkDetector> _landmarks;
    private readonly Lazy<OnnxFaceEmbedder> _embedder;
    private readonly Lazy<SimilarityAligner> _aligner;
    private readonly Lazy<OnnxHeadPoseEstimator> _pose;
    private readonly Lazy<OnnxEyeStateClassifier> _eyes;
    private readonly Lazy<OnnxLivenessDetector> _liveness;
    private readonly Lazy<OnnxExpressionClassifier> _expression;

    /// <summary>Creates the pipeline; models are located now and loaded when first needed.</summary>
    public FaceAnalyzer(FaceAnalyzerOptions? options = null)
    {
        Options = options ?? new FaceAnalyzerOptions();
        _store = ModelStore.Locate(Options.ModelsDirectory);
        var session = Options.Session;
        _detector = new(() => new OnnxFaceDetector(Manifest(Options.Detector), Options.Detection, session));
        _landmarks = new(() => new OnnxLandmarkDetector(Manifest(Options.Landmarks), session));
        _embedder = new(() => new OnnxFaceEmbedder(Manifest(Options.Embedder), session));
        _aligner = new(() => new SimilarityAligner(Embedder.Alignment));
        _pose = new(() => new OnnxHeadPoseEstimator(Manifest(Options.HeadPose), session));
        _eyes = new(() => new OnnxEyeStateClassifier(Manifest(Options.EyeState), session));
        _liveness = new(() => new OnnxLivenessDetector(Manifest(Options.Liveness), session));
        _expression = new(() => new OnnxExpressionClassifier(Manifest(Options.Expression), session));
    }

    /// <summary>The options in force.</summary>
    public FaceAnalyzerOptions Options { get; }

    /// <summary>The detector.</summary>
    public IFaceDetector Detector => _detector.Value;
    /// <summary>The landmark model.</summary>
    public ILandmarkDetector LandmarkDetector => _landmarks.Value;
    /// <summary>The embedder.</summary>
    public IFaceEmbedder Embedder => _embedder.Value;
    /// <summary>The aligner matching the embedder's template.</summary>
    public IFaceAligner Aligner => _aligner.Value;
    /// <summary>The head-pose model.</summary>
    public IHeadPoseEstimator HeadPose => _pose.Value;
    /// <summary>The eye-state model.</summary>
    public IEyeStateClassifier EyeState => _eyes.Value;
    /// <summary>The liveness model.</summary>
    public ILivenessDetector Liveness => _liveness.Value;
    /// <summary>The expression model.</summary>
    public IExpressionClassifier Expression => _expression.Value;

    /// <summary>Names of the models loaded so far (a model is loaded on first use).</summary>
    public IReadOnlyList<string> LoadedModels
    {
        get
        {
            var loaded = new List<string>();
            if (_detector.IsValueCreated) loaded.Add(Options.Detector);
            if (_landmarks.IsValueCreated) loaded.Add(Options.Landmarks);
            if (_embedder.IsValueCreated) loaded.Add(Options.Embedder);
            if (_pose.IsValueCreated) loaded.Add(Options.HeadPose);
            if (_eyes.IsValueCreated) loaded.Add(Options.EyeState);
            if (_liveness.IsValueCreated) loaded.Add(Options.Liveness);
            if (_expression.IsValueCreated) loaded.Add(Options.Expression);
            return loaded;
        }
    }

    /// <summary>Loads every model the configured parts need now, so the first image does not pay for it.</summary>
    public void Warm()
    {
        if (!Options.AlignedInput) _ = Detector;
        var parts = Options.Parts;
        if (parts.HasFlag(FaceParts.Landmarks)) _ = LandmarkDetector;
        if (parts.HasFlag(FaceParts.Embedding)) _ = Aligner;
        if (parts.HasFlag(FaceParts.Pose)) _ = HeadPose;
        if (parts.HasFlag(FaceParts.Eyes)) _ = EyeState;
        if (parts.HasFlag(FaceParts.Liveness)) _ = Liveness;
        if (parts.HasFlag(FaceParts.Expression)) _ = Expression;
    }

    /// <summary>Faces in the image: the primary (largest) one, or all of them with <see cref="FaceAnalyzerOptions.AllFaces"/>,
    /// largest first. An empty list means no face was found.</summary>
    public IReadOnlyList<FaceAnalysis> Analyze(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var detections = FindFaces(image);
        var result = new FaceAnalysis[detections.Count];
        for (int i = 0; i < detections.Count; i++) result[i] = AnalyzeFace(image, detections[i], i);
        return result;
    }

    /// <summary>Face boxes ordered largest first (ties: higher score, then position), limited to the primary face
    /// unless all faces were asked for.</summary>
    public IReadOnlyList<FaceDetection> FindFaces(RgbImage image)
    {
        var all = DetectAll(image);
        return Options.AllFaces ? all : all.Take(1).ToList();
    }

    /// <summary>Every face box, largest first, whatever <see cref="FaceAnalyzerOptions.AllFaces"/> says (quality
    /// measures such as SingleFacePresent look at the others too).</summary>
    public IReadOnlyList<FaceDetection> DetectAll(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (Options.AlignedInput) return [new FaceDetection(new FaceBox(0, 0, image.Width, image.Height), 1f)];
        return Detector.Detect(image)
            .OrderByDescending(d => d.Box.Area).ThenByDescending(d => d.Score).ThenBy(d => d.Box.Y).ThenBy(d => d.Box.X)
            .ToList();
    }

    /// <summary>Computes the configured parts (or <paramref name="parts"/>) for one face box.</summary>
    public FaceAnalysis AnalyzeFace(RgbImage image, FaceDetection detection, int index = 0, FaceParts? parts = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var wanted = parts ?? Options.Parts;
        FaceLandmarks? landmarks = wanted.HasFlag(FaceParts.Landmarks) ? LandmarkDetector.Detect(image, detection.Box) : null;
        AlignedFace? aligned = null;
        FaceEmbedding? embedding = null;
        if (wanted.HasFlag(FaceParts.Embedding) && landmarks is not null)
        {
            aligned = Aligner.Align(image, landmarks.FivePoints());
            embedding = Embedder.Embed(aligned.Image);
        }
        return new FaceAnalysis
        {
            Index = index,
            Detection = detection,
            Landmarks = landmarks,
            Aligned = aligned,
            Embedding = embedding,
            Pose = wanted.HasFlag(FaceParts.Pose) ? HeadPose.Estimate(image, detection.Box) : null,
            Eyes = wanted.HasFlag(FaceParts.Eyes) && landmarks is not null ? EyeState.Classify(image, landmarks) : null,
            Liveness = wanted.HasFlag(FaceParts.Liveness) ? Liveness.Score(image, detection.Box) : null,
            Expression = wanted.HasFlag(FaceParts.Expression) ? Expression.Classify(image, detection.Box) : null,
        };
    }

    private ModelManifest Manifest(string name) => _store.Get(name, Options.VerifyModelChecksums);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_detector.IsValueCreated) _detector.Value.Dispose();
        if (_landmarks.IsValueCreated) _landmarks.Value.Dispose();
        if (_embedder.IsValueCreated) _embedder.Value.Dispose();
        if (_pose.IsValueCreated) _pose.Value.Dispose();
        if (_eyes.IsValueCreated) _eyes.Value.Dispose();
        if (_liveness.IsValueCreated) _liveness.Value.Dispose();
        if (_expression.IsValueCreated) _expression.Value.Dispose();
    }
}

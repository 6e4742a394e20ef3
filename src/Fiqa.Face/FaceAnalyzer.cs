using System.Numerics;
using Fiqa.Face.Onnx;
using Fiqa.Imaging;
using Fiqa.Onnx;

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
    /// <summary>Head pose (implies landmarks: roll is the eye line's, yaw uses the nose tip; <see cref="HeadPoseFusion"/>).</summary>
    Pose = 4 | Landmarks,
    /// <summary>Eye open probabilities (implies landmarks).</summary>
    Eyes = 8 | Landmarks,
    /// <summary>Liveness score.</summary>
    Liveness = 16,
    /// <summary>Everything <c>fiqa assess</c> reports (expression is loaded only when asked for: it is the largest model).</summary>
    All = Landmarks | Embedding | Pose | Eyes | Liveness,
    /// <summary>Expression probabilities.</summary>
    Expression = 32,
}

/// <summary>Options of <see cref="FaceAnalyzer"/>. Model names resolve in the models folder of <see cref="Paths"/>; a value
/// ending in .json is a path to a user's own manifest.</summary>
public sealed record FaceAnalyzerOptions
{
    /// <summary>Where the models are (null: <see cref="FiqaPaths.Resolve"/> from the environment).</summary>
    public FiqaPaths? Paths { get; init; }
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
    /// <summary>How the expression model is run (input size, mirror averaging).</summary>
    public ExpressionRunOptions ExpressionRun { get; init; } = new();
    /// <summary>Detector post-processing.</summary>
    public FaceDetectorOptions Detection { get; init; } = new();
    /// <summary>Run the landmark model a second time on a box placed from its first points (<see
    /// cref="FaceLandmarks.RefinementBox"/>): the detector's box ends near the mouth, so an open or laughing mouth is
    /// squeezed onto the upper lip by the first pass. The measures and the record read the second pass; the
    /// recogniser's crop stays placed from the first, as the quality heads were trained on it.</summary>
    public bool RefineLandmarks { get; init; } = true;
    /// <summary>Analyse every detected face, not only the primary (largest) one.</summary>
    public bool AllFaces { get; init; }
    /// <summary>Inputs are already face crops: skip detection, the whole image is the face box.</summary>
    public bool AlignedInput { get; init; }
    /// <summary>What to compute per face; only the models these need are loaded.</summary>
    public FaceParts Parts { get; init; } = FaceParts.All;
    /// <summary>What the embedder pass observes besides the embedding (the assessor sets the union of what its methods
    /// read, so every face costs one pass).</summary>
    public IReadOnlyCollection<TensorObservation> EmbedderObservations { get; init; } = [];
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
    /// <summary>The embedder pass (embedding and observations), when an embedding was requested.</summary>
    public EmbedderPass? Pass { get; init; }
    /// <summary>Identity embedding, when requested.</summary>
    public FaceEmbedding? Embedding => Pass?.Embedding;
    /// <summary>Head pose, when requested, as <see cref="HeadPoseFusion.Combine"/> makes it: pitch from the pose network, yaw
    /// the mean of the network's and the landmarks' estimate, roll from the eye line.</summary>
    public HeadPose? Pose { get; init; }
    /// <summary>Eye open probabilities, when requested.</summary>
    public EyeOpenness? Eyes { get; init; }
    /// <summary>Liveness probability, when requested.</summary>
    public float? Liveness { get; init; }
    /// <summary>Expression class probabilities, when requested.</summary>
    public IReadOnlyDictionary<string, float>? Expression { get; init; }
}

/// <summary>The face pipeline: detect → landmarks → 5-point alignment → the embedder pass, plus pose, eyes, liveness and
/// expression. Create once and share: its <see cref="SessionRegistry"/> opens each model session on first use and
/// shares it across threads.</summary>
public sealed class FaceAnalyzer : IDisposable
{
    private readonly bool _ownsRegistry;
    private readonly Lazy<OnnxFaceDetector> _detector;
    private readonly Lazy<OnnxLandmarkDetector> _landmarks;
    private readonly Lazy<OnnxFaceEmbedder> _embedder;
    private readonly Lazy<OnnxFaceEmbedder> _pass;
    private readonly Lazy<SimilarityAligner> _aligner;
    private readonly Lazy<OnnxHeadPoseEstimator> _pose;
    private readonly Lazy<OnnxEyeStateClassifier> _eyes;
    private readonly Lazy<OnnxLivenessDetector> _liveness;
    private readonly Lazy<OnnxExpressionClassifier> _expression;

    /// <summary>Creates the pipeline; models are loaded when first needed. With <paramref name="registry"/> the sessions
    /// are that registry's (which the caller owns); without, the pipeline opens and owns its own.</summary>
    public FaceAnalyzer(FaceAnalyzerOptions? options = null, SessionRegistry? registry = null)
    {
        Options = options ?? new FaceAnalyzerOptions();
        Paths = Options.Paths ?? FiqaPaths.Resolve();
        _ownsRegistry = registry is null;
        Registry = registry ?? new SessionRegistry(ModelStore.For(Paths), Options.Session, Options.VerifyModelChecksums);
        var r = Registry;
        _detector = new(() => new OnnxFaceDetector(r, Options.Detector, Options.Detection));
        _landmarks = new(() => new OnnxLandmarkDetector(r, Options.Landmarks));
        _embedder = new(() => new OnnxFaceEmbedder(r, Options.Embedder));
        _pass = new(() => Options.EmbedderObservations.Count == 0 ? _embedder.Value : new OnnxFaceEmbedder(r, Options.Embedder, Options.EmbedderObservations));
        _aligner = new(() => new SimilarityAligner(Embedder.Alignment));
        _pose = new(() => new OnnxHeadPoseEstimator(r, Options.HeadPose));
        _eyes = new(() => new OnnxEyeStateClassifier(r, Options.EyeState));
        _liveness = new(() => new OnnxLivenessDetector(r, Options.Liveness));
        _expression = new(() => new OnnxExpressionClassifier(r, Options.Expression, Options.ExpressionRun));
    }

    /// <summary>The options in force.</summary>
    public FaceAnalyzerOptions Options { get; }
    /// <summary>The paths in force.</summary>
    public FiqaPaths Paths { get; }
    /// <summary>The sessions of every model this pipeline uses.</summary>
    public SessionRegistry Registry { get; }

    /// <summary>The detector.</summary>
    public IFaceDetector Detector => _detector.Value;
    /// <summary>The landmark model.</summary>
    public ILandmarkDetector LandmarkDetector => _landmarks.Value;
    /// <summary>The plain embedder (embeddings of other images, such as perturbed copies of a face).</summary>
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

    /// <summary>Computations of the shared intermediates made with this pipeline (aligned crops here; the quality
    /// context adds the portrait and its planes and masks).</summary>
    public WorkCounters Work { get; } = new();

    /// <summary>Names of the models loaded so far (a model is loaded on first use).</summary>
    public IReadOnlyList<string> LoadedModels => Registry.Loaded;

    /// <summary>The face's embedder pass: one run observing <see cref="FaceAnalyzerOptions.EmbedderObservations"/>.</summary>
    public EmbedderPass EmbedderPass(RgbImage alignedFace) => _pass.Value.Pass(alignedFace);

    /// <summary>Loads every model the configured parts need now, so the first image does not pay for it.</summary>
    public void Warm()
    {
        var parts = Options.Parts;
        // Largest models first; the loads are independent (each Lazy and the registry are thread-safe), so a cold start
        // spreads checksums and graph optimisation over the cores.
        var loads = new List<Action>();
        if (parts.HasFlag(FaceParts.Expression)) loads.Add(() => _ = Expression);
        if (parts.HasFlag(FaceParts.Pose)) loads.Add(() => _ = HeadPose);
        if (parts.HasFlag(FaceParts.Embedding)) loads.Add(() => { _ = Aligner; _ = _pass.Value; });
        if (parts.HasFlag(FaceParts.Liveness)) loads.Add(() => _ = Liveness);
        if (!Options.AlignedInput) loads.Add(() => _ = Detector);
        if (parts.HasFlag(FaceParts.Landmarks)) loads.Add(() => _ = LandmarkDetector);
        if (parts.HasFlag(FaceParts.Eyes)) loads.Add(() => _ = EyeState);
        try
        {
            Parallel.Invoke(new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, [.. loads]);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Callers handle a missing or wrong model as the load's own exception, as when loading one by one.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
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

    /// <summary>The image turned upright. The detector finds faces at any turn (its score often saturates), so the judge is
    /// the recogniser: a face the embedder sees upright has an embedding norm well above the same face turned by 90°,
    /// 180° or 270° (on the installed portraits upright ≥ 3.3, turned ≤ 3.0). When the primary face's norm as given is
    /// below <see cref="UprightProbeNorm"/> (or there is no face), the image is also tried turned, and a turn is taken
    /// only if its primary face's norm is at least <see cref="UprightNormRatio"/> times the upright one, or
    /// <see cref="UprightNormRatioWithDetector"/> times with a higher detector score as well. Aligned input is taken as
    /// upright.</summary>
    public UprightImage FindUpright(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var asGiven = DetectAll(image);
        if (Options.AlignedInput) return new UprightImage(image, 0, asGiven);
        var upright = new UprightImage(image, 0, asGiven) { Primary = Primary(image, asGiven) };
        double uprightNorm = upright.Primary?.Pass.Embedding.Norm ?? 0;
        if (uprightNorm >= UprightProbeNorm) return upright;
        var best = upright;
        double bestNorm = uprightNorm;
        foreach (int rotation in (ReadOnlySpan<int>)[90, 180, 270])
        {
            var turned = Orientation.Apply(image, UprightTurn(rotation)).WithJpegQuality(image.JpegQuality);
            var faces = DetectAll(turned);
            var primary = Primary(turned, faces);
            if (primary is null) continue;
            double norm = primary.Pass.Embedding.Norm;
            // Believed when the recogniser clearly prefers the turn, or nearly as clearly and the detector is surer of it
            // too (two upside-down portraits: norm ×1.19, detector score 0.89 → 1).
            bool believed = asGiven.Count == 0 || norm > uprightNorm * UprightNormRatio
                || (norm > uprightNorm * UprightNormRatioWithDetector && faces[0].Score > asGiven[0].Score);
            if (believed && norm > bestNorm)
            {
                best = new UprightImage(turned, rotation, faces) { Primary = primary };
                bestNorm = norm;
            }
        }
        return best;
    }

    // The full embedder pass (observing what the methods need), so the analysis can adopt it as the face's one pass.
    private PrimaryFace? Primary(RgbImage image, IReadOnlyList<FaceDetection> faces)
    {
        if (faces.Count == 0) return null;
        var (landmarks, placement) = LocateLandmarks(image, faces[0].Box);
        var aligned = AlignCounted(image, placement);
        return new PrimaryFace(landmarks, aligned, EmbedderPass(aligned.Image));
    }

    /// <summary>Embedding norm of the primary face above which the image is taken as upright without trying turns.</summary>
    public const double UprightProbeNorm = 3.5;

    /// <summary>How much larger a turned face's embedding norm must be than the upright one's before the turn is believed.</summary>
    public const double UprightNormRatio = 1.2;

    /// <summary>The smaller ratio that suffices when the detector also scores the turned face higher: between an upright
    /// LFW photo whose 180° copy reached ×1.09 with a surer detector (James_Coburn_0001) and the upside-down installed
    /// portraits at ×1.19.</summary>
    public const double UprightNormRatioWithDetector = 1.15;

    /// <summary>The EXIF orientation whose display transform turns content rotated <paramref name="rotation"/>° clockwise
    /// back upright.</summary>
    public static ExifOrientation UprightTurn(int rotation) => rotation switch
    {
        90 => ExifOrientation.LeftBottom,
        180 => ExifOrientation.BottomRight,
        270 => ExifOrientation.RightTop,
        _ => ExifOrientation.TopLeft,
    };

    /// <summary>Computes the configured parts (or <paramref name="parts"/>) for one face box.</summary>
    public FaceAnalysis AnalyzeFace(RgbImage image, FaceDetection detection, int index = 0, FaceParts? parts = null, PrimaryFace? known = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var wanted = parts ?? Options.Parts;
        // The expression model reads the landmarks, so it needs them too.
        var (landmarks, placement) = known is not null ? (known.Landmarks, null)
            : wanted.HasFlag(FaceParts.Landmarks) || wanted.HasFlag(FaceParts.Expression) ? LocateLandmarks(image, detection.Box)
            : ((FaceLandmarks?)null, (FaceLandmarks?)null);
        AlignedFace? aligned = null;
        EmbedderPass? pass = null;
        if (wanted.HasFlag(FaceParts.Embedding) && landmarks is not null)
        {
            aligned = known?.Aligned ?? AlignCounted(image, placement!);
            pass = known?.Pass ?? EmbedderPass(aligned.Image);
        }
        return new FaceAnalysis
        {
            Index = index,
            Detection = detection,
            Landmarks = landmarks,
            Aligned = aligned,
            Pass = pass,
            Pose = wanted.HasFlag(FaceParts.Pose) ? HeadPoseFusion.Combine(HeadPose.Estimate(image, detection.Box), landmarks) : null,
            Eyes = wanted.HasFlag(FaceParts.Eyes) && landmarks is not null ? EyeState.Classify(image, landmarks) : null,
            Liveness = wanted.HasFlag(FaceParts.Liveness) ? Liveness.Score(image, detection.Box) : null,
            Expression = wanted.HasFlag(FaceParts.Expression) ? Expression.Classify(image, detection.Box, landmarks) : null,
        };
    }

    /// <summary>The 68 points of the face in <paramref name="box"/> as the measures and the record read them (refined
    /// by a second pass when <see cref="FaceAnalyzerOptions.RefineLandmarks"/>), and the first pass's points, from which
    /// the recogniser's crop is placed.</summary>
    public (FaceLandmarks Points, FaceLandmarks Placement) LocateLandmarks(RgbImage image, FaceBox box)
    {
        ArgumentNullException.ThrowIfNull(image);
        var model = _landmarks.Value;
        var first = model.Detect(image, box);
        if (!Options.RefineLandmarks || Options.AlignedInput) return (first, first);
        return (first.Refined(model.Detect(image, first.RefinementBox(), mirrorAveraged: true)), first);
    }

    private AlignedFace AlignCounted(RgbImage image, FaceLandmarks landmarks)
    {
        Work.Add(WorkCounters.Names.AlignedCrop);
        return Aligner.Align(image, landmarks.FivePoints());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsRegistry) Registry.Dispose();
    }
}

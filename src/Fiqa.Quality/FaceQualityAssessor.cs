using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Onnx;
using Fiqa.Quality.Unified;

namespace Fiqa.Quality;

/// <summary>Options of <see cref="FaceQualityAssessor"/>.</summary>
public sealed record AssessorOptions
{
    /// <summary>A comma-separated list of measure or method names as users write it: null when not given, empty for
    /// "none".</summary>
    public static IReadOnlyList<string>? ParseNames(string? text) => text switch
    {
        null => null,
        var t when t.Trim().Equals("none", StringComparison.OrdinalIgnoreCase) => [],
        var t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
    };

    /// <summary>The face pipeline (models, threads, all faces or the primary one, aligned input). Its
    /// <see cref="FaceAnalyzerOptions.Parts"/> are what every face record carries besides what the measures need;
    /// by default none, so only the models the selected measures need are loaded.</summary>
    public FaceAnalyzerOptions Face { get; init; } = new() { Parts = FaceParts.None };
    /// <summary>Measure ids to compute; null = the whole catalogue. A profile's measures are always added.</summary>
    public IReadOnlyList<string>? Measures { get; init; }
    /// <summary>Verdict profile: a built-in name (icao, enrolment, verification) or a JSON file; null = no verdict.</summary>
    public string? Profile { get; init; }
    /// <summary>Assess a face found rotated by 90°, 180° or 270° in its upright orientation, without a rotation reason;
    /// by default the rotation is reported (reason <c>image.rotated</c>, roll includes it).</summary>
    public bool AutoRotate { get; init; }
    /// <summary>Look for faces turned by 90°, 180° or 270° (costs up to three more detection, landmark and embedder
    /// passes on images whose face the recogniser does not see clearly upright); off: every image is taken as upright.</summary>
    public bool DetectRotation { get; init; } = true;
    /// <summary>Unified quality methods to run besides the components (e.g. "norm", "perturb:4"); none by default.</summary>
    public IReadOnlyList<string> UnifiedMethods { get; init; } = [];
    /// <summary>Methods the caller built (a library user's own <see cref="IUnifiedQualityMethod"/>), run after the named
    /// ones and reported under their descriptor's name; the assessor does not dispose them.</summary>
    public IReadOnlyList<IUnifiedQualityMethod> CustomMethods { get; init; } = [];
    /// <summary>Files and settings of the unified methods (and of UnifiedQualityScore).</summary>
    public QualityMethodOptions Methods { get; init; } = new();
    /// <summary>The 0..100 mappings of the components and unified methods: the built-in file, or it with a user's
    /// overrides (<see cref="MappingTable.Load"/>).</summary>
    public MappingTable Mappings { get; init; } = MappingTable.Default;
    /// <summary>Decoding limits.</summary>
    public DecodeOptions Decode { get; init; } = DecodeOptions.Default;
}

/// <summary>One face's quality: its analysis, every requested component and the verdict.</summary>
public sealed record FaceQuality(FaceAnalysis Face, IReadOnlyDictionary<string, MeasureResult> Quality, Verdict? Verdict)
{
    /// <summary>Scores of the unified methods asked for, by method name.</summary>
    public IReadOnlyDictionary<string, MeasureResult> UnifiedMethods { get; init; } = new Dictionary<string, MeasureResult>();
}

/// <summary>One file's assessment. <see cref="Quality"/>, <see cref="Verdict"/> and <see cref="Unified"/> are the
/// primary face's, for the common single-portrait case.</summary>
public sealed record FaceAssessment(FileAnalysis Analysis, IReadOnlyList<FaceQuality> Faces)
{
    /// <summary>The file as given.</summary>
    public string File => Analysis.Path;
    /// <summary>Ok, NoFace or Error.</summary>
    public FileStatus Status => Analysis.Status;
    /// <summary>The primary face's components (empty without a face).</summary>
    public IReadOnlyDictionary<string, MeasureResult> Quality => Faces.Count > 0 ? Faces[0].Quality : new Dictionary<string, MeasureResult>();
    /// <summary>The primary face's verdict, or the file's (no face, unreadable) when it has no face; null without a profile.</summary>
    public Verdict? Verdict => Faces.Count > 0 ? Faces[0].Verdict : FileVerdict;
    /// <summary>The verdict of a file without a face to judge (<see cref="Quality.Verdict.NoFace"/>,
    /// <see cref="Quality.Verdict.Unreadable"/>), when a profile was given.</summary>
    public Verdict? FileVerdict { get; init; }
    /// <summary>Clockwise rotation, in degrees (0, 90, 180, 270), that made the image upright for analysis; coordinates
    /// in the face records refer to the upright image.</summary>
    public int Rotation { get; init; }
    /// <summary>The primary face's unified quality score, when computed.</summary>
    public MeasureResult? Unified => Quality.TryGetValue("UnifiedQualityScore", out var r) ? r : null;
}

/// <summary>Assesses face images: the face pipeline, then every selected ISO/IEC 29794-5 component and unified method on a
/// shared, lazily computed <see cref="FaceContext"/>, then the verdict. Measures and methods are built once, here, and
/// declare what they read from the embedder pass; the pipeline observes the union, so a face costs one embedder pass
/// whatever is requested. One failing measure never stops the others, and a bad file becomes an error result, never an
/// exception. Create once, share across threads.</summary>
public sealed class FaceQualityAssessor : IDisposable
{
    private readonly SessionRegistry _registry;
    private readonly FaceAnalyzer _analyzer;
    private readonly IReadOnlyList<IQualityMeasure> _measures;
    private readonly IReadOnlyList<IUnifiedQualityMethod> _unified;

    private FaceQualityAssessor(AssessorOptions options)
    {
        var paths = options.Face.Paths ?? FiqaPaths.Resolve();
        _registry = new SessionRegistry(ModelStore.For(paths), options.Face.Session, options.Face.VerifyModelChecksums);
        try
        {
            Profile = options.Profile is null ? null : VerdictProfile.Load(options.Profile);
            var settings = new QualitySettings
            {
                Registry = _registry, EmbedderModel = options.Face.Embedder, Methods = options.Methods, DerivedModelDirectory = paths.CacheFor("derived"),
                Mappings = options.Mappings,
            };
            // A verdict needs the profile's measures: they are added to an explicit selection.
            var ids = options.Measures is null || Profile is null ? options.Measures : options.Measures.Concat(Profile.MeasureIds);
            var entries = MeasureCatalogue.Select(ids);
            var names = options.UnifiedMethods.Select(UnifiedCatalogue.Normalise).ToList();
            if (names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
                throw new ArgumentException($"unified method '{twice.Key}' is requested twice");
            var needs = entries.Aggregate(names.Count > 0 ? MeasureNeeds.Embedding : MeasureNeeds.Image, (n, e) => n | e.Descriptor.Needs);
            _measures = entries.Select(e => (IQualityMeasure)new MappedMeasure(e.Create(settings), settings.Mappings.Measure(e.Name))).ToList();
            _unified = [.. options.UnifiedMethods.Select(n => UnifiedCatalogue.CreateBlind(n, settings)), .. options.CustomMethods];
            if (_unified.GroupBy(u => u.Descriptor.Name).FirstOrDefault(g => g.Count() > 1) is { } clash)
                throw new ArgumentException($"unified method '{clash.Key}' is requested twice");
            // Load only what the measures need, plus what the face records were asked to carry.
            var parts = options.Face.Parts;
            if (needs.HasFlag(MeasureNeeds.Landmarks)) parts |= FaceParts.Landmarks;
            if (needs.HasFlag(MeasureNeeds.Embedding)) parts |= FaceParts.Embedding;
            if (needs.HasFlag(MeasureNeeds.Pose)) parts |= FaceParts.Pose;
            if (needs.HasFlag(MeasureNeeds.Eyes)) parts |= FaceParts.Eyes;
            if (needs.HasFlag(MeasureNeeds.Liveness)) parts |= FaceParts.Liveness;
            if (needs.HasFlag(MeasureNeeds.Expression)) parts |= FaceParts.Expression;
            var observed = options.Face.EmbedderObservations
                .Concat(_measures.SelectMany(m => m.Observations))
                .Concat(_unified.SelectMany(u => u.Observations))
                .Distinct().ToList();
            _analyzer = new FaceAnalyzer(options.Face with { Parts = parts, Paths = paths, EmbedderObservations = observed }, _registry);
        }
        catch
        {
            _registry.Dispose();
            throw;
        }
        Options = options;
    }

    /// <summary>Creates an assessor; throws <see cref="ArgumentException"/> for an unknown measure, method or profile, and
    /// <see cref="Fiqa.Onnx.ModelConfigurationException"/> when a model or method file is missing.</summary>
    public static FaceQualityAssessor Create(AssessorOptions? options = null) => new(options ?? new AssessorOptions());

    /// <summary>The options in force.</summary>
    public AssessorOptions Options { get; }
    /// <summary>The verdict profile, if any.</summary>
    public VerdictProfile? Profile { get; }
    /// <summary>The measures computed, in catalogue order.</summary>
    public IReadOnlyList<MeasureDescriptor> Measures => _measures.Select(m => m.Descriptor).ToList();
    /// <summary>The unified methods computed, in the order requested.</summary>
    public IReadOnlyList<UnifiedMethodDescriptor> UnifiedMethods => _unified.Select(u => u.Descriptor).ToList();
    /// <summary>The underlying face pipeline.</summary>
    public FaceAnalyzer Analyzer => _analyzer;
    /// <summary>The sessions of every model the assessor uses (for run counts and the embedder's manifest).</summary>
    public SessionRegistry Registry => _registry;

    /// <summary>Loads every model the configuration needs now.</summary>
    public void Warm() => _analyzer.Warm();

    /// <summary>Assesses a file.</summary>
    public FaceAssessment Assess(string path) => DecodeThenAssess(() => ImageDecoder.Decode(path, Options.Decode), path);

    /// <summary>Assesses encoded bytes.</summary>
    public FaceAssessment Assess(byte[] encoded, string label = "(bytes)") => DecodeThenAssess(() => ImageDecoder.Decode(encoded, Options.Decode), label);

    private FaceAssessment DecodeThenAssess(Func<RgbImage> decode, string label)
    {
        RgbImage image;
        try
        {
            image = decode();
        }
        catch (ImageDecodeException e)
        {
            return new FaceAssessment(new FileAnalysis(label, FileStatus.Error, [], e.Message), []) { FileVerdict = Profile is null ? null : Verdict.Unreadable(e.Message) with { Calibration = Profile.Reference } };
        }
        return Assess(image, label);
    }

    /// <summary>Assesses a decoded image. A face found only when the image is turned by 90°, 180° or 270° is assessed
    /// upright; unless <see cref="AssessorOptions.AutoRotate"/> is set, the turn counts in its roll and its verdict.</summary>
    public FaceAssessment Assess(RgbImage image, string label = "(image)")
    {
        ArgumentNullException.ThrowIfNull(image);
        var analyses = new List<FaceAnalysis>();
        var faces = new List<FaceQuality>();
        UprightImage upright;
        try
        {
            upright = Options.DetectRotation ? _analyzer.FindUpright(image) : new UprightImage(image, 0, _analyzer.DetectAll(image));
            image = upright.Image;
            int reportedRotation = Options.AutoRotate ? 0 : upright.Rotation;
            IReadOnlyList<VerdictReason> rotationReason = reportedRotation == 0 ? [] : [RotationReason(reportedRotation)];
            var all = upright.Faces;
            int count = _analyzer.Options.AllFaces ? all.Count : Math.Min(1, all.Count);
            for (int i = 0; i < count; i++)
            {
                // The primary face's landmarks and embedder pass from finding the upright image are reused, not repeated.
                var analysis = _analyzer.AnalyzeFace(image, all[i], i, known: i == 0 ? upright.Primary : null);
                // The record's roll is the one HeadPoseRoll judges: the eye line plus the turn the image needed.
                if (reportedRotation != 0 && analysis is { Pose: { } pose, Landmarks: { } lm })
                    analysis = analysis with { Pose = pose with { Roll = (float)Fiqa.Quality.Measures.HeadPoseRoll.Of(reportedRotation, lm.EyeLineRoll) } };
                var context = new FaceContext(_analyzer, image, all, i, analysis, i == 0 ? upright.Primary : null) { ImageRotation = reportedRotation };
                var quality = Measure(context);
                var scores = Score(context);
                analyses.Add(analysis);
                faces.Add(new FaceQuality(analysis, quality, Profile?.Judge(quality, rotationReason)) { UnifiedMethods = scores });
            }
        }
        catch (Exception e) when (e is not Fiqa.Onnx.ModelConfigurationException and not OutOfMemoryException)
        {
            var error = $"analysis failed: {e.Message}";
            return new FaceAssessment(new FileAnalysis(label, FileStatus.Error, [], error, image.Width, image.Height), [])
            { FileVerdict = Profile is null ? null : Verdict.Unreadable(error) with { Calibration = Profile.Reference } };
        }
        var status = analyses.Count == 0 ? FileStatus.NoFace : FileStatus.Ok;
        return new FaceAssessment(new FileAnalysis(label, status, analyses, null, image.Width, image.Height), faces)
        {
            Rotation = upright.Rotation,
            FileVerdict = Profile is null || status == FileStatus.Ok ? null : Verdict.NoFace with { Calibration = Profile.Reference },
        };
    }

    private static VerdictReason RotationReason(int rotation) => new("image.rotated", "HeadPoseRoll", rotation, "°", 0, "file",
        "ISO/IEC 39794-5 and ICAO 9303: the portrait is stored upright",
        $"image rotated by {rotation}° (clockwise): store it upright, or assess with --auto-rotate");

    private Dictionary<string, MeasureResult> Measure(FaceContext context) =>
        Isolated(_measures, m => m.Descriptor.Name, m => m.Assess(context), MeasureResult.Failure);

    private Dictionary<string, MeasureResult> Score(FaceContext context) =>
        Isolated(_unified, u => u.Descriptor.Name, u => u.Score(context), MeasureResult.Failure);

    // Every measure and every unified method isolated (OFIQ's executor does the same): one that throws is a
    // failure_to_assess of its own, with the exception as its reason, not an error record for the file. A missing
    // model stays a setup error.
    private static Dictionary<string, TResult> Isolated<TPart, TResult>(IEnumerable<TPart> parts, Func<TPart, string> name, Func<TPart, TResult> run,
        Func<string, TResult> failure)
    {
        var results = new Dictionary<string, TResult>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            try
            {
                results[name(part)] = run(part);
            }
            catch (Exception e) when (e is not Fiqa.Onnx.ModelConfigurationException and not OutOfMemoryException)
            {
                results[name(part)] = failure($"{e.GetType().Name}: {e.Message}");
            }
        }
        return results;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _analyzer.Dispose();
        _registry.Dispose();
    }

    // A measure computes its native value; the 0..100 mapping is the settings' (calibration is data), so the native value
    // is mapped again here. The measure's own scalar uses the built-in table, for callers that run a measure alone.
    private sealed class MappedMeasure(IQualityMeasure measure, QualityMapping mapping) : IQualityMeasure
    {
        public MeasureDescriptor Descriptor { get; } = measure.Descriptor with { Mapping = mapping };

        public IReadOnlyList<TensorObservation> Observations => measure.Observations;

        public MeasureResult Assess(FaceContext face)
        {
            var r = measure.Assess(face);
            return r is { Status: MeasureStatus.Success, Raw: double raw } ? r with { Scalar = mapping.ToScalar(raw) } : r;
        }
    }
}

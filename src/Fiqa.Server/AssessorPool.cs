using System.Collections.Concurrent;
using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Onnx;
using Fiqa.Quality;

namespace Fiqa.Server;

/// <summary>What <c>POST /v1/assess</c> was asked for: the same switches as <c>fiqa assess</c>, and the key under which
/// its assessor is kept.</summary>
internal sealed record AssessQuery(string? Measures, string? Unified, string? Profile, bool AllFaces, bool AutoRotate, bool AssumeUpright)
{
    /// <summary>As <c>fiqa assess --measures</c>; an empty query value means not given.</summary>
    public static IReadOnlyList<string>? List(string? text) => AssessorOptions.ParseNames(string.IsNullOrEmpty(text) ? null : text);

    /// <summary>The first option refused, as "field: reason" (contradictions name both fields; the CLI refuses the same
    /// pairs), or null.</summary>
    /// <param name="served">Profile files served besides the built-in ones, by lower-case name.</param>
    public string? Problem(IReadOnlyDictionary<string, string> served) =>
        AutoRotate && AssumeUpright ? "auto_rotate and assume_upright contradict each other"
        : Profile is not null && !VerdictProfile.BuiltIn.Contains(Profile, StringComparer.OrdinalIgnoreCase) && !served.ContainsKey(Profile)
            ? $"profile: unknown profile '{Profile}'; the service offers: {string.Join(", ", VerdictProfile.BuiltIn.Concat(served.Keys))}"
        : MeasuresProblem(Measures);

    private static string? MeasuresProblem(string? measures)
    {
        try
        {
            MeasureCatalogue.Select(List(measures));
            return null;
        }
        catch (ArgumentException e)
        {
            return $"measures: {e.Message}";
        }
    }
}

/// <summary>The models, loaded once: one <see cref="FaceQualityAssessor"/> per distinct option set (up to
/// <see cref="ServerOptions.MaxAssessors"/>; beyond that one is built for the request and disposed), and the analyzer
/// <c>/v1/compare</c> uses. Assessors are thread-safe, so requests share them.</summary>
internal sealed class AssessorPool : IDisposable
{
    private readonly ServerOptions _options;
    private readonly ConcurrentDictionary<AssessQuery, Lazy<FaceQualityAssessor>> _assessors = new();
    private readonly Lazy<FaceAnalyzer> _comparer;
    private readonly Lock _createLock = new();
    private readonly InFlight _inFlight = new();

    private readonly ServedMethods _served;

    public AssessorPool(ServerOptions options, ServedMethods served, FiqaPaths paths)
    {
        _options = options;
        _served = served;
        ServedProfiles = options.LoadProfiles();
        Mappings = options.LoadMappings();
        Paths = paths;
        _comparer = new(() => new FaceAnalyzer(Analyzer(FaceParts.Embedding, allFaces: false)));
    }

    public FiqaPaths Paths { get; }

    /// <summary>The 0..100 mappings of every assessor (<see cref="ServerOptions.Mappings"/>).</summary>
    public MappingTable Mappings { get; }

    /// <summary>Profile files served besides the built-in ones: lower-case name → full path.</summary>
    public IReadOnlyDictionary<string, string> ServedProfiles { get; }

    public static AssessQuery Default { get; } = new(null, null, null, false, false, false);

    /// <summary>The same analyzer options as <c>fiqa assess</c> builds (every part, so records carry the same fields).</summary>
    private FaceAnalyzerOptions Analyzer(FaceParts parts, bool allFaces) => new()
    {
        Paths = Paths,
        AllFaces = allFaces,
        Parts = parts,
        Session = new OnnxSessionOptions { IntraOpThreads = _options.IntraOpThreads },
    };

    public AssessorOptions OptionsFor(AssessQuery q) => new()
    {
        Face = Analyzer(FaceParts.All, q.AllFaces),
        Measures = AssessQuery.List(q.Measures),
        Profile = q.Profile is { } name && ServedProfiles.TryGetValue(name.ToLowerInvariant(), out var file) ? file : q.Profile?.ToLowerInvariant(),
        AutoRotate = q.AutoRotate,
        DetectRotation = !q.AssumeUpright,
        UnifiedMethods = AssessQuery.List(q.Unified) ?? [],
        Methods = new QualityMethodOptions { OnnxManifests = _served.Manifests },
        Decode = _options.Decode,
        Mappings = Mappings,
    };

    /// <summary>The assessor for <paramref name="q"/>, and whether the caller must dispose it (pool full). Throws
    /// <see cref="ArgumentException"/> for unknown measures or methods.</summary>
    public (FaceQualityAssessor Assessor, bool Owned) Get(AssessQuery q)
    {
        if (_assessors.TryGetValue(q, out var known)) return (Value(q, known), false);
        lock (_createLock)
        {
            if (_assessors.Count >= _options.MaxAssessors && !_assessors.ContainsKey(q))
                return (FaceQualityAssessor.Create(OptionsFor(q)), true);
            var lazy = _assessors.GetOrAdd(q, key => new Lazy<FaceQualityAssessor>(() => FaceQualityAssessor.Create(OptionsFor(key))));
            return (Value(q, lazy), false);
        }
    }

    private FaceQualityAssessor Value(AssessQuery q, Lazy<FaceQualityAssessor> lazy)
    {
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A bad option set (unknown measure) must not stay cached as a failure.
            _assessors.TryRemove(new KeyValuePair<AssessQuery, Lazy<FaceQualityAssessor>>(q, lazy));
            throw;
        }
    }

    public FaceAnalyzer Comparer => _comparer.Value;

    /// <summary>Loads the default assessor's models and the comparer's, and runs one image through each so the first
    /// request pays no start-up.</summary>
    public void Warm() => Use(() =>
    {
        var (assessor, _) = Get(Default);
        assessor.Warm();
        var grey = new RgbImage(160, 160);
        Array.Fill(grey.Pixels, (byte)128);
        assessor.Assess(grey, "(warm-up)");
        Comparer.Warm();
        return true;
    });

    /// <summary>Runs <paramref name="work"/>, which uses the models; <see cref="Dispose"/> waits for every such run to end
    /// (<see cref="InFlight"/>). Throws <see cref="ObjectDisposedException"/> once the service is stopping.</summary>
    public T Use<T>(Func<T> work) => _inFlight.Use(this, work);

    public void Dispose()
    {
        // Bounded: a run stuck beyond this is abandoned with its models.
        if (!_inFlight.Close(TimeSpan.FromMinutes(2))) return;
        foreach (var lazy in _assessors.Values)
            if (lazy.IsValueCreated) lazy.Value.Dispose();
        if (_comparer.IsValueCreated) _comparer.Value.Dispose();
    }
}

using Fiqa.Face;

namespace Fiqa.Quality.Unified;

/// <summary>Whether a method scores one image on its own or needs a labelled gallery.</summary>
public enum UnifiedMethodKind
{
    /// <summary>Scores a single face (what <c>assess --unified</c> runs).</summary>
    Blind,
    /// <summary>Needs every sample's identity label (CR-FIQA's certainty ratio): an evaluation reference and a teacher,
    /// not a method for unlabelled images.</summary>
    LabelledReference,
}

/// <summary>A unified (FR-utility) quality method described as data.</summary>
/// <param name="Name">Name used on the command line (e.g. "perturb"; "perturb:4" for a parameterised instance).</param>
/// <param name="Description">What the raw value is.</param>
/// <param name="Mapping">Raw value → 0..100 scalar.</param>
/// <param name="Source">The publication the method follows.</param>
public sealed record UnifiedMethodDescriptor(string Name, string Description, QualityMapping Mapping, string Source)
{
    /// <summary>Blind or labelled.</summary>
    public UnifiedMethodKind Kind { get; init; } = UnifiedMethodKind.Blind;
    /// <summary>The parameter's symbol written after a colon (e.g. "R" for <c>perturb:R</c>); null when there is none.</summary>
    public string? Parameter { get; init; }
    /// <summary>True when the method cannot run without its parameter (<c>onnx:MANIFEST</c>).</summary>
    public bool ParameterRequired { get; init; }

    /// <summary>Success with the raw value mapped (a non-finite value is a failure that says so).</summary>
    public MeasureResult Result(double raw) => MeasureResult.Mapped(raw, Mapping.ToScalar);
}

/// <summary>Any quality method of the unified catalogue.</summary>
public interface IQualityMethod
{
    /// <summary>What the method is (named as requested, e.g. <c>perturb:4</c>).</summary>
    UnifiedMethodDescriptor Descriptor { get; }
}

/// <summary>A blind unified method. It is built with everything it needs (<see cref="QualitySettings"/>) and declares what
/// it reads from the face's embedder pass, so the pipeline observes the union of all requested methods in one run.
/// Deterministic: the same face gives the same score.</summary>
public interface IUnifiedQualityMethod : IQualityMethod
{
    /// <summary>What the method reads from the embedder pass besides the embedding.</summary>
    IReadOnlyList<TensorObservation> Observations => [];

    /// <summary>Scores one face (its aligned crop, embedder pass and embedding come from the shared context).</summary>
    MeasureResult Score(FaceContext face);
}

/// <summary>A method that scores a labelled set at once (CR-FIQA's certainty ratio).</summary>
public interface ILabelledQualityMethod : IQualityMethod
{
    /// <summary>One raw score per sample, from unit embeddings and identity labels.</summary>
    IReadOnlyList<double> Score(IReadOnlyList<float[]> unitEmbeddings, IReadOnlyList<string> identities);
}

/// <summary>A unified catalogue entry: the descriptor and the factory, which parses the entry's own parameter.</summary>
/// <param name="Descriptor">The method, as data.</param>
/// <param name="Create">Builds the method from the settings and the parameter written after the colon (null: none).</param>
public sealed record UnifiedMethodEntry(UnifiedMethodDescriptor Descriptor, Func<QualitySettings, string?, IQualityMethod> Create) : ICatalogueEntry
{
    /// <inheritdoc />
    public string Name => Descriptor.Name;
    /// <inheritdoc />
    public string? Parameter => Descriptor.Parameter;
    /// <inheritdoc />
    public bool ParameterRequired => Descriptor.ParameterRequired;
    /// <summary>The name a parameter makes (<c>perturb:4</c>), checked by the entry; null when the entry takes none.</summary>
    public Func<string, string>? NameFor { get; init; }
    /// <summary>For a parameter that names files (<c>onnx:MANIFEST</c>): a digest of their contents, so caches keyed by
    /// the method notice a model replaced under the same path; null when the name says everything.</summary>
    public Func<string, string>? ContentDigest { get; init; }
    /// <summary>For a method whose name does not say all its settings (<c>prefiqs</c> stands for a default rate that may
    /// change): what a cache must be keyed by besides the name, given the parameter (null: none); null when the name
    /// says everything.</summary>
    public Func<string?, string>? SettingsIdentity { get; init; }
}

/// <summary>The unified methods, created by name: one line per method.</summary>
public static class UnifiedCatalogue
{
    /// <summary>The count in a <c>name:N</c> parameter (digits only, 1..<paramref name="max"/>); otherwise an
    /// <see cref="UnknownNameException"/> saying what <paramref name="syntax"/> expects.</summary>
    public static int ParseCount(string parameter, int max, string syntax) =>
        int.TryParse(parameter, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1 && n <= max
            ? n
            : throw new UnknownNameException($"{syntax} in 1..{max}, got '{parameter}'");

    /// <summary>The catalogue.</summary>
    public static Catalogue<UnifiedMethodEntry> Methods { get; } = new("unified quality method",
    [
        new(DistilledQuality.Info, (s, _) => new DistilledQuality(s)),
        new(EmbeddingNorm.Info, (s, _) => new EmbeddingNorm(s)),
        new(PerturbationRobustness.Info, PerturbationRobustness.Create) { NameFor = PerturbationRobustness.NameFor },
        new(SerFiq.Info, (s, _) => new SerFiq(s)),
        new(Froq.Info, (s, _) => new Froq(s)),
        new(FaceQan.Info, FaceQan.Create) { NameFor = FaceQan.NameFor },
        new(PreFiqs.Info, PreFiqs.Create) { NameFor = PreFiqs.NameFor, SettingsIdentity = PreFiqs.CacheIdentity },
        new(OnnxQualityModel.Info, OnnxQualityModel.Create) { NameFor = OnnxQualityModel.NameFor, ContentDigest = OnnxQualityModel.ContentDigest },
        new(CertaintyRatio.Info, (_, _) => new CertaintyRatio()),
        new(SddFiqa.Info, (_, _) => new SddFiqa()),
    ]);

    /// <summary>Every descriptor, in catalogue order.</summary>
    public static IReadOnlyList<UnifiedMethodDescriptor> All { get; } = Methods.Entries.Select(e => e.Descriptor).ToList();

    /// <summary>The canonical name of a request (<c>PERTURB:4</c> → <c>perturb:4</c>), checking its parameter; the error
    /// lists the valid names.</summary>
    public static string Normalise(string name)
    {
        var (entry, parameter) = Methods.Resolve(name);
        if (parameter is null) return entry.Name;
        return entry.NameFor is { } nameFor ? nameFor(parameter) : throw new UnknownNameException($"unified quality method '{entry.Name}' takes no parameter");
    }

    /// <summary>What a cache of the method's scores must be keyed by: its canonical name, plus the digest of the files its
    /// parameter names (<see cref="UnifiedMethodEntry.ContentDigest"/>) and the settings its name leaves unsaid
    /// (<see cref="UnifiedMethodEntry.SettingsIdentity"/>).</summary>
    public static string CacheIdentity(string name)
    {
        var (entry, parameter) = Methods.Resolve(name);
        var canonical = Normalise(name);
        if (parameter is not null && entry.ContentDigest is { } digest) canonical = $"{canonical}#{digest(parameter)}";
        return entry.SettingsIdentity is { } settings ? $"{canonical}#{settings(parameter)}" : canonical;
    }

    /// <summary>The descriptor of a request.</summary>
    public static UnifiedMethodDescriptor Describe(string name)
    {
        var (entry, _) = Methods.Resolve(name);
        return entry.Descriptor with { Name = Normalise(name) };
    }

    /// <summary>Creates any method by name.</summary>
    public static IQualityMethod Create(string name, QualitySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (entry, parameter) = Methods.Resolve(name);
        _ = Normalise(name);
        return entry.Create(settings, parameter);
    }

    /// <summary>Creates a blind method by name; a labelled one is an error that says where it can be used.</summary>
    public static IUnifiedQualityMethod CreateBlind(string name, QualitySettings settings)
    {
        var kind = Describe(name).Kind;
        if (kind != UnifiedMethodKind.Blind)
            throw new UnknownNameException($"'{Normalise(name)}' needs identity labels: use it in 'fiqa eval --methods' or as a --teacher, not on single images");
        return (IUnifiedQualityMethod)Create(name, settings);
    }
}

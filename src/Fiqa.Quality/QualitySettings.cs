using Fiqa.Onnx;
using Fiqa.Quality.Unified;

namespace Fiqa.Quality;

/// <summary>Files and settings of the unified methods that have them; null files take the default in the models folder.</summary>
public sealed record QualityMethodOptions
{
    /// <summary>The distilled quality head (default: <see cref="DistilledQuality.DefaultFileName"/> in the models folder).</summary>
    public string? QualityHead { get; init; }
    /// <summary>FROQ's calibration (default: <see cref="Froq.DefaultFileName"/> in the models folder).</summary>
    public string? FroqCalibration { get; init; }
    /// <summary>SER-FIQ's passes, dropout rate and seed.</summary>
    public SerFiqOptions SerFiq { get; init; } = new();
    /// <summary>FaceQAN's ε, steps, starts, exponent and seed.</summary>
    public FaceQanOptions FaceQan { get; init; } = new();
    /// <summary>ONNX quality models by name: <c>onnx:NAME</c> runs the manifest registered under NAME and is reported
    /// under that name. The service offers its configured models this way, so a client never names a file.</summary>
    public IReadOnlyDictionary<string, string> OnnxManifests { get; init; } = new Dictionary<string, string>();
}

/// <summary>What measures and unified methods are built from, once, when the assessor is built: the session registry
/// (for manifests; the face pipeline runs the models), the embedder they observe, and their files.</summary>
public sealed record QualitySettings
{
    /// <summary>The face pipeline's sessions and models folder.</summary>
    public required SessionRegistry Registry { get; init; }
    /// <summary>The embedder model name (or manifest path) the methods observe.</summary>
    public required string EmbedderModel { get; init; }
    /// <summary>Method files and settings.</summary>
    public QualityMethodOptions Methods { get; init; } = new();
    /// <summary>Where graphs derived from the models (FaceQAN's input-gradient graph) are written with their SHA-256;
    /// null: built in memory only. Never the models folder.</summary>
    public string? DerivedModelDirectory { get; init; }
    /// <summary>The 0..100 mappings of the measures and methods (default: the built-in file).</summary>
    public MappingTable Mappings { get; init; } = MappingTable.Default;

    /// <summary>The embedder's manifest (read and verified once by the registry).</summary>
    public ModelManifest Embedder => Registry.Manifest(EmbedderModel);

    /// <summary>A catalogue method's descriptor with the mapping of <see cref="Mappings"/>.</summary>
    public UnifiedMethodDescriptor Mapped(UnifiedMethodDescriptor info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return info with { Mapping = Mappings.Method(info.Name) };
    }

    /// <summary>A file in the models folder.</summary>
    public string ModelsFile(string name) => Registry.Store.File(name);
}

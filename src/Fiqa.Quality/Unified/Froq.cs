using System.Text.Json;
using Fiqa.Face;

namespace Fiqa.Quality.Unified;

/// <summary>One observed layer: the ONNX tensor and its Spearman correlation with the pseudo-labels on the calibration set.</summary>
public sealed record FroqLayer(string Tensor, double Spearman);

/// <summary>What <c>fiqa calibrate froq</c> chose for one embedder: the observed layers (greedy order), the set's
/// Spearman correlation with the pseudo-labels, and the calibration faces' median of the set's mean norm (the unit
/// of <see cref="Froq"/>'s raw value). A small versioned JSON file.</summary>
public sealed record FroqCalibration
{
    /// <summary>The format name written into every file.</summary>
    public const string Format = "fiqa-froq-calibration";
    /// <summary>The format version this build reads and writes.</summary>
    public const int Version = 1;

    /// <summary>Embedder manifest name.</summary>
    public required string Embedder { get; init; }
    /// <summary>SHA-256 of the embedder model (null: not recorded).</summary>
    public string? EmbedderSha256 { get; init; }
    /// <summary>The pseudo-label method (a unified method name).</summary>
    public required string Labels { get; init; }
    /// <summary>Calibration faces used.</summary>
    public required int Faces { get; init; }
    /// <summary>The observed layers, in the order the greedy search added them.</summary>
    public required IReadOnlyList<FroqLayer> Layers { get; init; }
    /// <summary>Spearman of the set's mean norm with the pseudo-labels.</summary>
    public required double SetSpearman { get; init; }
    /// <summary>Median over the calibration faces of the set's mean norm.</summary>
    public required double MedianNorm { get; init; }
    /// <summary>The best single layers considered by the greedy search (for the record).</summary>
    public IReadOnlyList<FroqLayer> Candidates { get; init; } = [];
    /// <summary>Where the calibration came from (data, degradations, seed).</summary>
    public string Provenance { get; init; } = "";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record FileForm(string Format, int Version, FroqCalibration Calibration);

    /// <summary>Writes the file.</summary>
    public void Save(string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
        File.WriteAllText(path, JsonSerializer.Serialize(new FileForm(Format, Version, this), Json));
    }

    /// <summary>Reads a file; <see cref="InvalidDataException"/> names what is wrong.</summary>
    public static FroqCalibration Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no FROQ calibration at {path}", path);
        FileForm? file;
        try
        {
            file = JsonSerializer.Deserialize<FileForm>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a FROQ calibration file ({e.Message})", e);
        }
        if (file is null || file.Format != Format) throw new InvalidDataException($"{path}: not a FROQ calibration file");
        if (file.Version != Version) throw new InvalidDataException($"{path}: FROQ calibration version {file.Version}, this build reads {Version}");
        var c = file.Calibration;
        if (c.Layers.Count == 0 || !(c.MedianNorm > 0)) throw new InvalidDataException($"{path}: no layers or no median norm");
        return c;
    }
}

/// <summary><c>froq</c>: FROQ (Babnik et al., 2024; LSIbabnikz/FROQ), a training-free observer of the embedder — the
/// mean L2 norm of the activations at a few layers chosen on a calibration set by Spearman correlation with
/// perturbation-robustness pseudo-labels (<c>fiqa calibrate froq</c>). The raw value is that mean divided by the
/// calibration faces' median (1 = a typical calibration face); the norms are reduced in the face's embedder pass.</summary>
public sealed class Froq : IUnifiedQualityMethod
{
    /// <summary>The default calibration's file name, in the models folder.</summary>
    public const string DefaultFileName = "froq_calibration.json";

    /// <summary>The command that (re)creates the default calibration.</summary>
    public const string CalibrateCommand = "scripts/provision-quality-head.sh (or fiqa calibrate froq)";

    /// <summary>The descriptor.</summary>
    public static UnifiedMethodDescriptor Info { get; } = new("froq",
        "mean L2 norm of the embedder's activations at the calibrated layers ÷ the calibration median (1 = typical)",
        MappingTable.Default.Method("froq"), "Babnik et al. 2024 (FROQ)");

    private readonly TensorObservation[] _layers;

    /// <summary>Loads the calibration (settings' file, else the default in the models folder) and checks it was made for
    /// the settings' embedder.</summary>
    public Froq(QualitySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Calibration = EmbedderBoundFile.Load(settings, settings.Methods.FroqCalibration, DefaultFileName, FroqCalibration.Load, c => c.EmbedderSha256, "calibrated",
            $"Calibrate FROQ with: {CalibrateCommand}", "run fiqa calibrate froq for it");
        _layers = Calibration.Layers.Select(l => new TensorObservation(l.Tensor, TensorStatistic.L2)).ToArray();
        Descriptor = settings.Mapped(Info);
    }

    /// <summary>The calibration in use.</summary>
    public FroqCalibration Calibration { get; }

    /// <inheritdoc />
    public UnifiedMethodDescriptor Descriptor { get; }

    /// <inheritdoc />
    public IReadOnlyList<TensorObservation> Observations => _layers;

    /// <inheritdoc />
    public MeasureResult Score(FaceContext face)
    {
        ArgumentNullException.ThrowIfNull(face);
        double sum = 0;
        foreach (var layer in _layers) sum += face.Pass.Statistic(layer);
        double raw = sum / _layers.Length / Calibration.MedianNorm;
        return Descriptor.Result(raw);
    }
}

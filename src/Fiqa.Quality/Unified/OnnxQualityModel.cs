using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Quality.Unified;

/// <summary><c>onnx:MANIFEST</c>: any face quality model exported to ONNX, described by a model manifest of task
/// <c>quality</c> (the same JSON format as the pipeline's own models): input size, channel order, mean and std, the
/// alignment template, and in its <c>quality</c> section the output and index of the score and whether higher is better.
/// The face is aligned to that template from the shared landmarks (the shared aligned crop is reused when the template
/// is the embedder's), the session comes from the pipeline's registry, and one run gives the score.</summary>
public sealed class OnnxQualityModel : IUnifiedQualityMethod
{
    /// <summary>The descriptor (its name carries the manifest path: <c>onnx:models/ediffiqa.json</c>).</summary>
    public static UnifiedMethodDescriptor Info { get; } = new("onnx",
        "score of a user's ONNX quality model described by a manifest (task \"quality\"): input, alignment, output index, direction",
        MappingTable.Default.Method("onnx"), "the model's own publication")
    { Parameter = "MANIFEST", ParameterRequired = true };

    private readonly OnnxModel _model;
    private readonly ModelManifest _manifest;
    private readonly QualityModelSpec _quality;
    private readonly int _output;
    private readonly SimilarityAligner? _ownAligner;
    private readonly QualityMapping _mapping;

    /// <summary>Opens the model of <paramref name="manifestPath"/> in the settings' registry; every inconsistency is a
    /// <see cref="ModelConfigurationException"/> naming the manifest.</summary>
    /// <param name="settings">The registry and method options.</param>
    /// <param name="manifestPath">The manifest.</param>
    /// <param name="name">The parameter the method is reported under (default: <paramref name="manifestPath"/>).</param>
    public OnnxQualityModel(QualitySettings settings, string manifestPath, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(manifestPath);
        if (!File.Exists(manifestPath)) throw new ModelConfigurationException($"onnx: quality model manifest not found: {manifestPath}");
        var fullPath = Path.GetFullPath(manifestPath);
        _manifest = settings.Registry.Manifest(fullPath);
        _quality = _manifest.Quality ?? throw new ModelConfigurationException($"{manifestPath}: no \"quality\" section (output, output_index, higher_is_better)");
        _model = settings.Registry.Open(fullPath);
        var outputName = _quality.Output ?? _manifest.Outputs[0];
        _output = Array.IndexOf(_manifest.Outputs, outputName);
        if (_output < 0) throw new ModelConfigurationException($"{manifestPath}: quality.output '{outputName}' is not among the outputs ({string.Join(", ", _manifest.Outputs)})");
        if (_quality.OutputIndex < 0) throw new ModelConfigurationException($"{manifestPath}: quality.output_index must be ≥ 0");
        // Output shapes are often symbolic in exported models: one run on a blank input tells the length for certain,
        // so a wrong index is a setup error now rather than an error record for every image.
        int length = _model.Run(new float[_model.InputLength])[_output].Length;
        if (_quality.OutputIndex >= length)
            throw new ModelConfigurationException($"{manifestPath}: quality.output_index is {_quality.OutputIndex}, but the output '{outputName}' holds {length} value(s) (valid: 0..{length - 1})");
        var alignment = _manifest.Alignment ?? new AlignmentSpec { Width = _manifest.Input.Width, Height = _manifest.Input.Height };
        if (alignment.Width != _manifest.Input.Width || alignment.Height != _manifest.Input.Height)
            throw new ModelConfigurationException($"{manifestPath}: alignment size differs from the model input size");
        var shared = settings.Embedder.Alignment ?? new AlignmentSpec { Width = settings.Embedder.Input.Width, Height = settings.Embedder.Input.Height };
        _ownAligner = SameAlignment(alignment, shared) ? null : new SimilarityAligner(alignment);
        _mapping = (_quality.ScalarCenter, _quality.ScalarScale) switch
        {
            ({ } c, { } w) when w > 0 => new SigmoidMapping(c, w),
            (null, null) => settings.Mappings.Method(Info.Name),
            _ => throw new ModelConfigurationException($"{manifestPath}: give both quality.scalar_center and a positive quality.scalar_scale, or neither"),
        };
        Descriptor = Info with { Name = NameFor(name ?? manifestPath), Mapping = _mapping, Source = _manifest.Source ?? Info.Source };
    }

    /// <summary>The catalogue's factory.</summary>
    public static IQualityMethod Create(QualitySettings settings, string? parameter)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (parameter is null) throw new UnknownNameException("onnx needs a manifest: onnx:PATH.json");
        return settings.Methods.OnnxManifests.TryGetValue(parameter, out var registered)
            ? new OnnxQualityModel(settings, registered, parameter)
            : new OnnxQualityModel(settings, parameter);
    }

    /// <summary>The method's name for a manifest path (the path as given).</summary>
    public static string NameFor(string parameter) =>
        string.IsNullOrWhiteSpace(parameter) ? throw new UnknownNameException("onnx needs a manifest: onnx:PATH.json") : $"{Info.Name}:{parameter}";

    /// <summary>SHA-256 over the manifest's bytes and its model's (the model's own checksum when the manifest gives one,
    /// so a large model is not read again); a missing file reads as "missing" and the method's creation reports it.</summary>
    public static string ContentDigest(string manifestPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(manifestPath);
        if (!File.Exists(manifestPath)) return "missing";
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        sha.AppendData(File.ReadAllBytes(manifestPath));
        string model;
        try
        {
            var manifest = ModelManifest.Load(Path.GetFullPath(manifestPath));
            model = manifest.Sha256 ?? (File.Exists(manifest.ModelPath) ? FileSha256(manifest.ModelPath) : "missing");
        }
        catch (Exception e) when (e is ModelConfigurationException or IOException or System.Text.Json.JsonException or InvalidDataException)
        {
            model = "unreadable";
        }
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes(model));
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    private static string FileSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    /// <inheritdoc />
    public UnifiedMethodDescriptor Descriptor { get; }

    /// <inheritdoc />
    public MeasureResult Score(FaceContext face)
    {
        ArgumentNullException.ThrowIfNull(face);
        RgbImage aligned = _ownAligner is null ? face.Aligned.Image : _ownAligner.Align(face.Image, face.Landmarks.FivePoints()).Image;
        var values = _model.Run(InputTensor.FromImage(aligned, _manifest.Input))[_output];
        double raw = _quality.HigherIsBetter ? values[_quality.OutputIndex] : -values[_quality.OutputIndex];
        return MeasureResult.Mapped(raw, _mapping.ToScalar);
    }

    private static bool SameAlignment(AlignmentSpec a, AlignmentSpec b) =>
        a.Width == b.Width && a.Height == b.Height && a.Template.Length == b.Template.Length
        && a.Template.Zip(b.Template).All(p => p.First.AsSpan().SequenceEqual(p.Second));
}

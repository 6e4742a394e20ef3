using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fiqa.Onnx;

/// <summary>Channel layout a model expects.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChannelOrder>))]
public enum ChannelOrder
{
    /// <summary>Three planes R, G, B.</summary>
    [JsonStringEnumMemberName("rgb")] Rgb,
    /// <summary>Three planes B, G, R.</summary>
    [JsonStringEnumMemberName("bgr")] Bgr,
    /// <summary>One grey plane (OpenCV luma).</summary>
    [JsonStringEnumMemberName("gray")] Gray,
}

/// <summary>How a model's input tensor is built: NCHW float32, value = (pixel − mean[c]) / std[c].</summary>
public sealed record InputSpec
{
    /// <summary>Input tensor name.</summary>
    public string Name { get; init; } = "input";
    /// <summary>Width in pixels.</summary>
    public int Width { get; init; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; init; }
    /// <summary>Channel layout.</summary>
    public ChannelOrder Channels { get; init; } = ChannelOrder.Rgb;
    /// <summary>Per-channel mean, in 0..255 pixel units, in tensor channel order.</summary>
    public float[] Mean { get; init; } = [0, 0, 0];
    /// <summary>Per-channel divisor, in 0..255 pixel units, in tensor channel order.</summary>
    public float[] Std { get; init; } = [1, 1, 1];

    /// <summary>Number of tensor channels.</summary>
    [JsonIgnore] public int ChannelCount => Channels == ChannelOrder.Gray ? 1 : 3;

    /// <summary>Throws with a clear message when the spec is inconsistent.</summary>
    public void Validate(string model)
    {
        if (Width <= 0 || Height <= 0) throw new ModelConfigurationException($"{model}: input width/height must be positive");
        if (Mean.Length != ChannelCount || Std.Length != ChannelCount)
            throw new ModelConfigurationException($"{model}: mean and std need {ChannelCount} value(s) for {Channels} input");
        if (Std.Any(s => s == 0)) throw new ModelConfigurationException($"{model}: std must not be 0");
    }
}

/// <summary>The reference points a face is aligned to, in the aligned image's pixels.</summary>
public sealed record AlignmentSpec
{
    /// <summary>Aligned image width.</summary>
    public int Width { get; init; } = 112;
    /// <summary>Aligned image height.</summary>
    public int Height { get; init; } = 112;
    /// <summary>Five points: image-left eye centre, image-right eye centre, nose tip, left and right mouth corners.</summary>
    public float[][] Template { get; init; } = ArcFaceTemplate;

    /// <summary>InsightFace's ArcFace 112×112 template (insightface/python-package/insightface/utils/face_align.py).</summary>
    public static readonly float[][] ArcFaceTemplate =
        [[38.2946f, 51.6963f], [73.5318f, 51.5014f], [56.0252f, 71.7366f], [41.5493f, 92.3655f], [70.7299f, 92.2041f]];
}

/// <summary>Detector post-processing parameters.</summary>
public sealed record DetectorSpec
{
    /// <summary>Minimum face probability (0..1).</summary>
    [JsonPropertyName("score_threshold")] public float ScoreThreshold { get; init; } = 0.65f;
    /// <summary>IoU above which the lower-scoring of two boxes is suppressed.</summary>
    [JsonPropertyName("nms_iou")] public float NmsIou { get; init; } = 0.4f;
}

/// <summary>Crop around the face box fed to a model: the box grown by <see cref="Scale"/> about its centre.</summary>
public sealed record CropSpec
{
    /// <summary>Growth factor of the box side (1 = the box itself).</summary>
    public float Scale { get; init; } = 1f;
}

/// <summary>Embedder-specific facts.</summary>
public sealed record EmbedderSpec
{
    /// <summary>Name of the tensor feeding the final linear layer (for SER-FIQ-style passes).</summary>
    [JsonPropertyName("penultimate_tensor")] public string? PenultimateTensor { get; init; }
}

/// <summary>What a face quality model's output means (task <c>quality</c>): which value of which output is the score,
/// and which way it points. Lets a user's ONNX export (eDifFIQA, CR-FIQA, MagFace, SDD-FIQA, LightQNet …) run as a
/// unified method.</summary>
public sealed record QualityModelSpec
{
    /// <summary>The output holding the score (default: the manifest's first output).</summary>
    public string? Output { get; init; }
    /// <summary>Index of the score within that output's values (flattened).</summary>
    [JsonPropertyName("output_index")] public int OutputIndex { get; init; }
    /// <summary>False when a lower value means a better sample (the score is then negated).</summary>
    [JsonPropertyName("higher_is_better")] public bool HigherIsBetter { get; init; } = true;
    /// <summary>Raw score at scalar 50 (with <see cref="ScalarScale"/>: scalar = 100·sigmoid((raw − centre) / scale));
    /// null: scalar = 100·clamp(raw, 0, 1).</summary>
    [JsonPropertyName("scalar_center")] public double? ScalarCenter { get; init; }
    /// <summary>Sigmoid scale of the scalar mapping.</summary>
    [JsonPropertyName("scalar_scale")] public double? ScalarScale { get; init; }
}

/// <summary>Describes one ONNX model file: where it came from, its checksum and how to feed it. Users describe their
/// own models the same way (a JSON file next to the .onnx).</summary>
public sealed record ModelManifest
{
    /// <summary>Model name (file stem).</summary>
    public string Name { get; init; } = "";
    /// <summary>Task: detector, landmarks68, embedder, head_pose, eye_state, liveness, expression, quality.</summary>
    public string Task { get; init; } = "";
    /// <summary>ONNX file name, relative to the manifest.</summary>
    public string File { get; init; } = "";
    /// <summary>Expected SHA-256 of the file (hex), or null to skip the check.</summary>
    public string? Sha256 { get; init; }
    /// <summary>Provenance and licence.</summary>
    public string? Source { get; init; }
    /// <summary>What the model does.</summary>
    public string? Description { get; init; }
    /// <summary>Input tensor layout.</summary>
    public InputSpec Input { get; init; } = new();
    /// <summary>Output tensor names, in the order the implementation reads them.</summary>
    public string[] Outputs { get; init; } = ["output"];
    /// <summary>Alignment template (embedders).</summary>
    public AlignmentSpec? Alignment { get; init; }
    /// <summary>Detector post-processing.</summary>
    public DetectorSpec? Detector { get; init; }
    /// <summary>Crop around the face box.</summary>
    public CropSpec? Crop { get; init; }
    /// <summary>Embedder facts.</summary>
    public EmbedderSpec? Embedder { get; init; }
    /// <summary>Quality models: what the score is.</summary>
    public QualityModelSpec? Quality { get; init; }
    /// <summary>Class names of a classifier, in output order.</summary>
    public string[]? Classes { get; init; }

    /// <summary>Full path of the ONNX file (set when loaded from disk).</summary>
    [JsonIgnore] public string ModelPath { get; init; } = "";

    /// <summary>Writes the manifest as JSON (the format <see cref="Load"/> reads).</summary>
    public void Save(string manifestPath)
    {
        ArgumentNullException.ThrowIfNull(manifestPath);
        var options = new JsonSerializerOptions(ManifestJsonContext.Default.Options) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        System.IO.File.WriteAllText(manifestPath, JsonSerializer.Serialize(this, new ManifestJsonContext(options).ModelManifest));
    }

    /// <summary>Reads a manifest file; the model file is resolved next to it.</summary>
    public static ModelManifest Load(string manifestPath)
    {
        ModelManifest? m;
        try
        {
            using var stream = System.IO.File.OpenRead(manifestPath);
            m = JsonSerializer.Deserialize(stream, ManifestJsonContext.Default.ModelManifest);
        }
        catch (JsonException e)
        {
            throw new ModelConfigurationException($"{manifestPath}: invalid manifest JSON: {e.Message}", e);
        }
        if (m is null || string.IsNullOrWhiteSpace(m.File))
            throw new ModelConfigurationException($"{manifestPath}: manifest names no model file");
        var dir = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        m = m with { ModelPath = Path.Combine(dir, m.File) };
        m.Input.Validate(m.Name);
        return m;
    }
}

/// <summary>A model that is missing, corrupt or described inconsistently.</summary>
public sealed class ModelConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelConfigurationException(string message) : base(message) { }
    /// <summary>Creates the exception with its cause.</summary>
    public ModelConfigurationException(string message, Exception inner) : base(message, inner) { }
    /// <summary>Creates the exception.</summary>
    public ModelConfigurationException() { }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;

using System.Numerics.Tensors;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fiqa.Quality.Unified;

/// <summary>eDifFIQA's quality head (Babnik et al., TBIOM 2024): an MLP input → hidden (GELU) → 1, here on what the
/// frozen embedder's own pass yields besides the embedding: the log L1 norm of each of its activation tensors
/// (<see cref="ObservedTensors"/>, reduced in the graph during the face's embedder pass), standardised per input with the
/// training set's mean and deviation. The final embedding alone is a poor input for a head trained on few identities: its
/// positions encode identity (README, "how the head is built"). The output approximates the teacher's label mapped to
/// [0, 1]. Version 3 adds inputs the same pass yields for free or nearly so (<see cref="ExtraInputs"/>): the log L2 norm
/// of the raw embedding (MagFace's quality) and SER-FIQ's dropout score on the pass's penultimate tensor. Stored as one
/// versioned JSON file (weights as base64 little-endian float32) with the training provenance.</summary>
public sealed class QualityHead
{
    /// <summary>The file format name written into every head file.</summary>
    public const string Format = "fiqa-quality-head";
    /// <summary>The format version this build writes (1: sorted-embedding input, no longer read; 2: activation norms
    /// only, still read).</summary>
    public const int Version = 3;

    /// <summary>Extra input: ln of the raw embedding's L2 norm.</summary>
    public const string EmbeddingNormInput = "log_embedding_norm";
    /// <summary>Extra input: SER-FIQ's score (<see cref="Unified.SerFiq"/>) with the head file's dropout settings.</summary>
    public const string SerFiqInput = "serfiq";
    /// <summary>Extra input: the L2-normalised embedding itself, one input per dimension (CR-FIQA's quality regressor reads
    /// the embedding: Boutros et al., CVPR 2023). Always the last input; its width is the embedder's.</summary>
    public const string EmbeddingInput = "embedding";
    /// <summary>The one-value extra inputs this build knows, in the order they follow the activation norms (the trainer
    /// collects all of them).</summary>
    public static IReadOnlyList<string> KnownExtraInputs { get; } = [EmbeddingNormInput, SerFiqInput];
    /// <summary>Every extra input a head file may name: <see cref="KnownExtraInputs"/> and <see cref="EmbeddingInput"/>.</summary>
    public static IReadOnlyList<string> AllExtraInputs { get; } = [EmbeddingNormInput, SerFiqInput, EmbeddingInput];

    /// <summary>The input transform this build writes and reads: ln of each observed tensor's L1 norm.</summary>
    public const string InputTransform = "log-activation-l1";

    /// <summary>An untrained head (zero weights) for <paramref name="observedTensors"/>; the trainer fills it.</summary>
    internal QualityHead(int inputSize, int hiddenSize, IReadOnlyList<string> observedTensors, IReadOnlyList<string>? extraInputs = null)
    {
        extraInputs ??= [];
        foreach (var e in extraInputs)
            if (!AllExtraInputs.Contains(e)) throw new ArgumentException($"unknown extra input '{e}'; known: {string.Join(", ", AllExtraInputs)}");
        int width = EmbeddingWidthOf(inputSize, observedTensors.Count, extraInputs);
        if (width < 0)
            throw new ArgumentException(width == -2
                ? $"the extra input '{EmbeddingInput}' must come last"
                : $"{observedTensors.Count} observed tensors and {extraInputs.Count} extra inputs for {inputSize} inputs");
        EmbeddingWidth = width;
        ObservedTensors = observedTensors;
        ExtraInputs = extraInputs;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        InputMean = new float[inputSize];
        InputScale = new float[inputSize];
        W1 = new float[hiddenSize * inputSize];
        B1 = new float[hiddenSize];
        W2 = new float[hiddenSize];
    }

    // The embedding input's width: what is left after the one-value inputs (0 without it; −1 too few inputs, −2 misplaced).
    private static int EmbeddingWidthOf(int inputSize, int tensors, IReadOnlyList<string> extras)
    {
        int at = extras.ToList().IndexOf(EmbeddingInput);
        if (at < 0) return tensors + extras.Count == inputSize ? 0 : -1;
        if (at != extras.Count - 1) return -2;
        int width = inputSize - tensors - (extras.Count - 1);
        return width >= 1 ? width : -1;
    }

    /// <summary>Input size: the activation norms, the one-value extra inputs and <see cref="EmbeddingWidth"/>.</summary>
    public int InputSize { get; }

    /// <summary>Inputs taken by the <see cref="EmbeddingInput"/> (the embedder's dimensions; 0 when the head does not read it).</summary>
    public int EmbeddingWidth { get; }
    /// <summary>Hidden units.</summary>
    public int HiddenSize { get; }
    internal float[] InputMean { get; }
    /// <summary>1 / standard deviation per input dimension.</summary>
    internal float[] InputScale { get; }
    internal float[] W1 { get; }
    internal float[] B1 { get; }
    internal float[] W2 { get; }
    internal float B2 { get; set; }

    /// <summary>Where the head came from: teacher, data, options, held-out report (free-form JSON, kept on save).</summary>
    public JsonObject Provenance { get; init; } = [];

    /// <summary>The embedder's activation tensors whose L1 norms are the inputs, in input order.</summary>
    public IReadOnlyList<string> ObservedTensors { get; }

    /// <summary>Inputs after the activation norms (<see cref="KnownExtraInputs"/>), in input order.</summary>
    public IReadOnlyList<string> ExtraInputs { get; }

    /// <summary>SER-FIQ's settings for the <see cref="SerFiqInput"/> input (the head's own, not the <c>serfiq</c>
    /// method's, so the input is what the head was trained on).</summary>
    public SerFiqOptions SerFiq { get; init; } = new();

    /// <summary>The head's input from the observed tensors' L1 norms (ln, so the head sees scale ratios).</summary>
    public static float[] Features(ReadOnlySpan<double> l1Norms)
    {
        var features = new float[l1Norms.Length];
        for (int i = 0; i < features.Length; i++) features[i] = (float)Math.Log(Math.Max(l1Norms[i], 1e-30));
        return features;
    }

    /// <summary>The head's input from an embedder pass that observed <paramref name="inputs"/> (L1 norms, in input order).</summary>
    public static float[] Features(Face.EmbedderPass pass, IReadOnlyList<Face.TensorObservation> inputs)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(inputs);
        var norms = new double[inputs.Count];
        for (int i = 0; i < norms.Length; i++) norms[i] = pass.Statistic(inputs[i]);
        return Features(norms);
    }

    /// <summary>Scales the output so that the given outputs (the training set's) span [0, 1]: folded into the last
    /// layer, so Predict stays one MLP. A multi-teacher head's shared score has no scale of its own.</summary>
    internal void RescaleOutput(double min, double max)
    {
        // A head whose every hidden unit died under weight decay ranks nothing; say so rather than write it.
        if (!(max - min > 1e-6))
            throw new InvalidOperationException($"the trained head is constant on its training samples (outputs {min:G4}..{max:G4}): it collapsed — weaker weight decay or another seed");
        double span = max - min;
        for (int j = 0; j < HiddenSize; j++) W2[j] = (float)(W2[j] / span);
        B2 = (float)((B2 - min) / span);
    }

    /// <summary>The mean of several heads on the same inputs as one head: their hidden layers side by side, each member's
    /// standardisation folded into its first layer (so the result standardises with <paramref name="inputMean"/> and
    /// <paramref name="inputScale"/>, by default the first member's), the output layers averaged. Predict gives the
    /// members' mean output exactly (up to float rounding), so the file format, the ONNX export and the cost per face stay
    /// those of one MLP. With <paramref name="weights"/> (one per member, summing to 1) the mean is weighted: a fusion of
    /// heads trained on different material.</summary>
    public static QualityHead Average(IReadOnlyList<QualityHead> members, float[]? inputMean = null, float[]? inputScale = null, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0) throw new ArgumentException("at least one member");
        if (weights is not null && (weights.Count != members.Count || weights.Any(w => !(w >= 0)) || Math.Abs(weights.Sum() - 1) > 1e-9))
            throw new ArgumentException("one non-negative weight per member, summing to 1");
        var first = members[0];
        inputMean ??= first.InputMean;
        inputScale ??= first.InputScale;
        if (inputMean.Length != first.InputSize || inputScale.Length != first.InputSize) throw new ArgumentException("one mean and scale per input");
        if (members.Any(m => m.InputSize != first.InputSize || !m.ObservedTensors.SequenceEqual(first.ObservedTensors) || !m.ExtraInputs.SequenceEqual(first.ExtraInputs)))
            throw new ArgumentException("members must share their inputs");
        int inputs = first.InputSize;
        var mean = new QualityHead(inputs, members.Sum(m => m.HiddenSize), first.ObservedTensors, first.ExtraInputs) { SerFiq = first.SerFiq, EmbedderSha256 = first.EmbedderSha256 };
        inputMean.CopyTo(mean.InputMean);
        inputScale.CopyTo(mean.InputScale);
        var ratio = new float[inputs];
        var shift = new float[inputs];
        int row = 0;
        for (int k = 0; k < members.Count; k++)
        {
            var m = members[k];
            // Unweighted: divided by the count, as bagged heads always were (bit-identical files).
            float Scaled(float v) => weights is null ? v / members.Count : (float)(v * weights[k]);
            // x_m = (raw − μ_m)·s_m = x·(s_m / s) + (μ − μ_m)·s_m, with x the combined head's standardised input.
            TensorPrimitives.Divide(m.InputScale, inputScale, ratio);
            TensorPrimitives.Subtract(inputMean, m.InputMean, shift);
            TensorPrimitives.Multiply(shift, m.InputScale, shift);
            for (int j = 0; j < m.HiddenSize; j++, row++)
            {
                var w = m.W1.AsSpan(j * inputs, inputs);
                TensorPrimitives.Multiply(w, ratio, mean.W1.AsSpan(row * inputs, inputs));
                mean.B1[row] = m.B1[j] + TensorPrimitives.Dot(w, shift);
                mean.W2[row] = Scaled(m.W2[j]);
            }
            mean.B2 += Scaled(m.B2);
        }
        return mean;
    }

    /// <summary>SHA-256 of the embedder model the head was trained on (null: not recorded).</summary>
    public string? EmbedderSha256 { get; init; }

    /// <summary>Predicted quality (≈ 0..1) for an input from <c>Features</c>.</summary>
    public float Predict(ReadOnlySpan<float> features)
    {
        Span<float> x = stackalloc float[InputSize];
        Standardise(features, x);
        var hidden = new float[HiddenSize];
        return Forward(x, hidden, hidden);
    }

    internal void Standardise(ReadOnlySpan<float> raw, Span<float> x)
    {
        if (raw.Length != InputSize) throw new ArgumentException($"the head expects {InputSize} inputs, got {raw.Length}");
        raw.CopyTo(x);
        TensorPrimitives.Subtract(x, InputMean, x);
        TensorPrimitives.Multiply(x, InputScale, x);
    }

    // pre = W1·x + b1, act = GELU(pre), returns w2·act + b2.
    internal float Forward(ReadOnlySpan<float> x, Span<float> pre, Span<float> act)
    {
        for (int j = 0; j < HiddenSize; j++) pre[j] = TensorPrimitives.Dot(W1.AsSpan(j * InputSize, InputSize), x) + B1[j];
        for (int j = 0; j < HiddenSize; j++) act[j] = Gelu(pre[j]);
        return TensorPrimitives.Dot(W2, act[..HiddenSize]) + B2;
    }

    // GELU, tanh form (Hendrycks & Gimpel): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    internal const float GeluScale = 0.7978845608f, GeluCubic = 0.044715f;
    internal static float Gelu(float x) => 0.5f * x * (1 + MathF.Tanh(GeluScale * (x + GeluCubic * x * x * x)));

    /// <summary>Writes the head file.</summary>
    public void Save(string path)
    {
        var json = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["input"] = InputSize,
            ["hidden"] = HiddenSize,
            ["activation"] = "gelu-tanh",
            ["input_transform"] = InputTransform,
            ["observed_tensors"] = new JsonArray(ObservedTensors.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["extra_inputs"] = new JsonArray(ExtraInputs.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["serfiq"] = new JsonObject { ["passes"] = SerFiq.Passes, ["dropout"] = SerFiq.DropoutRate, ["seed"] = SerFiq.Seed },
            ["embedder_sha256"] = EmbedderSha256,
            ["provenance"] = Provenance.DeepClone(),
            ["weights"] = new JsonObject
            {
                ["input_mean"] = Encode(InputMean),
                ["input_scale"] = Encode(InputScale),
                ["w1"] = Encode(W1),
                ["b1"] = Encode(B1),
                ["w2"] = Encode(W2),
                ["b2"] = Encode([B2]),
            },
        };
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        // Write then rename: a reader never sees half a file.
        var temp = path + ".tmp";
        File.WriteAllText(temp, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a head file; errors name the file and what is wrong with it.</summary>
    public static QualityHead Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"quality head not found: {path}", path);
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException("empty file");
            if ((string?)json["format"] != Format) throw new InvalidDataException($"not a {Format} file");
            int version = (int?)json["version"] ?? 0;
            if (version is not (2 or Version)) throw new InvalidDataException($"format version {version}; this build reads versions 2 and {Version} (retrain the head)");
            if ((string?)json["activation"] != "gelu-tanh") throw new InvalidDataException($"unsupported activation '{json["activation"]}'");
            int input = (int?)json["input"] ?? 0, hidden = (int?)json["hidden"] ?? 0;
            if (input <= 0 || hidden <= 0) throw new InvalidDataException("input and hidden sizes must be positive");
            if ((string?)json["input_transform"] != InputTransform) throw new InvalidDataException($"unsupported input transform '{json["input_transform"]}'");
            var tensors = json["observed_tensors"]?.AsArray().Select(n => (string?)n ?? throw new InvalidDataException("observed_tensors: null entry")).ToList()
                ?? throw new InvalidDataException("no observed_tensors");
            var extras = json["extra_inputs"]?.AsArray().Select(n => (string?)n ?? throw new InvalidDataException("extra_inputs: null entry")).ToList() ?? [];
            if (extras.FirstOrDefault(e => !AllExtraInputs.Contains(e)) is { } unknown)
                throw new InvalidDataException($"unknown extra input '{unknown}' (this build knows {string.Join(", ", AllExtraInputs)})");
            int width = EmbeddingWidthOf(input, tensors.Count, extras);
            if (width < 0)
                throw new InvalidDataException(width == -2 ? $"the extra input '{EmbeddingInput}' must come last" : $"{tensors.Count} observed tensors and {extras.Count} extra inputs for {input} inputs");
            var serfiq = json["serfiq"]?.AsObject();
            var head = new QualityHead(input, hidden, tensors, extras)
            {
                SerFiq = serfiq is null ? new SerFiqOptions() : new SerFiqOptions
                {
                    Passes = (int?)serfiq["passes"] ?? throw new InvalidDataException("serfiq.passes missing"),
                    DropoutRate = (double?)serfiq["dropout"] ?? throw new InvalidDataException("serfiq.dropout missing"),
                    Seed = (int?)serfiq["seed"] ?? throw new InvalidDataException("serfiq.seed missing"),
                },
                EmbedderSha256 = (string?)json["embedder_sha256"],
                Provenance = json["provenance"]?.DeepClone().AsObject() ?? [],
            };
            var w = json["weights"]?.AsObject() ?? throw new InvalidDataException("no weights");
            Decode(w, "input_mean", head.InputMean);
            Decode(w, "input_scale", head.InputScale);
            Decode(w, "w1", head.W1);
            Decode(w, "b1", head.B1);
            Decode(w, "w2", head.W2);
            var b2 = new float[1];
            Decode(w, "b2", b2);
            head.B2 = b2[0];
            return head;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static string Encode(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return Convert.ToBase64String(bytes);
    }

    private static void Decode(JsonObject weights, string name, float[] into)
    {
        var bytes = Convert.FromBase64String((string?)weights[name] ?? throw new InvalidDataException($"weights.{name} missing"));
        if (bytes.Length != into.Length * 4) throw new InvalidDataException($"weights.{name}: {bytes.Length / 4} values, expected {into.Length}");
        for (int i = 0; i < into.Length; i++) into[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
    }
}

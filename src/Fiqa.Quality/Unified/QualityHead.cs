using System.Collections.Immutable;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fiqa.Quality.Unified;

/// <summary>eDifFIQA's quality head (Babnik et al., TBIOM 2024): an MLP input → hidden (GELU) → 1, here on what the
/// frozen embedder's own pass yields besides the embedding: the log L1 norm of each of its activation tensors
/// (<see cref="ObservedTensors"/>, reduced in the graph during the face's embedder pass), standardised per input with the
/// training set's mean and deviation. The final embedding alone is a poor input for a head trained on few identities: its
/// positions encode identity (README, "how the head is built"). The output approximates the teacher's label mapped to
/// [0, 1]. Version 3 adds inputs the same pass yields for free or nearly so (<see cref="ExtraInputs"/>): the log L2 norm
/// of the raw embedding (MagFace's quality) and SER-FIQ's dropout score on the pass's penultimate tensor. The parameters
/// are one immutable <see cref="QualityHeadWeights"/> value; the head adds what its inputs are. Stored as one versioned
/// JSON file (weights as base64 little-endian float32) with the training provenance.</summary>
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

    /// <summary>A head running <paramref name="weights"/> on the L1 norms of <paramref name="observedTensors"/> followed by
    /// <paramref name="extraInputs"/> (<see cref="AllExtraInputs"/>; <see cref="EmbeddingInput"/> last); the input count
    /// must be the weights'.</summary>
    public QualityHead(QualityHeadWeights weights, IReadOnlyList<string> observedTensors, IReadOnlyList<string>? extraInputs = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(observedTensors);
        extraInputs ??= [];
        foreach (var e in extraInputs)
            if (!AllExtraInputs.Contains(e)) throw new ArgumentException($"unknown extra input '{e}'; known: {string.Join(", ", AllExtraInputs)}");
        int width = EmbeddingWidthOf(weights.InputSize, observedTensors.Count, extraInputs);
        if (width < 0)
            throw new ArgumentException(width == -2
                ? $"the extra input '{EmbeddingInput}' must come last"
                : $"{observedTensors.Count} observed tensors and {extraInputs.Count} extra inputs for {weights.InputSize} inputs");
        EmbeddingWidth = width;
        ObservedTensors = [.. observedTensors];
        ExtraInputs = [.. extraInputs];
        Weights = weights;
    }

    /// <summary>This head (inputs, SER-FIQ settings, embedder, a copy of the provenance) with other weights of the same
    /// input count.</summary>
    public QualityHead WithWeights(QualityHeadWeights weights) =>
        new(weights, ObservedTensors, ExtraInputs) { SerFiq = SerFiq, EmbedderSha256 = EmbedderSha256, Provenance = Provenance.DeepClone().AsObject() };

    // The embedding input's width: what is left after the one-value inputs (0 without it; −1 too few inputs, −2 misplaced).
    private static int EmbeddingWidthOf(int inputSize, int tensors, IReadOnlyList<string> extras)
    {
        int at = extras.ToList().IndexOf(EmbeddingInput);
        if (at < 0) return tensors + extras.Count == inputSize ? 0 : -1;
        if (at != extras.Count - 1) return -2;
        int width = inputSize - tensors - (extras.Count - 1);
        return width >= 1 ? width : -1;
    }

    /// <summary>The head's parameters.</summary>
    public QualityHeadWeights Weights { get; }

    /// <summary>Input size: the activation norms, the one-value extra inputs and <see cref="EmbeddingWidth"/>.</summary>
    public int InputSize => Weights.InputSize;

    /// <summary>Inputs taken by the <see cref="EmbeddingInput"/> (the embedder's dimensions; 0 when the head does not read it).</summary>
    public int EmbeddingWidth { get; }
    /// <summary>Hidden units.</summary>
    public int HiddenSize => Weights.HiddenSize;

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
        var mean = inputMean is null ? first.Weights.InputMean : [.. inputMean];
        var scale = inputScale is null ? first.Weights.InputScale : [.. inputScale];
        if (mean.Length != first.InputSize || scale.Length != first.InputSize) throw new ArgumentException("one mean and scale per input");
        if (members.Any(m => m.InputSize != first.InputSize || !m.ObservedTensors.SequenceEqual(first.ObservedTensors) || !m.ExtraInputs.SequenceEqual(first.ExtraInputs)))
            throw new ArgumentException("members must share their inputs");
        int inputs = first.InputSize, hidden = members.Sum(m => m.HiddenSize);
        var w1 = new float[hidden * inputs];
        var b1 = new float[hidden];
        var w2 = new float[hidden];
        float b2 = 0;
        var ratio = new float[inputs];
        var shift = new float[inputs];
        int row = 0;
        for (int k = 0; k < members.Count; k++)
        {
            var m = members[k].Weights;
            // Unweighted: divided by the count, as bagged heads always were (bit-identical files).
            float Scaled(float v) => weights is null ? v / members.Count : (float)(v * weights[k]);
            // x_m = (raw − μ_m)·s_m = x·(s_m / s) + (μ − μ_m)·s_m, with x the combined head's standardised input.
            TensorPrimitives.Divide(m.InputScale.AsSpan(), scale.AsSpan(), ratio);
            TensorPrimitives.Subtract(mean.AsSpan(), m.InputMean.AsSpan(), shift);
            TensorPrimitives.Multiply(shift, m.InputScale.AsSpan(), shift);
            for (int j = 0; j < m.HiddenSize; j++, row++)
            {
                var w = m.W1.AsSpan().Slice(j * inputs, inputs);
                TensorPrimitives.Multiply(w, ratio, w1.AsSpan(row * inputs, inputs));
                b1[row] = m.B1[j] + TensorPrimitives.Dot(w, shift);
                w2[row] = Scaled(m.W2[j]);
            }
            b2 += Scaled(m.B2);
        }
        return new QualityHead(new QualityHeadWeights(mean, scale, [.. w1], [.. b1], [.. w2], b2), first.ObservedTensors, first.ExtraInputs)
        {
            SerFiq = first.SerFiq, EmbedderSha256 = first.EmbedderSha256,
        };
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

    private void Standardise(ReadOnlySpan<float> raw, Span<float> x)
    {
        if (raw.Length != InputSize) throw new ArgumentException($"the head expects {InputSize} inputs, got {raw.Length}");
        raw.CopyTo(x);
        TensorPrimitives.Subtract(x, Weights.InputMean.AsSpan(), x);
        TensorPrimitives.Multiply(x, Weights.InputScale.AsSpan(), x);
    }

    // pre = W1·x + b1, act = GELU(pre), returns w2·act + b2.
    private float Forward(ReadOnlySpan<float> x, Span<float> pre, Span<float> act)
    {
        var w = Weights;
        int inputs = InputSize, hidden = HiddenSize;
        for (int j = 0; j < hidden; j++) pre[j] = TensorPrimitives.Dot(w.W1.AsSpan().Slice(j * inputs, inputs), x) + w.B1[j];
        for (int j = 0; j < hidden; j++) act[j] = QualityHeadWeights.Gelu(pre[j]);
        return TensorPrimitives.Dot(w.W2.AsSpan(), act[..hidden]) + w.B2;
    }

    /// <summary>Writes the head file.</summary>
    public void Save(string path)
    {
        var json = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["input"] = InputSize,
            ["hidden"] = HiddenSize,
            ["activation"] = QualityHeadWeights.Activation,
            ["input_transform"] = InputTransform,
            ["observed_tensors"] = new JsonArray(ObservedTensors.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["extra_inputs"] = new JsonArray(ExtraInputs.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["serfiq"] = new JsonObject { ["passes"] = SerFiq.Passes, ["dropout"] = SerFiq.DropoutRate, ["seed"] = SerFiq.Seed },
            ["embedder_sha256"] = EmbedderSha256,
            ["provenance"] = Provenance.DeepClone(),
            ["weights"] = new JsonObject
            {
                ["input_mean"] = Encode(Weights.InputMean.AsSpan()),
                ["input_scale"] = Encode(Weights.InputScale.AsSpan()),
                ["w1"] = Encode(Weights.W1.AsSpan()),
                ["b1"] = Encode(Weights.B1.AsSpan()),
                ["w2"] = Encode(Weights.W2.AsSpan()),
                ["b2"] = Encode([Weights.B2]),
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
            if ((string?)json["activation"] != QualityHeadWeights.Activation) throw new InvalidDataException($"unsupported activation '{json["activation"]}'");
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
            var w = json["weights"]?.AsObject() ?? throw new InvalidDataException("no weights");
            var weights = new QualityHeadWeights(Decode(w, "input_mean", input), Decode(w, "input_scale", input), Decode(w, "w1", hidden * input),
                Decode(w, "b1", hidden), Decode(w, "w2", hidden), Decode(w, "b2", 1)[0]);
            return new QualityHead(weights, tensors, extras)
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
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static string Encode(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return Convert.ToBase64String(bytes);
    }

    private static ImmutableArray<float> Decode(JsonObject weights, string name, int count)
    {
        var bytes = Convert.FromBase64String((string?)weights[name] ?? throw new InvalidDataException($"weights.{name} missing"));
        if (bytes.Length != count * 4) throw new InvalidDataException($"weights.{name}: {bytes.Length / 4} values, expected {count}");
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        // The array is this method's own: handed over without a copy.
        return ImmutableCollectionsMarshal.AsImmutableArray(values);
    }
}

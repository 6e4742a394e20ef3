using System.Text.Json;
using System.Text.Json.Nodes;
using Fiqa.Onnx;

namespace Fiqa.Face.Onnx;

/// <summary>Arithmetic a network runs in.</summary>
#pragma warning disable CA1720 // the field's own names for the two precisions
public enum ModelPrecision
{
    /// <summary>The model file as it is (float32).</summary>
    Float,
    /// <summary>int8 weights and uint8 activations (QDQ graph from <see cref="OnnxGraph.QdqQuantized"/>, ranges from
    /// the model's <see cref="Int8Calibration"/>).</summary>
    Int8,
}
#pragma warning restore CA1720

/// <summary>Activation ranges of one model file, measured on named calibration faces: what
/// <see cref="OnnxGraph.QdqQuantized"/> needs. Calibration is data: the project ships one file per model
/// (<c>src/Fiqa.Face/Onnx/Int8/NAME.int8.json</c>, written by <c>fiqa calibrate int8</c>); a file
/// <c>NAME.int8.json</c> beside the model's manifest takes precedence (for a user's own model).</summary>
public sealed record Int8Calibration
{
    /// <summary>The manifest name of the model.</summary>
    public required string Model { get; init; }
    /// <summary>SHA-256 of the model file the ranges were measured on (hex).</summary>
    public required string Sha256 { get; init; }
    /// <summary>What the ranges were measured on, in words (photos, faces, network inputs).</summary>
    public required string Source { get; init; }
    /// <summary>Bits of the quantised weights (<see cref="QdqOptions.WeightBits"/>).</summary>
    public int WeightBits { get; init; } = 7;
    /// <summary>Min and max of each activation tensor the quantiser needs, by tensor name.</summary>
    public required IReadOnlyDictionary<string, ActivationRange> Ranges { get; init; }
    /// <summary>Tensors left in float (with the operators that read or write them): where quantising moved the output
    /// most on the calibration faces.</summary>
    public IReadOnlyList<string> KeptFloat { get; init; } = [];

    /// <summary>The quantised graph of <paramref name="model"/> (bytes of the file this calibration names).</summary>
    public byte[] Quantize(byte[] model)
    {
        var kept = KeptFloat.ToHashSet(StringComparer.Ordinal);
        var ranges = Ranges.Where(r => !kept.Contains(r.Key)).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
        return OnnxGraph.QdqQuantized(model, ranges, new QdqOptions { WeightBits = WeightBits });
    }

    /// <summary>The calibration of a manifest's model: beside the manifest, else shipped with Fiqa; throws
    /// <see cref="ModelConfigurationException"/> naming the model and the command that makes one when there is none for
    /// this exact file.</summary>
    public static Int8Calibration For(ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        string beside = Path.Combine(Path.GetDirectoryName(manifest.ModelPath) ?? ".", manifest.Name + ".int8.json");
        Int8Calibration? found = null;
        string origin;
        if (File.Exists(beside))
        {
            found = Parse(File.ReadAllText(beside), beside);
            origin = beside;
        }
        else
        {
            origin = $"the int8 calibration shipped for {manifest.Name}";
            using var stream = typeof(Int8Calibration).Assembly.GetManifestResourceStream($"Fiqa.Face.Int8.{manifest.Name}.int8.json");
            if (stream is not null) found = Parse(new StreamReader(stream).ReadToEnd(), origin);
        }
        if (found is null)
            throw new ModelConfigurationException($"{manifest.Name}: no int8 calibration (looked for {beside}); make one with " +
                $"`fiqa calibrate int8 --model {manifest.Name} --out {beside}`, or run the model in float precision");
        if (!string.Equals(found.Sha256, manifest.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new ModelConfigurationException($"{manifest.Name}: {origin} was measured on model file sha256 {found.Sha256}, " +
                $"the installed file is {manifest.Sha256}; calibrate again with `fiqa calibrate int8 --model {manifest.Name} --out {beside}`");
        return found;
    }

    /// <summary>Reads a calibration file's text; <paramref name="origin"/> names it in errors.</summary>
    public static Int8Calibration Parse(string json, string origin)
    {
        try
        {
            var root = JsonNode.Parse(json)?.AsObject() ?? throw new FormatException("not a JSON object");
            var ranges = new Dictionary<string, ActivationRange>(StringComparer.Ordinal);
            foreach (var (name, value) in root["ranges"]?.AsObject() ?? throw new FormatException("no \"ranges\""))
            {
                var pair = value?.AsArray() ?? throw new FormatException($"range of {name} is not [min, max]");
                if (pair.Count != 2) throw new FormatException($"range of {name} is not [min, max]");
                float min = pair[0]!.GetValue<float>(), max = pair[1]!.GetValue<float>();
                if (!(min <= max) || !float.IsFinite(min) || !float.IsFinite(max)) throw new FormatException($"range of {name} is not finite min ≤ max");
                ranges[name] = new ActivationRange(min, max);
            }
            return new Int8Calibration
            {
                Model = root["model"]?.GetValue<string>() ?? throw new FormatException("no \"model\""),
                Sha256 = root["sha256"]?.GetValue<string>() ?? throw new FormatException("no \"sha256\""),
                Source = root["source"]?.GetValue<string>() ?? "",
                WeightBits = root["weight_bits"]?.GetValue<int>() ?? 7,
                Ranges = ranges,
                KeptFloat = root["kept_float"]?.AsArray().Select(n => n?.GetValue<string>() ?? throw new FormatException("kept_float holds a null")).ToList() ?? [],
            };
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new ModelConfigurationException($"{origin}: not an int8 calibration file: {e.Message}", e);
        }
    }

    /// <summary>The file's text: keys in a fixed order, ranges in graph order, floats round-tripping exactly.</summary>
    public string ToJson()
    {
        var ranges = new JsonObject();
        foreach (var (name, r) in Ranges) ranges[name] = new JsonArray(r.Min, r.Max);
        var kept = new JsonArray();
        foreach (var name in KeptFloat) kept.Add(name);
        var root = new JsonObject
        {
            ["model"] = Model,
            ["sha256"] = Sha256,
            ["source"] = Source,
            ["weight_bits"] = WeightBits,
            ["kept_float"] = kept,
            ["ranges"] = ranges,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }
}

/// <summary>How an activation's range is chosen from what the calibration inputs produced.</summary>
public enum RangeMethod
{
    /// <summary>The smallest and largest value seen.</summary>
    MinMax,
    /// <summary>The range, shrunk from min/max towards 0, that minimises the expected squared error of uint8 quantisation
    /// over the values seen (rounding noise step²/12 inside, the clipping error outside): a few extreme values no longer
    /// set a step too coarse for the rest.</summary>
    MeanSquaredError,
}

/// <summary>Measures the range of every activation the QDQ quantiser needs. A first pass runs the float model with an
/// in-graph ReduceMin and ReduceMax on each tensor (two numbers per tensor leave the runtime); for
/// <see cref="RangeMethod.MeanSquaredError"/> a second pass over the same inputs histograms the whole tensors.</summary>
public sealed class ActivationRangeRecorder : IDisposable
{
    private const int Bins = 2048;
    private readonly ModelManifest _manifest;
    private readonly OnnxSessionOptions _options;
    private readonly byte[] _bytes;
    private readonly OnnxModel _model;
    private readonly string[] _tensors;
    private readonly float[] _min, _max;
    private readonly int _first;
    private readonly List<float[]> _inputs = [];

    /// <summary>Opens the model a (verified) manifest names, with the reductions added.</summary>
    public ActivationRangeRecorder(ModelManifest manifest, OnnxSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        _manifest = manifest;
        _options = (options ?? OnnxSessionOptions.Default) with { OptimizedModelCacheFolder = null };
        _bytes = File.ReadAllBytes(manifest.ModelPath);
        _tensors = [.. OnnxGraph.QdqCalibrationTensors(_bytes)];
        var nodes = _tensors.SelectMany(t => new[]
        {
            new OnnxGraph.AddedNode("ReduceMin", t, "fiqa_range/min/" + t), new OnnxGraph.AddedNode("ReduceMax", t, "fiqa_range/max/" + t),
        }).ToList();
        _first = manifest.Outputs.Length;
        _model = new OnnxModel(manifest, _options, [.. manifest.Outputs, .. nodes.Select(n => n.Output)], OnnxGraph.WithAddedNodes(_bytes, nodes));
        _min = Enumerable.Repeat(float.PositiveInfinity, _tensors.Length).ToArray();
        _max = Enumerable.Repeat(float.NegativeInfinity, _tensors.Length).ToArray();
    }

    /// <summary>Network inputs observed so far.</summary>
    public int Observed => _inputs.Count;

    /// <summary>Runs one network input (NCHW, the manifest's size) and widens every range to hold it.</summary>
    public void Observe(float[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var outputs = _model.Run(input);
        for (int t = 0; t < _tensors.Length; t++)
        {
            _min[t] = Math.Min(_min[t], outputs[_first + 2 * t][0]);
            _max[t] = Math.Max(_max[t], outputs[_first + 2 * t + 1][0]);
        }
        _inputs.Add((float[])input.Clone());
    }

    /// <summary>The ranges, in graph order.</summary>
    public IReadOnlyDictionary<string, ActivationRange> Ranges(RangeMethod method = RangeMethod.MeanSquaredError)
    {
        if (Observed == 0) throw new InvalidOperationException("no calibration input observed");
        var ranges = new Dictionary<string, ActivationRange>(StringComparer.Ordinal);
        if (method == RangeMethod.MinMax)
        {
            for (int t = 0; t < _tensors.Length; t++) ranges[_tensors[t]] = new ActivationRange(_min[t], _max[t]);
            return ranges;
        }
        // Second pass: every tensor in full, histogrammed over its min..max.
        var histograms = new long[_tensors.Length][];
        for (int t = 0; t < _tensors.Length; t++) histograms[t] = new long[Bins];
        using (var full = new OnnxModel(_manifest, _options, [.. _manifest.Outputs, .. _tensors], OnnxGraph.WithExtraOutputs(_bytes, _tensors)))
        {
            foreach (var input in _inputs)
            {
                var outputs = full.Run(input);
                for (int t = 0; t < _tensors.Length; t++)
                {
                    float lo = _min[t], width = _max[t] - _min[t];
                    if (!(width > 0)) continue;
                    float perBin = Bins / width;
                    var h = histograms[t];
                    foreach (var v in outputs[_first + t]) h[Math.Clamp((int)((v - lo) * perBin), 0, Bins - 1)]++;
                }
            }
        }
        for (int t = 0; t < _tensors.Length; t++) ranges[_tensors[t]] = LeastSquaredError(histograms[t], _min[t], _max[t]);
        return ranges;
    }

    /// <summary>The range [k·min, k·max] (0 kept inside, as the quantiser widens it to hold 0) with the least expected
    /// squared error over the histogram, k in (0, 1] on the bin grid.</summary>
    private static ActivationRange LeastSquaredError(long[] histogram, float min, float max)
    {
        double lo0 = Math.Min(0, min), hi0 = Math.Max(0, max), width = max - min;
        if (!(hi0 > lo0) || !(width > 0)) return new ActivationRange(min, max);
        double binWidth = width / Bins, bestError = double.PositiveInfinity, bestK = 1;
        for (int step = Bins; step >= 1; step--)
        {
            double k = (double)step / Bins, lo = k * lo0, hi = k * hi0, quantum = (hi - lo) / 255, error = 0;
            for (int b = 0; b < Bins; b++)
            {
                if (histogram[b] == 0) continue;
                double v = min + (b + 0.5) * binWidth;
                double e = v > hi ? v - hi : v < lo ? lo - v : 0;
                error += histogram[b] * (e * e + quantum * quantum / 12);
            }
            if (error < bestError) { bestError = error; bestK = k; }
        }
        return new ActivationRange((float)(bestK * lo0), (float)(bestK * hi0));
    }

    /// <inheritdoc />
    public void Dispose() => _model.Dispose();
}

using Microsoft.ML.OnnxRuntime;

namespace Fiqa.Onnx;

/// <summary>One ONNX Runtime session, created once (by the <see cref="SessionRegistry"/> that owns it) and shared across
/// threads (<c>Run</c> is thread-safe). The <see cref="RunOptions"/> lives as long as the session: creating one per call
/// crashed intermittently.</summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly long[] _inputShape;
    private long _runs;

    /// <summary>Opens the model a manifest describes.</summary>
    /// <param name="manifest">The model's manifest.</param>
    /// <param name="options">Threading.</param>
    /// <param name="outputs">Outputs to fetch, default the manifest's.</param>
    /// <param name="modelBytes">The model to load instead of the manifest's file (e.g. with an extra output).</param>
    /// <param name="verifiedSha256">The manifest file's SHA-256 when the caller has checked it (the optimised-graph cache
    /// is keyed by it instead of hashing the file again); null: hash the bytes.</param>
    public OnnxModel(ModelManifest manifest, OnnxSessionOptions? options = null, IReadOnlyList<string>? outputs = null, byte[]? modelBytes = null,
        string? verifiedSha256 = null)
        : this(manifest, options, outputs, new GraphSource(() => modelBytes, modelBytes is null ? verifiedSha256 : null))
    {
    }

    /// <summary>Opens a graph derived from the manifest's file, written by <paramref name="derive"/> only when the
    /// optimised-graph cache does not already hold it under <paramref name="derivedSha256"/> (an identity of the file and
    /// the derivation, <see cref="SessionVariant.DerivationKey"/>).</summary>
    public OnnxModel(ModelManifest manifest, OnnxSessionOptions? options, IReadOnlyList<string>? outputs, Func<byte[]> derive, string derivedSha256)
        : this(manifest, options, outputs, new GraphSource(derive ?? throw new ArgumentNullException(nameof(derive)),
            string.IsNullOrEmpty(derivedSha256) ? throw new ArgumentException("a derived graph needs its identity", nameof(derivedSha256)) : derivedSha256))
    {
    }

    // Bytes: the graph to load, asked for only when the cache cannot serve it (null: the manifest's file); CacheSha256: the
    // cache key when it is known without hashing the bytes.
    private readonly record struct GraphSource(Func<byte[]?> Bytes, string? CacheSha256);

    private OnnxModel(ModelManifest manifest, OnnxSessionOptions? options, IReadOnlyList<string>? outputs, GraphSource graph)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        options ??= OnnxSessionOptions.Default;
        Manifest = manifest;
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        try
        {
            _session = Open(manifest.ModelPath, graph.Bytes, graph.CacheSha256, sessionOptions, options.OptimizedModelCacheFolder);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelConfigurationException($"cannot load {manifest.ModelPath}: {e.Message}", e);
        }
        var spec = manifest.Input;
        if (!_session.InputMetadata.TryGetValue(spec.Name, out var inputMeta))
        {
            var found = string.Join(", ", _session.InputMetadata.Keys);
            _session.Dispose();
            throw new ModelConfigurationException($"{manifest.Name}: no input named '{spec.Name}' (the model has: {found})");
        }
        _inputNames = [spec.Name];
        _inputShape = [1, spec.ChannelCount, spec.Height, spec.Width];
        var dims = inputMeta.Dimensions;
        BatchDynamic = dims.Length == 4 && dims[0] < 0;
        if (dims.Length != 4 || (dims[1] > 0 && dims[1] != spec.ChannelCount) || (dims[2] > 0 && dims[2] != spec.Height) || (dims[3] > 0 && dims[3] != spec.Width))
        {
            _session.Dispose();
            throw new ModelConfigurationException(
                $"{manifest.Name}: model input is [{string.Join(",", dims)}], manifest says [1,{spec.ChannelCount},{spec.Height},{spec.Width}]");
        }
        OutputNames = (outputs ?? manifest.Outputs).ToArray();
        foreach (var o in OutputNames)
        {
            if (!_session.OutputMetadata.ContainsKey(o))
            {
                var found = string.Join(", ", _session.OutputMetadata.Keys);
                _session.Dispose();
                throw new ModelConfigurationException($"{manifest.Name}: no output named '{o}' (the model has: {found})");
            }
        }
    }

    /// <summary>The session, from the optimised-graph cache when it holds this model, else optimised here (and saved
    /// to the cache when there is one).</summary>
    private static InferenceSession Open(string path, Func<byte[]?> graph, string? cacheSha256, SessionOptions sessionOptions, string? cacheFolder)
    {
        if (cacheFolder is null) return Create(path, graph(), sessionOptions);
        byte[]? modelBytes = null;
        byte[] sha256 = cacheSha256 is { Length: 64 }
            ? Convert.FromHexString(cacheSha256)
            : System.Security.Cryptography.SHA256.HashData(modelBytes = graph() ?? File.ReadAllBytes(path));
        var cached = OptimizedModelCache.PathFor(cacheFolder, sha256);
        if (File.Exists(cached))
        {
            sessionOptions.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
            try
            {
                return new InferenceSession(cached, sessionOptions);
            }
            catch (OnnxRuntimeException)
            {
                TryDelete(cached); // damaged or from an incompatible runtime: optimise again below
            }
            sessionOptions.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL;
        }
        string? temporary = null;
        try
        {
            Directory.CreateDirectory(cacheFolder);
            temporary = OptimizedModelCache.TemporaryFor(cached);
            sessionOptions.OptimizedModelFilePath = temporary;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            temporary = null; // no cache here: optimise in memory only
        }
        modelBytes ??= graph(); // null: the file itself
        InferenceSession session;
        try
        {
            session = Create(path, modelBytes, sessionOptions);
        }
        catch (OnnxRuntimeException) when (temporary is not null)
        {
            // Perhaps only the saving failed (disk full): once more without it, so a real model error is the one reported.
            TryDelete(temporary);
            sessionOptions.OptimizedModelFilePath = "";
            return Create(path, modelBytes, sessionOptions);
        }
        if (temporary is not null)
        {
            try
            {
                if (File.Exists(temporary)) File.Move(temporary, cached, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                TryDelete(temporary);
            }
        }
        return session;
    }

    private static InferenceSession Create(string path, byte[]? modelBytes, SessionOptions sessionOptions) =>
        modelBytes is null ? new InferenceSession(path, sessionOptions) : new InferenceSession(modelBytes, sessionOptions);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // left for the next writer to replace
        }
    }

    /// <summary>The manifest this session was created from.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>Outputs returned by <see cref="Run"/>, in order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>How many times <see cref="Run"/> has run (for tests that count passes, not time).</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Number of floats the input tensor holds.</summary>
    public int InputLength => (int)(_inputShape[1] * _inputShape[2] * _inputShape[3]);

    /// <summary>Runs the model on one NCHW input (length <see cref="InputLength"/>) and returns each output's values.</summary>
    public float[][] Run(float[] input) => RunShaped(input).Values;

    /// <summary>Runs the model on one NCHW input and returns each output's values and shape (for methods that read
    /// intermediate feature maps as maps, such as <c>deepwsd_fr</c>).</summary>
    public (float[][] Values, long[][] Shapes) RunShaped(float[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Length != InputLength) throw new ArgumentException($"input has {input.Length} floats, model needs {InputLength}");
        Interlocked.Increment(ref _runs);
        using var value = OrtValue.CreateTensorValueFromMemory(input, _inputShape);
        using var results = _session.Run(_runOptions, _inputNames, [value], (IReadOnlyCollection<string>)OutputNames);
        var outputs = new float[results.Count][];
        var shapes = new long[results.Count][];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = results[i].GetTensorDataAsSpan<float>().ToArray();
            shapes[i] = results[i].GetTensorTypeAndShape().Shape;
        }
        return (outputs, shapes);
    }

    /// <summary>Whether the input's first dimension is symbolic (<see cref="OnnxGraph.WithDynamicBatch"/>), so that
    /// <see cref="RunBatch"/> takes more than one image.</summary>
    public bool BatchDynamic { get; }

    /// <summary>Runs the model once on the inputs stacked as one batch (each NCHW, length <see cref="InputLength"/>) and
    /// returns, per input, each output's values — what <see cref="Run"/> returns for it alone. Counts as one run.</summary>
    public float[][][] RunBatch(IReadOnlyList<float[]> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) return [];
        if (inputs.Count == 1) return [Run(inputs[0])];
        if (!BatchDynamic) throw new InvalidOperationException($"{Manifest.Name}: the session's batch dimension is fixed; open a variant with a dynamic batch");
        int length = InputLength;
        var stacked = new float[inputs.Count * length];
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].Length != length) throw new ArgumentException($"input {i} has {inputs[i].Length} floats, model needs {length}");
            inputs[i].CopyTo(stacked, i * length);
        }
        Interlocked.Increment(ref _runs);
        using var value = OrtValue.CreateTensorValueFromMemory(stacked, [inputs.Count, _inputShape[1], _inputShape[2], _inputShape[3]]);
        using var results = _session.Run(_runOptions, _inputNames, [value], (IReadOnlyCollection<string>)OutputNames);
        var perInput = new float[inputs.Count][][];
        for (int i = 0; i < inputs.Count; i++) perInput[i] = new float[results.Count][];
        for (int o = 0; o < results.Count; o++)
        {
            var data = results[o].GetTensorDataAsSpan<float>();
            var shape = results[o].GetTensorTypeAndShape().Shape;
            if (shape.Length == 0 || shape[0] != inputs.Count)
                throw new ModelConfigurationException($"{Manifest.Name}: output '{OutputNames[o]}' is [{string.Join(",", shape)}] for a batch of {inputs.Count}");
            int each = data.Length / inputs.Count;
            for (int i = 0; i < inputs.Count; i++) perInput[i][o] = data.Slice(i * each, each).ToArray();
        }
        return perInput;
    }

    /// <summary>Runs a model with further float32 inputs besides the image (a derived graph's, e.g. the reference embedding
    /// of an input-gradient graph), each given with its shape.</summary>
    public float[][] RunWith(float[] input, IReadOnlyList<(string Name, float[] Values, long[] Shape)> extraInputs)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(extraInputs);
        if (input.Length != InputLength) throw new ArgumentException($"input has {input.Length} floats, model needs {InputLength}");
        Interlocked.Increment(ref _runs);
        var values = new List<OrtValue>(1 + extraInputs.Count);
        try
        {
            values.Add(OrtValue.CreateTensorValueFromMemory(input, _inputShape));
            foreach (var (_, v, shape) in extraInputs) values.Add(OrtValue.CreateTensorValueFromMemory(v, shape));
            string[] names = [.. _inputNames, .. extraInputs.Select(e => e.Name)];
            using var results = _session.Run(_runOptions, names, values, (IReadOnlyCollection<string>)OutputNames);
            var outputs = new float[results.Count][];
            for (int i = 0; i < outputs.Length; i++) outputs[i] = results[i].GetTensorDataAsSpan<float>().ToArray();
            return outputs;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}

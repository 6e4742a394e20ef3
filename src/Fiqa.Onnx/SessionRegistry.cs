using System.Collections.Concurrent;

namespace Fiqa.Onnx;

/// <summary>A model's graph as a session opens it: the file as it is (<see cref="Plain"/>) or with nodes and outputs added
/// by the project's graph editor. <see cref="Key"/> identifies the variant within its model.</summary>
public sealed record SessionVariant(string Key, IReadOnlyList<OnnxGraph.AddedNode> AddedNodes, IReadOnlyList<string> ExtraOutputs)
{
    /// <summary>The model file unchanged.</summary>
    public static SessionVariant Plain { get; } = new("plain", [], []);

    /// <summary>Rewrites the model file's bytes into a derived graph (e.g. with an input-gradient pass) before the added
    /// nodes are applied; null: the file as it is.</summary>
    public Func<byte[], byte[]>? Derive { get; init; }

    /// <summary>Identifies what <see cref="Derive"/> writes from a given model file (e.g. the digest of the calibration it
    /// applies). With it, a variant without added nodes or extra outputs is looked up in the optimised-graph cache by the
    /// verified file's SHA-256, this key and the build of the code that derives, so a process whose cache holds the graph
    /// skips the rewrite; null: the derived bytes are written every time and the cache is keyed by them.</summary>
    public string? DerivationKey { get; init; }

    /// <summary>The input the derived graph takes when it differs from the manifest's (e.g. a fully convolutional model
    /// re-declared for a smaller image by <see cref="OnnxGraph.WithInputShape"/>); null: the manifest's.</summary>
    public InputSpec? Input { get; init; }
}

/// <summary>Owns every ONNX Runtime session of a face pipeline, keyed by model and variant, each opened once on first
/// use and shared across threads; manifests are read (and their model's SHA-256 verified) once. Methods and measures
/// never open sessions of their own: they name what they need when the pipeline is built.</summary>
public sealed class SessionRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<ModelManifest>> _manifests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Model, string Variant), Lazy<OnnxModel>> _sessions = new();
    private readonly List<string> _loadOrder = [];
    private readonly Lock _lock = new();

    /// <summary>Creates an empty registry over a models folder.</summary>
    public SessionRegistry(ModelStore store, OnnxSessionOptions? session = null, bool verifyChecksums = true)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        SessionOptions = session ?? OnnxSessionOptions.Default;
        VerifyChecksums = verifyChecksums;
    }

    /// <summary>Where the manifests are.</summary>
    public ModelStore Store { get; }
    /// <summary>Threading of every session.</summary>
    public OnnxSessionOptions SessionOptions { get; }
    /// <summary>Whether model files are checked against their manifest's SHA-256 when first used.</summary>
    public bool VerifyChecksums { get; }

    /// <summary>The manifest of a model name (or manifest path), read and verified once.</summary>
    public ModelManifest Manifest(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lazy = _manifests.GetOrAdd(name, n => new Lazy<ModelManifest>(() => Store.Get(n, VerifyChecksums)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _manifests.TryRemove(name, out _); // a model installed later must be found on the next call
            throw;
        }
    }

    /// <summary>The session of a model in a variant (default: the plain file), opened on first use.</summary>
    public OnnxModel Open(string name, SessionVariant? variant = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        variant ??= SessionVariant.Plain;
        var lazy = _sessions.GetOrAdd((name, variant.Key), _ => new Lazy<OnnxModel>(() => Create(name, variant)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _sessions.TryRemove((name, variant.Key), out _);
            throw;
        }
    }

    private OnnxModel Create(string name, SessionVariant variant)
    {
        var manifest = Manifest(name);
        if (variant.Input is { } input) manifest = manifest with { Input = input };
        OnnxModel model;
        string[] extra = [.. variant.AddedNodes.Select(n => n.Output), .. variant.ExtraOutputs];
        if (extra.Length == 0 && variant.Derive is null)
        {
            model = new OnnxModel(manifest, SessionOptions, verifiedSha256: VerifyChecksums ? manifest.Sha256 : null);
        }
        else if (extra.Length == 0 && variant is { Derive: { } rewrite, DerivationKey: { } key } && VerifyChecksums && manifest.Sha256 is { Length: 64 } sha)
        {
            model = new OnnxModel(manifest, SessionOptions, manifest.Outputs, () => rewrite(File.ReadAllBytes(manifest.ModelPath)),
                DerivedGraphSha256(sha, variant.Key, key, rewrite));
        }
        else
        {
            var source = File.ReadAllBytes(manifest.ModelPath);
            if (variant.Derive is { } derive) source = derive(source);
            // Extra outputs need the graph rewritten even without added nodes (they expose existing tensors).
            var bytes = extra.Length == 0 ? source : OnnxGraph.WithAdditions(source, variant.AddedNodes, extra);
            model = new OnnxModel(manifest, SessionOptions, [.. manifest.Outputs, .. extra], bytes);
        }
        lock (_lock)
            if (!_loadOrder.Contains(name)) _loadOrder.Add(name);
        return model;
    }

    // The identity a derived graph is cached under: the file, the variant, what the derivation applies, and the builds of
    // the code that derives (a changed rewriter must not be served an old graph).
    private static string DerivedGraphSha256(string fileSha256, string variant, string derivationKey, Func<byte[], byte[]> rewrite)
    {
        var material = string.Join('|', "derived-graph/1", fileSha256, variant, derivationKey,
            rewrite.Method.Module.ModuleVersionId.ToString("N"), typeof(OnnxGraph).Module.ModuleVersionId.ToString("N"));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(material)));
    }

    /// <summary>Names of the models with at least one open session, in the order they were opened.</summary>
    public IReadOnlyList<string> Loaded
    {
        get { lock (_lock) return [.. _loadOrder]; }
    }

    /// <summary>Runs of every open session of a model, all variants together.</summary>
    public long Runs(string name) => _sessions.Where(kv => kv.Key.Model == name && kv.Value.IsValueCreated).Sum(kv => kv.Value.Value.Runs);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var s in _sessions.Values)
            if (s.IsValueCreated) s.Value.Dispose();
        _sessions.Clear();
    }
}

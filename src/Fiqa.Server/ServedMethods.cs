using Fiqa.Quality.Unified;

namespace Fiqa.Server;

/// <summary>The unified methods clients may ask for. Built-in methods go by their catalogue names; methods whose
/// parameter names a file (<c>onnx:MANIFEST</c>) exist only as the operator configured them
/// (<see cref="ServerOptions.OnnxModels"/>, <c>fiqa serve --unified onnx:PATH</c>) and are offered by the manifest's file
/// name — <c>onnx:ediffiqa</c> for <c>/srv/models/ediffiqa.json</c>. A client never names a path, so the service opens
/// no file a request chooses and no answer tells whether a path exists or where the service is installed.</summary>
internal sealed class ServedMethods
{
    private readonly Dictionary<string, string> _manifests = new(StringComparer.Ordinal);

    public ServedMethods(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var path in Split(options.OnnxModels))
        {
            var manifest = path.StartsWith("onnx:", StringComparison.OrdinalIgnoreCase) ? path["onnx:".Length..] : path;
            var name = Path.GetFileNameWithoutExtension(manifest);
            if (!_manifests.TryAdd(name, Path.GetFullPath(manifest)))
                throw new InvalidOperationException($"fiqa serve: two configured ONNX models would both be offered as 'onnx:{name}'; give their manifests different file names");
        }
    }

    /// <summary>The configured manifests by the name clients use after <c>onnx:</c>
    /// (<see cref="Fiqa.Quality.QualityMethodOptions.OnnxManifests"/>).</summary>
    public IReadOnlyDictionary<string, string> Manifests => _manifests;

    /// <summary>The configured file-backed methods as clients name them.</summary>
    public IEnumerable<string> Configured => _manifests.Keys.Select(n => $"onnx:{n}");

    /// <summary>Every name a client may send, for messages.</summary>
    public IEnumerable<string> Names => UnifiedCatalogue.Methods.Entries
        .Where(e => e.Descriptor.Kind == UnifiedMethodKind.Blind && e.ContentDigest is null)
        .Select(e => e.Syntax())
        .Concat(Configured);

    /// <summary>Checks the client's comma-separated <paramref name="requested"/> list and returns it in canonical form,
    /// or says which name is not offered and lists the valid ones.</summary>
    public (string? Resolved, string? Problem) Resolve(string? requested)
    {
        var names = Split(requested);
        if (names.Length == 0) return (null, null);
        var resolved = new List<string>(names.Length);
        foreach (var name in names)
        {
            var colon = name.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && name[..colon].Equals("onnx", StringComparison.OrdinalIgnoreCase) && _manifests.ContainsKey(name[(colon + 1)..]))
            {
                resolved.Add($"onnx:{name[(colon + 1)..]}");
                continue;
            }
            UnifiedMethodEntry entry;
            try
            {
                entry = UnifiedCatalogue.Methods.Resolve(name).Entry;
                if (entry.ContentDigest is null)
                {
                    resolved.Add(UnifiedCatalogue.Normalise(name));
                    continue;
                }
            }
            catch (UnknownNameException e)
            {
                // The catalogue's own message names the parameter's rule (e.g. perturb:R in 1..16); an unknown name gets the service's list.
                if (UnifiedCatalogue.Methods.Contains(name.Split(':')[0])) return (null, $"unified: {e.Message}");
            }
            return (null, $"unified: '{name}' is not offered by this service; valid: {string.Join(", ", Names)}");
        }
        return (string.Join(',', resolved), null);
    }

    private static string[] Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

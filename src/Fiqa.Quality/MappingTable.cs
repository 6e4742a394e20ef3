using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Fiqa.Quality;

/// <summary>One entry of the mappings file: a measure's or unified method's mapping and where its parameters come from.</summary>
/// <param name="Key">The measure id (<c>Sharpness</c>) or unified method name (<c>perturb</c>).</param>
/// <param name="Mapping">Native value → 0..100.</param>
/// <param name="Source">The paper, standard or calibration the parameters come from.</param>
public sealed record MappingEntry(string Key, QualityMapping Mapping, string Source);

/// <summary>Calibration as data: the 0..100 mapping of every quality measure and unified method, read from the embedded
/// <c>mappings.json</c> and optionally overridden by a user's file (as OFIQ keeps its mapping parameters in one
/// configuration file). The assessor maps every native value through the table of its settings; the measures' and
/// methods' static descriptors carry <see cref="Default"/>'s entries, for listings.
/// <para>Format: <c>{"measures": {"Sharpness": {"mapping": "sigmoid", "x0": 1.6, "w": 0.3, "source": "…"}, …},
/// "unified": {"norm": {…}, …}}</c>. An override file names only what it changes: an entry without <c>mapping</c> (or with
/// the same one) changes only the parameters it gives; another <c>mapping</c> replaces the entry, whose parameters then
/// follow that kind's defaults (<see cref="QualityMapping.Kinds"/>).</para></summary>
public sealed class MappingTable
{
    /// <summary>The sections of the file and what their keys name.</summary>
    private static readonly (string Section, string What)[] Sections = [("measures", "quality measure"), ("unified", "unified quality method")];

    private readonly OrderedDictionary<string, MappingEntry>[] _sections;

    private MappingTable(OrderedDictionary<string, MappingEntry>[] sections, string? overrides)
    {
        _sections = sections;
        Overrides = overrides;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson())));
    }

    /// <summary>The mappings Fiqa ships (<c>src/Fiqa.Quality/mappings.json</c>, embedded).</summary>
    public static MappingTable Default { get; } = LoadDefault();

    /// <summary>The measures' entries, in file order.</summary>
    public IReadOnlyList<MappingEntry> Measures => [.. _sections[0].Values];

    /// <summary>The unified methods' entries, in file order.</summary>
    public IReadOnlyList<MappingEntry> Unified => [.. _sections[1].Values];

    /// <summary>The override file applied over the defaults (null: none).</summary>
    public string? Overrides { get; }

    /// <summary>SHA-256 (hex) of <see cref="ToJson"/>: equal digests mean equal mappings. Record fingerprints and score
    /// caches carry it, so results under other mappings are never mixed with these.</summary>
    public string Sha256 { get; }

    /// <summary>The mapping of a measure (its catalogue id).</summary>
    public QualityMapping Measure(string id) => Find(0, id).Mapping;

    /// <summary>The mapping of a unified method (its catalogue name, without a parameter).</summary>
    public QualityMapping Method(string name) => Find(1, name).Mapping;

    private MappingEntry Find(int section, string key) => _sections[section].TryGetValue(key, out var e) ? e
        : throw new KeyNotFoundException($"mappings: no entry for {Sections[section].What} '{key}' in {Sections[section].Section}");

    /// <summary>The defaults with <paramref name="path"/>'s entries laid over them; a missing or unreadable file, malformed
    /// JSON, an unknown section, key or parameter, or a bad value is an <see cref="ArgumentException"/> naming the file
    /// and the key.</summary>
    public static MappingTable Load(string path) => Default.Override(path);

    /// <summary>This table with <paramref name="path"/>'s entries laid over it (see <see cref="Load"/>).</summary>
    public MappingTable Override(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path)) throw new ArgumentException($"mappings file {path} is a folder; give a JSON file");
        if (!File.Exists(path)) throw new ArgumentException($"mappings file not found: {path}");
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"mappings file {path}: cannot read it: {e.Message}", e);
        }
        return Override(json, path);
    }

    /// <summary>This table with the entries of <paramref name="json"/> laid over it; errors name
    /// <paramref name="origin"/> (a file path, or what the text is).</summary>
    public MappingTable Override(string json, string origin)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(origin);
        return new MappingTable(Parse(json, origin, this), origin);
    }

    private static MappingTable LoadDefault()
    {
        const string resource = "Fiqa.Quality.mappings.json";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded resource {resource} missing");
        using var reader = new StreamReader(stream);
        return new MappingTable(Parse(reader.ReadToEnd(), "mappings.json (built in)", null), null);
    }

    // With a baseline, keys must exist in it and an entry may be partial; without one (the built-in file) every entry
    // is complete and new.
    private static OrderedDictionary<string, MappingEntry>[] Parse(string json, string origin, MappingTable? baseline)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"mappings file {origin}: not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            var sections = Sections.Select((_, i) => baseline is null
                ? new OrderedDictionary<string, MappingEntry>(StringComparer.Ordinal)
                : new OrderedDictionary<string, MappingEntry>(baseline._sections[i], StringComparer.Ordinal)).ToArray();
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ArgumentException($"mappings file {origin}: expected an object with \"measures\" and/or \"unified\", got {Kind(doc.RootElement)}");
            foreach (var section in doc.RootElement.EnumerateObject())
            {
                int s = Array.FindIndex(Sections, x => x.Section == section.Name);
                if (s < 0)
                    throw new ArgumentException($"mappings file {origin}: unknown section '{section.Name}' (valid: {string.Join(", ", Sections.Select(x => x.Section))})");
                if (section.Value.ValueKind != JsonValueKind.Object)
                    throw new ArgumentException($"mappings file {origin}: {section.Name}: expected an object of entries, got {Kind(section.Value)}");
                foreach (var entry in section.Value.EnumerateObject())
                {
                    string at = $"mappings file {origin}: {section.Name}.{entry.Name}";
                    MappingEntry? current = null;
                    string key = entry.Name;
                    if (baseline is not null)
                    {
                        var known = sections[s].Keys.FirstOrDefault(k => k.Equals(entry.Name, StringComparison.OrdinalIgnoreCase));
                        if (known is null)
                            throw new ArgumentException($"{at}: unknown {Sections[s].What} (valid: {string.Join(", ", sections[s].Keys)})");
                        key = known;
                        current = sections[s][known];
                    }
                    else if (sections[s].ContainsKey(key))
                    {
                        throw new ArgumentException($"{at}: given twice");
                    }
                    sections[s][key] = ParseEntry(entry.Value, key, current, origin, at);
                }
            }
            return sections;
        }
    }

    private static MappingEntry ParseEntry(JsonElement e, string key, MappingEntry? current, string origin, string at)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new ArgumentException($"{at}: expected an object (\"mapping\", its parameters, \"source\"), got {Kind(e)}");
        string? kind = null, source = null;
        var given = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "mapping":
                    kind = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : throw new ArgumentException($"{at}.mapping: expected a string, got {Kind(p.Value)}");
                    break;
                case "source":
                    source = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : throw new ArgumentException($"{at}.source: expected a string, got {Kind(p.Value)}");
                    break;
                default:
                    if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetDouble(out var v) || !double.IsFinite(v))
                        throw new ArgumentException($"{at}.{p.Name}: expected a finite number, got {Kind(p.Value)} {p.Value.GetRawText()}");
                    if (!given.TryAdd(p.Name, v)) throw new ArgumentException($"{at}.{p.Name}: given twice");
                    break;
            }
        }
        if (current is null && (kind is null || source is null))
            throw new ArgumentException($"{at}: a built-in entry needs \"mapping\" and \"source\"");
        // The same kind keeps the current parameters that the entry does not give; another kind starts afresh.
        var parameters = new Dictionary<string, double>(StringComparer.Ordinal);
        if (current is not null && (kind is null || kind == current.Mapping.Kind))
            foreach (var (name, value) in current.Mapping.Parameters) parameters[name] = value;
        foreach (var (name, value) in given) parameters[name] = value;
        QualityMapping mapping;
        try
        {
            mapping = QualityMapping.Create(kind ?? current!.Mapping.Kind, parameters);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{at}: {ex.Message}", ex);
        }
        return new MappingEntry(key, mapping, source ?? $"overridden by {Path.GetFileName(origin)}");
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>The table in the file's own format, every entry complete (so the output is itself a valid override file).
    /// Deterministic: file order, invariant numbers, indented.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            for (int s = 0; s < Sections.Length; s++)
            {
                w.WriteStartObject(Sections[s].Section);
                foreach (var e in _sections[s].Values)
                {
                    w.WriteStartObject(e.Key);
                    w.WriteString("mapping", e.Mapping.Kind);
                    foreach (var (name, value) in e.Mapping.Parameters) w.WriteNumber(name, value);
                    w.WriteString("source", e.Source);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()).ReplaceLineEndings("\n") + "\n";
    }
}

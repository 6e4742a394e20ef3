using System.Globalization;
using System.Security.Cryptography;

namespace Fiqa.Evaluation;

/// <summary>Per-image results cached on disk, keyed by everything that changes them (model checksums, options) and the
/// SHA-256 of the image bytes, so a re-run (another method, another discard limit) skips the face pipeline. One
/// tab-separated record per image: content hash, then the values (round-trip precision); NaN marks "no face".</summary>
public sealed class FeatureCache
{
    private readonly string _file;
    private readonly Dictionary<string, float[]> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Opens (or starts) the cache of one model configuration in <paramref name="directory"/>.</summary>
    /// <param name="directory">Cache folder.</param>
    /// <param name="modelKey">Identifies everything that changes the values (model checksums, options).</param>
    public FeatureCache(string directory, string modelKey)
    {
        Directory.CreateDirectory(directory);
        _file = Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(modelKey)))[..16] + ".tsv");
        if (!File.Exists(_file)) return;
        using var reader = new StreamReader(_file);
        foreach (var record in Csv.Records(reader, '\t', _file))
        {
            var f = record.Fields;
            // A record cut short by an interrupted run is skipped, and recomputed.
            if (f.Count < 2 || f.Skip(1).Any(v => !float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _))) continue;
            _entries[f[0]] = f.Skip(1).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        }
    }

    /// <summary>Entries loaded or added.</summary>
    public int Count => _entries.Count;

    /// <summary>The SHA-256 (hex) of a file's bytes.</summary>
    public static string ContentHash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Cached values for a content hash.</summary>
    public bool TryGet(string contentHash, out float[] values)
    {
        lock (_lock) return _entries.TryGetValue(contentHash, out values!);
    }

    /// <summary>Adds values and appends them to the cache file at once (nothing computed is lost if the run stops).</summary>
    public void Add(string contentHash, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        lock (_lock)
        {
            if (!_entries.TryAdd(contentHash, values)) return;
            File.AppendAllText(_file, Csv.Line([contentHash, .. values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))], '\t') + "\n");
        }
    }
}

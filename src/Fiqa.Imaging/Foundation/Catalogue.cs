namespace Fiqa;

/// <summary>One entry of a <see cref="Catalogue{TEntry}"/>: a name and, for parameterised entries (<c>perturb:4</c>),
/// the parameter's name as shown in listings.</summary>
public interface ICatalogueEntry
{
    /// <summary>The canonical name.</summary>
    string Name { get; }

    /// <summary>The parameter written after a colon (e.g. "R" for <c>perturb:R</c>), or null when the entry takes none.</summary>
    string? Parameter { get; }

    /// <summary>True when the entry cannot be used without its parameter (<c>onnx:MANIFEST</c>).</summary>
    bool ParameterRequired => false;
}

/// <summary>How catalogue entries are written.</summary>
public static class CatalogueEntryExtensions
{
    /// <summary>The entry as a user writes it in listings: <c>name</c>, <c>name[:P]</c>, or <c>name:P</c> when required.</summary>
    public static string Syntax(this ICatalogueEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Parameter is null ? entry.Name : entry.ParameterRequired ? $"{entry.Name}:{entry.Parameter}" : $"{entry.Name}[:{entry.Parameter}]";
    }
}

/// <summary>A name that is not in a catalogue, or a parameter an entry refuses. The message lists the valid names and,
/// when one is close, suggests it.</summary>
public sealed class UnknownNameException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public UnknownNameException(string message) : base(message) { }
    /// <summary>Creates the exception.</summary>
    public UnknownNameException() { }
    /// <summary>Creates the exception.</summary>
    public UnknownNameException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The one pattern every catalogue follows (quality measures, unified methods, IQA metrics): descriptors as data,
/// found by name case-insensitively, parameterised names split at the first colon for their own entry to parse, and
/// unknown names answered with the valid ones and the closest match.</summary>
/// <typeparam name="TEntry">The entry type (a descriptor and a factory).</typeparam>
public sealed class Catalogue<TEntry> where TEntry : ICatalogueEntry
{
    private readonly Dictionary<string, TEntry> _byName;

    /// <summary>Creates a catalogue of <paramref name="entries"/>; <paramref name="kind"/> names its items in messages
    /// ("quality measure").</summary>
    public Catalogue(string kind, IReadOnlyList<TEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Kind = kind;
        Entries = entries;
        _byName = new Dictionary<string, TEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var e in entries)
            if (!_byName.TryAdd(e.Name, e)) throw new InvalidOperationException($"{kind} '{e.Name}' is listed twice");
    }

    /// <summary>What the catalogue holds, in words.</summary>
    public string Kind { get; }

    /// <summary>Every entry, in listing order.</summary>
    public IReadOnlyList<TEntry> Entries { get; }

    /// <summary>The names as a user writes them, parameterised ones with their parameter: <c>perturb[:R]</c>.</summary>
    public IEnumerable<string> Syntax => Entries.Select(e => e.Syntax());

    /// <summary>The entry a name refers to and the text after its colon (null when none was written).</summary>
    public (TEntry Entry, string? Parameter) Resolve(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var trimmed = name.Trim();
        int colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        var key = colon < 0 ? trimmed : trimmed[..colon];
        string? parameter = colon < 0 ? null : trimmed[(colon + 1)..].Trim();
        if (!_byName.TryGetValue(key, out var entry)) throw Unknown(trimmed);
        if (parameter is not null && entry.Parameter is null)
            throw new UnknownNameException($"{Kind} '{entry.Name}' takes no parameter (got '{trimmed}')");
        return (entry, parameter);
    }

    /// <summary>The entry a name refers to (a parameter, if written, is ignored).</summary>
    public TEntry Find(string name) => Resolve(name).Entry;

    /// <summary>True when <paramref name="name"/> names an entry.</summary>
    public bool Contains(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.Trim();
        int colon = key.IndexOf(':', StringComparison.Ordinal);
        return _byName.ContainsKey(colon < 0 ? key : key[..colon]);
    }

    /// <summary>The error for a name not in the catalogue: the valid names, and the closest one when it is near.</summary>
    public UnknownNameException Unknown(string name)
    {
        var suggestion = Closest(name) is { } c ? $"; did you mean '{c}'?" : "";
        return new UnknownNameException($"unknown {Kind} '{name}'{suggestion} Valid: {string.Join(", ", Syntax)}");
    }

    /// <summary>The entry name closest to <paramref name="name"/> by edit distance (case-insensitive), when it is at most
    /// a third of the longer name's length away (and at least 1 character of slack); else null.</summary>
    public string? Closest(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.Trim().ToLowerInvariant();
        int colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0) key = key[..colon];
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var e in Entries)
        {
            int d = EditDistance(key, e.Name.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (e.Name, d);
        }
        return best is not null && bestDistance <= Math.Max(1, Math.Max(key.Length, best.Length) / 3) ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}

namespace Fiqa.Batch;

/// <summary>What a folder scan left out while <see cref="InputSource"/> streamed: extension → count. Filled as the
/// enumeration advances, so it is complete once the enumeration has ended.</summary>
public sealed class InputScan
{
    private readonly Dictionary<string, int> _skipped = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Files found in folders whose extension is not an image's: extension → count.</summary>
    public IReadOnlyDictionary<string, int> Skipped => _skipped;

    internal void Skip(string extension)
    {
        var key = extension.Length == 0 ? "(no extension)" : extension.ToLowerInvariant();
        lock (_skipped) _skipped[key] = _skipped.GetValueOrDefault(key) + 1;
    }

    /// <summary>"skipped 3 file(s) … (.txt ×2, .pdf) …", or null when none were.</summary>
    public string? SkippedSummary => _skipped.Count == 0 ? null
        : $"skipped {_skipped.Values.Sum()} file(s) in the given folders that are not images by extension ({string.Join(", ", _skipped.OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal).Select(k => k.Value > 1 ? $"{k.Key} ×{k.Value}" : k.Key))}); name a file explicitly to try it anyway";
}

/// <summary>Streams the inputs a command line names: files as given, folders recursively (image extensions, in ordinal
/// order of the full path so runs are reproducible), and <c>@list.txt</c> files holding one path per line (blank lines
/// and lines starting with # skipped; relative paths resolve against the list's folder). Nothing is collected: memory
/// is bounded by the largest single folder listing, not by the number of inputs.</summary>
public static class InputSource
{
    /// <summary>Extensions taken from folders (files named explicitly are always tried).</summary>
    public static readonly IReadOnlySet<string> ImageExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".ico", ".wbmp", ".heic", ".heif", ".avif",
    };

    /// <summary>The inputs, lazily, in order. Problems with the command line itself (a missing list file, an unknown
    /// option) throw <see cref="ArgumentException"/> when the enumeration reaches them; a missing image file is yielded
    /// so it gets its own error record.</summary>
    public static IEnumerable<string> Enumerate(IEnumerable<string> inputs, InputScan scan)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(scan);
        foreach (var input in inputs)
            foreach (var f in One(input, scan, 0)) yield return f;
    }

    private static IEnumerable<string> One(string input, InputScan scan, int depth)
    {
        // The parser hands unknown options to the inputs argument; a typo must not become a "file not found" record.
        if (input.StartsWith('-') && !File.Exists(input) && !Directory.Exists(input))
            throw new ArgumentException($"unknown option '{input}'");
        if (input.StartsWith('@') && input.Length > 1)
        {
            var list = input[1..];
            if (depth > 4) throw new ArgumentException($"{list}: list files nest too deeply");
            if (Directory.Exists(list)) throw new ArgumentException($"list file {list} is a folder; give a text file with one path per line");
            if (!File.Exists(list)) throw new ArgumentException($"list file not found: {list}");
            var baseDir = Path.GetDirectoryName(Path.GetFullPath(list))!;
            foreach (var raw in File.ReadLines(list))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                var path = line.StartsWith('@') ? "@" + Resolve(baseDir, line[1..]) : Resolve(baseDir, line);
                foreach (var f in One(path, scan, depth + 1)) yield return f;
            }
            yield break;
        }
        if (Directory.Exists(input))
        {
            foreach (var f in Walk(input))
            {
                if (ImageExtensions.Contains(Path.GetExtension(f))) yield return f;
                else scan.Skip(Path.GetExtension(f));
            }
            yield break;
        }
        yield return input;
    }

    // Depth-first, one folder listing at a time. A folder's entries sort by name, a sub-folder's name with a trailing
    // separator: every path below "b" starts "b/", so this order equals the ordinal order of the full paths.
    private static IEnumerable<string> Walk(string folder)
    {
        var entries = new List<(string Key, string Path, bool IsFolder)>();
        foreach (var e in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            bool isFolder = e is DirectoryInfo;
            entries.Add((isFolder ? e.Name + Path.DirectorySeparatorChar : e.Name, Path.Join(folder, e.Name), isFolder));
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (_, path, isFolder) in entries)
        {
            if (!isFolder) { yield return path; continue; }
            foreach (var f in Walk(path)) yield return f;
        }
    }

    // A list entry relative to the list's folder, written relative to the working folder when it lies below it.
    private static string Resolve(string baseDir, string entry)
    {
        if (Path.IsPathRooted(entry)) return entry;
        var full = Path.GetFullPath(Path.Combine(baseDir, entry));
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) ? full : relative;
    }
}

namespace Fiqa.Cli;

/// <summary>The files a command line names, and what a folder scan left out.</summary>
/// <param name="Files">The files to process, in order; a missing file stays in the list, so it gets its own error record.</param>
/// <param name="Skipped">Files found in folders whose extension is not an image's: extension → count.</param>
public sealed record InputList(IReadOnlyList<string> Files, IReadOnlyDictionary<string, int> Skipped)
{
    /// <summary>"skipped 3 file(s) that are not images (.txt ×2, .pdf)", or null when none were.</summary>
    public string? SkippedSummary => Skipped.Count == 0 ? null
        : $"skipped {Skipped.Values.Sum()} file(s) in the given folders that are not images by extension ({string.Join(", ", Skipped.OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal).Select(k => k.Value > 1 ? $"{k.Key} ×{k.Value}" : k.Key))}); name a file explicitly to try it anyway";
}

/// <summary>Expands command-line inputs: files as given, folders recursively (image extensions, sorted by ordinal path
/// so runs are reproducible), and <c>@list.txt</c> files holding one path per line (blank lines and lines starting with
/// # skipped; relative paths resolve against the list's folder; a line is one path, spaces included).</summary>
public static class InputFiles
{
    /// <summary>Extensions taken from folders (files named explicitly are always tried).</summary>
    public static readonly IReadOnlySet<string> ImageExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".ico", ".wbmp", ".heic", ".heif", ".avif",
    };

    /// <summary>The files to process, in order, and what folder scans skipped.</summary>
    public static InputList Expand(IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var files = new List<string>();
        var skipped = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var input in inputs) ExpandOne(input, files, skipped, depth: 0);
        return new InputList(files, skipped);
    }

    private static void ExpandOne(string input, List<string> files, Dictionary<string, int> skipped, int depth)
    {
        // The parser hands unknown options to the inputs argument; a typo must not become a "file not found" record.
        if (input.StartsWith('-') && !File.Exists(input) && !Directory.Exists(input))
            throw new UsageException($"unknown option '{input}'");
        if (input.StartsWith('@') && input.Length > 1)
        {
            var list = input[1..];
            if (depth > 4) throw new UsageException($"{list}: list files nest too deeply");
            if (Directory.Exists(list)) throw new UsageException($"list file {list} is a folder; give a text file with one path per line");
            if (!File.Exists(list)) throw new UsageException($"list file not found: {list}");
            var baseDir = Path.GetDirectoryName(Path.GetFullPath(list))!;
            foreach (var raw in File.ReadLines(list))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                var path = line.StartsWith('@') ? "@" + Resolve(baseDir, line[1..]) : Resolve(baseDir, line);
                ExpandOne(path, files, skipped, depth + 1);
            }
            return;
        }
        if (Directory.Exists(input))
        {
            foreach (var f in Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var extension = Path.GetExtension(f);
                if (ImageExtensions.Contains(extension)) files.Add(f);
                else
                {
                    var key = extension.Length == 0 ? "(no extension)" : extension.ToLowerInvariant();
                    skipped[key] = skipped.GetValueOrDefault(key) + 1;
                }
            }
            return;
        }
        files.Add(input);
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

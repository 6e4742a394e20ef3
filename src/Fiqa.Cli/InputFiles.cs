namespace Fiqa.Cli;

/// <summary>Expands command-line inputs: files as given, folders recursively (image extensions, sorted by ordinal
/// path so runs are reproducible), and <c>@list.txt</c> files holding one path per line (blank lines and lines
/// starting with # skipped; relative paths resolve against the list's folder).</summary>
public static class InputFiles
{
    /// <summary>Extensions taken from folders (files named explicitly are always tried).</summary>
    public static readonly IReadOnlySet<string> ImageExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".ico", ".wbmp", ".heic", ".heif", ".avif",
    };

    /// <summary>The files to process, in order. A missing file stays in the list, so it gets its own error record.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var files = new List<string>();
        foreach (var input in inputs) ExpandOne(input, files, depth: 0);
        return files;
    }

    private static void ExpandOne(string input, List<string> files, int depth)
    {
        // The parser hands unknown options to the inputs argument; a typo must not become a "file not found" record.
        if (input.StartsWith('-') && !File.Exists(input) && !Directory.Exists(input))
            throw new UsageException($"unknown option '{input}'");
        if (input.StartsWith('@') && input.Length > 1)
        {
            var list = input[1..];
            if (depth > 4) throw new UsageException($"{list}: list files nest too deeply");
            if (!File.Exists(list)) throw new UsageException($"list file not found: {list}");
            var baseDir = Path.GetDirectoryName(Path.GetFullPath(list))!;
            foreach (var raw in File.ReadLines(list))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                var path = line.StartsWith('@') || Path.IsPathRooted(line) ? line : Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(baseDir, line));
                ExpandOne(path, files, depth + 1);
            }
            return;
        }
        if (Directory.Exists(input))
        {
            files.AddRange(Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f)))
                .Order(StringComparer.Ordinal));
            return;
        }
        files.Add(input);
    }
}

using Fiqa.Batch;

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

/// <summary>Command-line inputs as a list, for the commands that need one (see <see cref="InputSource"/> for the
/// rules; <c>fiqa assess</c> streams them instead).</summary>
public static class InputFiles
{
    /// <summary>Extensions taken from folders (files named explicitly are always tried).</summary>
    public static IReadOnlySet<string> ImageExtensions => InputSource.ImageExtensions;

    /// <summary>The files to process, in order, and what folder scans skipped.</summary>
    public static InputList Expand(IEnumerable<string> inputs)
    {
        var scan = new InputScan();
        return new InputList(Stream(inputs, scan).ToList(), scan.Skipped);
    }

    /// <summary>The inputs streamed; command-line mistakes (a missing list file) surface as usage errors.</summary>
    public static IEnumerable<string> Stream(IEnumerable<string> inputs, InputScan scan)
    {
        using var e = InputSource.Enumerate(inputs, scan).GetEnumerator();
        while (true)
        {
            try
            {
                if (!e.MoveNext()) yield break;
            }
            catch (ArgumentException ex)
            {
                throw UsageException.From(ex);
            }
            yield return e.Current;
        }
    }
}

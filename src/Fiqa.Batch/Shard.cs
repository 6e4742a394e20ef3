using System.Globalization;
using System.Text;

namespace Fiqa.Batch;

/// <summary>One part of a deterministic partition of the inputs: an input belongs to shard
/// <c>FNV-1a-64(UTF-8 path, '\' as '/') mod Count</c>. The hash depends on the path text only, so every task of a
/// cluster job computes the same partition without talking to the others.</summary>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>Environment variables that carry the index: Kubernetes Indexed Jobs, then Slurm job arrays.</summary>
    public static readonly IReadOnlyList<string> IndexVariables = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"];

    /// <summary>Parses <c>i/n</c>, or <c>auto/n</c> (also <c>/n</c>) taking i from <see cref="IndexVariables"/>
    /// (a Slurm index is made zero-based with SLURM_ARRAY_TASK_MIN).</summary>
    public static Shard Parse(string text, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        environment ??= Environment.GetEnvironmentVariable;
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
            throw new ArgumentException($"--shard '{text}': expected i/n with 0 ≤ i < n (e.g. 0/4), or auto/n to read i from {string.Join(" or ", IndexVariables)}");
        int i;
        if (parts[0] is "" or "auto")
        {
            var k8s = environment("JOB_COMPLETION_INDEX");
            var slurm = environment("SLURM_ARRAY_TASK_ID");
            if (!string.IsNullOrEmpty(k8s)) i = ParseIndex(k8s, "JOB_COMPLETION_INDEX");
            else if (!string.IsNullOrEmpty(slurm))
            {
                var min = environment("SLURM_ARRAY_TASK_MIN");
                i = ParseIndex(slurm, "SLURM_ARRAY_TASK_ID") - (string.IsNullOrEmpty(min) ? 0 : ParseIndex(min, "SLURM_ARRAY_TASK_MIN"));
            }
            else throw new ArgumentException($"--shard {text}: neither {string.Join(" nor ", IndexVariables)} is set; give the index (e.g. 0/{n})");
        }
        else i = ParseIndex(parts[0], "--shard index");
        if (i < 0 || i >= n) throw new ArgumentException($"--shard {text}: index {i} is outside 0..{n - 1}");
        return new Shard(i, n);
    }

    private static int ParseIndex(string s, string what) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v)
        ? v : throw new ArgumentException($"{what} '{s}' is not a non-negative integer");

    /// <summary>Whether <paramref name="path"/> belongs to this shard.</summary>
    public bool Contains(string path) => (int)(Hash(path) % (ulong)Count) == Index;

    /// <summary>FNV-1a, 64 bit, over the UTF-8 bytes with '\' read as '/': stable across runs, processes and machines
    /// (unlike <see cref="string.GetHashCode()"/>).</summary>
    public static ulong Hash(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        ulong h = 14695981039346656037UL;
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in path.EnumerateRunes())
        {
            var r = rune.Value == '\\' ? new Rune('/') : rune;
            int n = r.EncodeToUtf8(buffer);
            for (int k = 0; k < n; k++) { h ^= buffer[k]; h *= 1099511628211UL; }
        }
        return h;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Index}/{Count}";
}

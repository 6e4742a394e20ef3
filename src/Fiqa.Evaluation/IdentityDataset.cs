namespace Fiqa.Evaluation;

/// <summary>One image of a labelled dataset: <see cref="Id"/> is "identity/relative/path".</summary>
public sealed record DatasetSample(string Id, string Identity, string Path);

/// <summary>A folder with one sub-folder per identity, images anywhere below each (sorted ordinally, so sample
/// order and every derived list are reproducible).</summary>
public sealed class IdentityDataset
{
    private IdentityDataset(IReadOnlyList<DatasetSample> samples) => Samples = samples;

    /// <summary>All samples, ordered by identity then path.</summary>
    public IReadOnlyList<DatasetSample> Samples { get; }

    /// <summary>Reads the folder; files whose extension is not in <paramref name="imageExtensions"/> are ignored.</summary>
    public static IdentityDataset FromFolder(string root, IReadOnlySet<string> imageExtensions) => FromFolders([root], imageExtensions);

    /// <summary>Reads several such folders as one dataset (identities of the same name are one identity).</summary>
    public static IdentityDataset FromFolders(IReadOnlyList<string> roots, IReadOnlySet<string> imageExtensions)
    {
        ArgumentNullException.ThrowIfNull(roots);
        ArgumentNullException.ThrowIfNull(imageExtensions);
        var samples = new List<DatasetSample>();
        foreach (var root in roots)
        {
            if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"dataset folder not found: {root}");
            int before = samples.Count;
            foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
            {
                var identity = System.IO.Path.GetFileName(dir);
                foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                             .Where(f => imageExtensions.Contains(System.IO.Path.GetExtension(f))).Order(StringComparer.Ordinal))
                    samples.Add(new DatasetSample(identity + "/" + System.IO.Path.GetRelativePath(dir, file).Replace('\\', '/'), identity, file));
            }
            if (samples.Count == before)
                throw new InvalidDataException($"{root}: no images in identity sub-folders (expected one sub-folder per identity, e.g. {System.IO.Path.Combine(root, "alice", "1.jpg")})");
        }
        return new IdentityDataset(samples.OrderBy(s => s.Identity, StringComparer.Ordinal).ThenBy(s => s.Id, StringComparer.Ordinal).ToList());
    }

    /// <summary>Index pairs (i &lt; j) of the usable samples: every mated pair, and every non-mated pair or, when
    /// <paramref name="maxNonMated"/> is smaller than their number, that many drawn without replacement with
    /// <paramref name="seed"/>.</summary>
    public static (List<(int A, int B)> Mated, List<(int A, int B)> NonMated) Pairs(
        IReadOnlyList<string> identities, int? maxNonMated, int seed)
    {
        ArgumentNullException.ThrowIfNull(identities);
        var mated = new List<(int, int)>();
        long nonMatedTotal = 0;
        for (int i = 0; i < identities.Count; i++)
            for (int j = i + 1; j < identities.Count; j++)
            {
                if (identities[i] == identities[j]) mated.Add((i, j));
                else nonMatedTotal++;
            }
        var nonMated = new List<(int, int)>();
        if (maxNonMated is null || nonMatedTotal <= maxNonMated)
        {
            for (int i = 0; i < identities.Count; i++)
                for (int j = i + 1; j < identities.Count; j++)
                    if (identities[i] != identities[j]) nonMated.Add((i, j));
            return (mated, nonMated);
        }
        var rng = new Random(seed);
        var chosen = new HashSet<(int, int)>();
        while (chosen.Count < maxNonMated)
        {
            int a = rng.Next(identities.Count), b = rng.Next(identities.Count);
            if (a == b || identities[a] == identities[b]) continue;
            chosen.Add(a < b ? (a, b) : (b, a));
        }
        nonMated.AddRange(chosen.Order());
        return (mated, nonMated);
    }

    /// <summary>Pairs from an LFW-style pair file: optional header line "folds pairs"; "name i j" for a mated pair,
    /// "name1 i name2 j" for a non-mated pair, image k of a person being name/name_000k.&lt;ext&gt;. Indices refer to
    /// <paramref name="sampleIds"/>; a pair naming a missing image is an error with its line number.</summary>
    public static (List<(int A, int B)> Mated, List<(int A, int B)> NonMated) PairsFromLfwFile(string path, IReadOnlyList<string> sampleIds)
    {
        ArgumentNullException.ThrowIfNull(sampleIds);
        // Index by "name/name_0001" without extension.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < sampleIds.Count; i++) index.TryAdd(System.IO.Path.ChangeExtension(sampleIds[i], null), i);
        int Find(string name, string number, int line)
        {
            if (!int.TryParse(number, out int k)) throw new FormatException($"{path}:{line}: '{number}' is not an image number");
            var key = $"{name}/{name}_{k:D4}";
            return index.TryGetValue(key, out int i) ? i : throw new FormatException($"{path}:{line}: no usable image {key}.*");
        }
        var mated = new List<(int, int)>();
        var nonMated = new List<(int, int)>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var f = raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 0 || (lineNo == 1 && f.Length <= 2 && f.All(t => int.TryParse(t, out _)))) continue;
            switch (f.Length)
            {
                case 3: mated.Add(Ordered(Find(f[0], f[1], lineNo), Find(f[0], f[2], lineNo))); break;
                case 4: nonMated.Add(Ordered(Find(f[0], f[1], lineNo), Find(f[2], f[3], lineNo))); break;
                default: throw new FormatException($"{path}:{lineNo}: expected 'name i j' or 'name1 i name2 j'");
            }
        }
        return (mated, nonMated);
    }

    private static (int, int) Ordered(int a, int b) => a < b ? (a, b) : (b, a);
}

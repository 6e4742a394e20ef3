namespace Fiqa.Evaluation;

/// <summary>One LFW pair of the protocol files: two images (name/name_000k ids, no extension), mated or not, and the
/// fold it belongs to (1-based; 0 for View 1's single set).</summary>
public sealed record LfwPair(string ImageA, string ImageB, bool Mated, int Fold);

/// <summary>LFW's protocol files (Huang et al., UMass TR 07-49, 2007; the dataset's README.txt): View 2's ten folds of
/// people (<c>people.txt</c>) and of pairs (<c>pairs.txt</c>), and View 1's development split (<c>peopleDevTrain.txt</c>,
/// <c>peopleDevTest.txt</c>, <c>pairsDevTrain.txt</c>, <c>pairsDevTest.txt</c>). Image k of a person is
/// <c>name/name_000k.jpg</c>. Parsing errors name the file and line.</summary>
public sealed class LfwProtocol
{
    private LfwProtocol(string root, IReadOnlyList<IReadOnlyList<(string Name, int Images)>> folds,
        IReadOnlyList<(string Name, int Images)> devTrain, IReadOnlyList<(string Name, int Images)> devTest,
        IReadOnlyList<LfwPair> pairs, IReadOnlyList<LfwPair> devTrainPairs, IReadOnlyList<LfwPair> devTestPairs)
    {
        Root = root;
        Folds = folds;
        DevTrainPeople = devTrain;
        DevTestPeople = devTest;
        Pairs = pairs;
        DevTrainPairs = devTrainPairs;
        DevTestPairs = devTestPairs;
    }

    private static readonly string[] ImageFolders = ["lfw-deepfunneled", "lfw", "lfw-funneled"];

    /// <summary>The protocol folder (it holds the text files; images are under <see cref="ImageRoot"/>).</summary>
    public string Root { get; }

    /// <summary>The image folder: <c>lfw-deepfunneled</c>, <c>lfw</c> or <c>lfw-funneled</c> under <see cref="Root"/>.</summary>
    public string ImageRoot => ImageFolders.Select(d => Path.Combine(Root, d)).FirstOrDefault(Directory.Exists)
        ?? throw new DirectoryNotFoundException($"{Root}: no image folder (lfw-deepfunneled, lfw or lfw-funneled)");

    /// <summary>View 2's ten folds of people (name, image count); the folds are disjoint in people.</summary>
    public IReadOnlyList<IReadOnlyList<(string Name, int Images)>> Folds { get; }
    /// <summary>View 1's training people.</summary>
    public IReadOnlyList<(string Name, int Images)> DevTrainPeople { get; }
    /// <summary>View 1's test people (disjoint from <see cref="DevTrainPeople"/>).</summary>
    public IReadOnlyList<(string Name, int Images)> DevTestPeople { get; }
    /// <summary>View 2's 6,000 pairs, each with its fold.</summary>
    public IReadOnlyList<LfwPair> Pairs { get; }
    /// <summary>View 1's training pairs.</summary>
    public IReadOnlyList<LfwPair> DevTrainPairs { get; }
    /// <summary>View 1's test pairs.</summary>
    public IReadOnlyList<LfwPair> DevTestPairs { get; }

    /// <summary>The image id (name/name_000k) of image <paramref name="k"/> (1-based) of a person.</summary>
    public static string ImageId(string name, int k) => $"{name}/{name}_{k:D4}";

    /// <summary>Every image id of the given people.</summary>
    public static IEnumerable<string> Images(IEnumerable<(string Name, int Images)> people) =>
        people.SelectMany(p => Enumerable.Range(1, p.Images).Select(k => ImageId(p.Name, k)));

    /// <summary>The fold (1..10) of each View 2 person.</summary>
    public IReadOnlyDictionary<string, int> FoldOf() =>
        Folds.SelectMany((f, i) => f.Select(p => (p.Name, Fold: i + 1))).ToDictionary(x => x.Name, x => x.Fold, StringComparer.Ordinal);

    /// <summary>Reads the protocol files in <paramref name="root"/>.</summary>
    public static LfwProtocol Load(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"LFW folder not found: {root}");
        var folds = ReadFoldedPeople(Need(root, "people.txt"));
        var pairs = ReadPairs(Need(root, "pairs.txt"), folded: true);
        var protocol = new LfwProtocol(Path.GetFullPath(root), folds,
            ReadFoldedPeople(Need(root, "peopleDevTrain.txt")).Single(), ReadFoldedPeople(Need(root, "peopleDevTest.txt")).Single(),
            pairs, ReadPairs(Need(root, "pairsDevTrain.txt"), folded: false), ReadPairs(Need(root, "pairsDevTest.txt"), folded: false));
        var people = folds.SelectMany(f => f).ToList();
        if (people.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() != people.Count)
            throw new InvalidDataException($"{Path.Combine(root, "people.txt")}: a person is listed in more than one fold");
        return protocol;
    }

    private static string Need(string root, string file)
    {
        var path = Path.Combine(root, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"LFW protocol file not found: {path}", path);
    }

    // people files: a count of sets (10 for View 2; View 1's files have one set), then per set its size and "name count" lines.
    private static List<IReadOnlyList<(string Name, int Images)>> ReadFoldedPeople(string path)
    {
        var lines = File.ReadAllLines(path);
        int at = 0;
        string[] Fields(int i) => lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        int Int(string text, int line) => int.TryParse(text, out int v) && v >= 0 ? v : throw new InvalidDataException($"{path}:{line + 1}: '{text}' is not a count");
        var first = Fields(0);
        // View 1's people files start with the number of people, not of sets.
        int sets = first.Length == 1 && lines.Length > 1 && Fields(1).Length == 1 ? Int(first[0], 0) : 1;
        if (sets > 1) at = 1;
        var result = new List<IReadOnlyList<(string Name, int Images)>>();
        for (int s = 0; s < sets; s++)
        {
            if (at >= lines.Length) throw new InvalidDataException($"{path}: {sets} sets announced, {s} found");
            int count = Int(Fields(at)[0], at);
            at++;
            var set = new List<(string Name, int Images)>(count);
            for (int k = 0; k < count; k++, at++)
            {
                if (at >= lines.Length) throw new InvalidDataException($"{path}: set {s + 1} announces {count} people, the file ends after {k}");
                var f = Fields(at);
                if (f.Length != 2) throw new InvalidDataException($"{path}:{at + 1}: expected 'name images'");
                set.Add((f[0], Int(f[1], at)));
            }
            result.Add(set);
        }
        return result;
    }

    // pairs files: header "folds n" (View 2) or "n" (View 1), then per fold n mated "name i j" and n non-mated "name1 i name2 j".
    private static List<LfwPair> ReadPairs(string path, bool folded)
    {
        var lines = File.ReadAllLines(path);
        var head = lines.Length > 0 ? lines[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) : [];
        int folds = folded && head.Length == 2 && int.TryParse(head[0], out int f0) ? f0 : 1;
        int perFold = int.TryParse(head.LastOrDefault(), out int n) ? n : throw new InvalidDataException($"{path}:1: expected a header with the pair count");
        var pairs = new List<LfwPair>();
        for (int i = 1; i < lines.Length; i++)
        {
            var f = lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 0) continue;
            int fold = folded ? (pairs.Count / (2 * perFold)) + 1 : 0;
            int K(string text) => int.TryParse(text, out int k) && k >= 1 ? k : throw new InvalidDataException($"{path}:{i + 1}: '{text}' is not an image number");
            pairs.Add(f.Length switch
            {
                3 => new LfwPair(ImageId(f[0], K(f[1])), ImageId(f[0], K(f[2])), true, fold),
                4 => new LfwPair(ImageId(f[0], K(f[1])), ImageId(f[2], K(f[3])), false, fold),
                _ => throw new InvalidDataException($"{path}:{i + 1}: expected 'name i j' or 'name1 i name2 j'"),
            });
        }
        if (pairs.Count != folds * 2 * perFold) throw new InvalidDataException($"{path}: {pairs.Count} pairs, the header announces {folds * 2 * perFold}");
        return pairs;
    }
}

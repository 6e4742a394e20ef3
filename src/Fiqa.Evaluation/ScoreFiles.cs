namespace Fiqa.Evaluation;

/// <summary>One biometric comparison.</summary>
public readonly record struct Comparison(string SampleA, string SampleB, double Similarity, bool Mated);

/// <summary>Quality scores per sample for one or more methods (higher = better utility). NaN = not assessed.</summary>
public sealed class QualityTable
{
    private readonly Dictionary<string, double[]> _bySample;

    /// <summary>Creates a table from method names and per-sample rows (one value per method).</summary>
    public QualityTable(IReadOnlyList<string> methods, IReadOnlyDictionary<string, double[]> bySample)
    {
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(bySample);
        Methods = methods;
        _bySample = new Dictionary<string, double[]>(bySample, StringComparer.Ordinal);
        foreach (var (sample, row) in _bySample)
            if (row.Length != methods.Count) throw new ArgumentException($"sample {sample}: {row.Length} values for {methods.Count} methods");
    }

    /// <summary>Method names, in column order.</summary>
    public IReadOnlyList<string> Methods { get; }

    /// <summary>Number of samples.</summary>
    public int SampleCount => _bySample.Count;

    /// <summary>Quality of a sample under a method, NaN when unknown.</summary>
    public double Quality(string sample, int method) => _bySample.TryGetValue(sample, out var row) ? row[method] : double.NaN;
}

/// <summary>Reads and writes the CSV exchange formats, so scores from other tools can be evaluated:
/// <c>comparisons.csv</c> (<c>sample_a,sample_b,similarity,mated</c>, mated 0/1) and <c>qualities.csv</c>
/// (<c>sample,&lt;method1&gt;,&lt;method2&gt;,…</c>). RFC 4180 quoting; numbers use '.' as decimal separator; empty
/// cells are NaN. Errors name the file and line.</summary>
public static class ScoreFiles
{
    /// <summary>Reads comparisons.</summary>
    public static IReadOnlyList<Comparison> ReadComparisons(string path)
    {
        var csv = CsvFile.Read(path);
        int a = csv.Column("sample_a"), b = csv.Column("sample_b"), similarity = csv.Column("similarity"), matedColumn = csv.Column("mated");
        var rows = new List<Comparison>(csv.Rows.Count);
        foreach (var row in csv.Rows)
        {
            var mated = csv.Field(row, matedColumn) switch
            {
                "1" or "true" or "True" => true,
                "0" or "false" or "False" => false,
                var v => throw csv.Error(row, $"mated must be 0 or 1, found '{v}'"),
            };
            rows.Add(new Comparison(csv.Field(row, a), csv.Field(row, b), csv.Number(row, similarity), mated));
        }
        if (rows.Count == 0) throw new FormatException($"{path}: no comparisons");
        return rows;
    }

    /// <summary>Reads a quality table.</summary>
    public static QualityTable ReadQualities(string path)
    {
        var csv = CsvFile.Read(path);
        if (csv.Header.Count < 2 || csv.Header[0] != "sample") throw new FormatException($"{path}:1: header must be sample,<method>,… (found: {string.Join(",", csv.Header)})");
        var methods = csv.Header.Skip(1).ToArray();
        var rows = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var row in csv.Rows)
        {
            if (row.Fields.Count != methods.Length + 1) throw csv.Error(row, $"expected {methods.Length + 1} fields, found {row.Fields.Count}");
            var sample = csv.Field(row, 0);
            if (!rows.TryAdd(sample, Enumerable.Range(1, methods.Length).Select(k => csv.Number(row, k, emptyIsNaN: true)).ToArray()))
                throw csv.Error(row, $"sample '{sample}' appears twice");
        }
        return new QualityTable(methods, rows);
    }

    /// <summary>Writes comparisons in the exchange format (round-trip precision).</summary>
    public static void WriteComparisons(string path, IEnumerable<Comparison> comparisons)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        using var w = CsvWriter.Create(path);
        w.Write("sample_a", "sample_b", "similarity", "mated");
        foreach (var c in comparisons) w.Write(c.SampleA, c.SampleB, Csv.Number(c.Similarity), c.Mated ? "1" : "0");
    }

    /// <summary>Writes a quality table in the exchange format (round-trip precision), samples in ordinal order.</summary>
    public static void WriteQualities(string path, QualityTable table, IEnumerable<string> samples)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(samples);
        using var w = CsvWriter.Create(path);
        w.Write(table.Methods.Prepend("sample"));
        foreach (var s in samples.Order(StringComparer.Ordinal))
            w.Write(Enumerable.Range(0, table.Methods.Count).Select(m => Csv.Number(table.Quality(s, m))).Prepend(s));
    }
}

using System.Globalization;

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
/// (<c>sample,&lt;method1&gt;,&lt;method2&gt;,…</c>). Numbers use '.' as decimal separator; empty cells are NaN.</summary>
public static class ScoreFiles
{
    private static readonly string[] ComparisonColumns = ["sample_a", "sample_b", "similarity", "mated"];

    /// <summary>Reads comparisons; errors name the file and line.</summary>
    public static IReadOnlyList<Comparison> ReadComparisons(string path)
    {
        var rows = new List<Comparison>();
        int lineNo = 0;
        int[]? columns = null;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var cells = line.Split(',');
            if (columns is null)
            {
                var header = cells.Select(c => c.Trim()).ToList();
                columns = ComparisonColumns.Select(h => header.IndexOf(h)).ToArray();
                if (columns.Contains(-1)) throw new FormatException($"{path}:1: header must name sample_a,sample_b,similarity,mated (found: {line})");
                continue;
            }
            if (cells.Length < columns.Max() + 1) throw new FormatException($"{path}:{lineNo}: expected {columns.Max() + 1} fields, found {cells.Length}");
            var mated = cells[columns[3]].Trim() switch
            {
                "1" or "true" or "True" => true,
                "0" or "false" or "False" => false,
                var v => throw new FormatException($"{path}:{lineNo}: mated must be 0 or 1, found '{v}'"),
            };
            rows.Add(new Comparison(cells[columns[0]].Trim(), cells[columns[1]].Trim(), ParseNumber(cells[columns[2]], path, lineNo), mated));
        }
        if (rows.Count == 0) throw new FormatException($"{path}: no comparisons");
        return rows;
    }

    /// <summary>Reads a quality table; errors name the file and line.</summary>
    public static QualityTable ReadQualities(string path)
    {
        string[]? methods = null;
        var rows = new Dictionary<string, double[]>(StringComparer.Ordinal);
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var cells = line.Split(',');
            if (methods is null)
            {
                if (cells.Length < 2 || cells[0].Trim() != "sample") throw new FormatException($"{path}:1: header must be sample,<method>,… (found: {line})");
                methods = cells.Skip(1).Select(c => c.Trim()).ToArray();
                continue;
            }
            if (cells.Length != methods.Length + 1) throw new FormatException($"{path}:{lineNo}: expected {methods.Length + 1} fields, found {cells.Length}");
            var sample = cells[0].Trim();
            if (!rows.TryAdd(sample, cells.Skip(1).Select(c => string.IsNullOrWhiteSpace(c) ? double.NaN : ParseNumber(c, path, lineNo)).ToArray()))
                throw new FormatException($"{path}:{lineNo}: sample '{sample}' appears twice");
        }
        if (methods is null) throw new FormatException($"{path}: empty file");
        return new QualityTable(methods, rows);
    }

    /// <summary>Writes comparisons in the exchange format (round-trip precision).</summary>
    public static void WriteComparisons(string path, IEnumerable<Comparison> comparisons)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("sample_a,sample_b,similarity,mated");
        foreach (var c in comparisons)
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.SampleA},{c.SampleB},{c.Similarity:R},{(c.Mated ? 1 : 0)}"));
    }

    /// <summary>Writes a quality table in the exchange format (round-trip precision), samples in ordinal order.</summary>
    public static void WriteQualities(string path, QualityTable table, IEnumerable<string> samples)
    {
        ArgumentNullException.ThrowIfNull(table);
        using var w = new StreamWriter(path);
        w.WriteLine("sample," + string.Join(',', table.Methods));
        foreach (var s in samples.Order(StringComparer.Ordinal))
            w.WriteLine(s + "," + string.Join(',', Enumerable.Range(0, table.Methods.Count).Select(m =>
                double.IsNaN(table.Quality(s, m)) ? "" : table.Quality(s, m).ToString("R", CultureInfo.InvariantCulture))));
    }

    private static double ParseNumber(string cell, string path, int line) =>
        double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"{path}:{line}: '{cell.Trim()}' is not a number");
}

using System.Globalization;
using System.Text;

namespace Fiqa;

/// <summary>One record of a CSV file: its fields and the line it starts on (1-based, for messages).</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>RFC 4180 CSV with a chosen delimiter — the one reader and writer for every CSV (and TSV) the project reads or
/// writes: fields with the delimiter, quotes or line breaks are quoted, quotes doubled; a quoted field may span lines.</summary>
public static class Csv
{
    /// <summary>The field as it must be written.</summary>
    public static string Quote(string field, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(field);
        if (field.IndexOfAny([delimiter, '"', '\n', '\r']) < 0) return field;
        return "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>One line (without the line break) of quoted fields.</summary>
    public static string Line(IEnumerable<string> fields, char delimiter = ',') =>
        string.Join(delimiter, fields.Select(f => Quote(f, delimiter)));

    /// <summary>A number as the project writes it: invariant culture, round-trip precision; NaN as an empty field.</summary>
    public static string Number(double value) => double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The records of a text, skipping blank lines. An unterminated quote is an error naming its line.</summary>
    public static IEnumerable<CsvRecord> Records(TextReader reader, char delimiter = ',', string source = "(text)")
    {
        ArgumentNullException.ThrowIfNull(reader);
        int line = 0;
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            line++;
            if (text.Length == 0 || (text.Trim().Length == 0 && !text.Contains('"', StringComparison.Ordinal))) continue;
            int start = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            bool quoted = false, wasQuoted = false;
            int i = 0;
            while (true)
            {
                if (i == text.Length)
                {
                    if (!quoted) break;
                    // A quoted field continues on the next physical line.
                    text = reader.ReadLine() ?? throw new FormatException($"{source}:{start}: a quoted field is never closed");
                    line++;
                    field.Append('\n');
                    i = 0;
                    continue;
                }
                char c = text[i++];
                if (quoted)
                {
                    if (c != '"') field.Append(c);
                    else if (i < text.Length && text[i] == '"') { field.Append('"'); i++; }
                    else quoted = false;
                }
                else if (c == '"' && field.Length == 0 && !wasQuoted) quoted = wasQuoted = true;
                else if (c == delimiter)
                {
                    fields.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                }
                else field.Append(c);
            }
            fields.Add(field.ToString());
            yield return new CsvRecord(start, fields);
        }
    }
}

/// <summary>A CSV file read whole: header (optional), records, and checks whose messages name the file and line.</summary>
public sealed class CsvFile
{
    private CsvFile(string path, IReadOnlyList<string> header, IReadOnlyList<CsvRecord> rows)
    {
        Path = path;
        Header = header;
        Rows = rows;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }
    /// <summary>Header fields, trimmed (empty without a header).</summary>
    public IReadOnlyList<string> Header { get; }
    /// <summary>The records after the header.</summary>
    public IReadOnlyList<CsvRecord> Rows { get; }

    /// <summary>Reads a file; a missing file is a <see cref="FileNotFoundException"/> naming it.</summary>
    /// <param name="path">The file.</param>
    /// <param name="delimiter">Field delimiter.</param>
    /// <param name="hasHeader">The first record is a header.</param>
    public static CsvFile Read(string path, char delimiter = ',', bool hasHeader = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        using var reader = new StreamReader(path);
        var records = Csv.Records(reader, delimiter, path).ToList();
        if (!hasHeader) return new CsvFile(path, [], records);
        if (records.Count == 0) throw new FormatException($"{path}: empty file (expected a header line)");
        return new CsvFile(path, records[0].Fields.Select(f => f.Trim()).ToList(), records.Skip(1).ToList());
    }

    /// <summary>The index of a header column; a missing one is an error listing the columns found.</summary>
    public int Column(string name)
    {
        int i = Header.ToList().FindIndex(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
        return i >= 0 ? i : throw new FormatException($"{Path}:1: the header has no column '{name}' (found: {string.Join(", ", Header)})");
    }

    /// <summary>A field of a record, trimmed; a short record is an error naming its line.</summary>
    public string Field(CsvRecord row, int column)
    {
        ArgumentNullException.ThrowIfNull(row);
        return column < row.Fields.Count
            ? row.Fields[column].Trim()
            : throw Error(row, $"expected at least {column + 1} fields, found {row.Fields.Count}");
    }

    /// <summary>A numeric field (invariant culture); an empty field is NaN when <paramref name="emptyIsNaN"/>.</summary>
    public double Number(CsvRecord row, int column, bool emptyIsNaN = false)
    {
        var text = Field(row, column);
        if (text.Length == 0 && emptyIsNaN) return double.NaN;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw Error(row, $"'{text}' is not a number");
    }

    /// <summary>An error about one record: "path:line: message".</summary>
    public FormatException Error(CsvRecord row, string message)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new FormatException($"{Path}:{row.Line}: {message}");
    }
}

/// <summary>Writes CSV records with a chosen delimiter.</summary>
public sealed class CsvWriter(TextWriter writer, char delimiter = ',') : IDisposable
{
    /// <summary>Creates the file (and its folder) and writes to it.</summary>
    public static CsvWriter Create(string path, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(path);
        if (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
        return new CsvWriter(new StreamWriter(path, append: false, new UTF8Encoding(false)), delimiter);
    }

    /// <summary>The delimiter.</summary>
    public char Delimiter => delimiter;

    /// <summary>Writes one record.</summary>
    public void Write(IEnumerable<string> fields) => writer.WriteLine(Csv.Line(fields, delimiter));

    /// <summary>Writes one record.</summary>
    public void Write(params string[] fields) => Write((IEnumerable<string>)fields);

    /// <summary>Flushes the underlying writer.</summary>
    public void Flush() => writer.Flush();

    /// <inheritdoc />
    public void Dispose() => writer.Dispose();
}

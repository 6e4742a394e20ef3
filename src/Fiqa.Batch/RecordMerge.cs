using System.Text;
using System.Text.Json;
using Parquet;

namespace Fiqa.Batch;

/// <summary>Joins the outputs of shards (<c>fiqa merge</c>). JSONL and CSV are merged by input path, streaming, so
/// shards of a folder run (each in path order) give exactly the unsharded file; Parquet row groups are copied in the
/// order of the inputs. The inputs must share one format (and, for CSV and Parquet, one header or schema).</summary>
public static class RecordMerge
{
    /// <summary>Merges <paramref name="inputs"/> into <paramref name="output"/> (a file, a pipe or device, or
    /// <c>-</c> for <paramref name="stdout"/>); returns the records written.</summary>
    public static long Merge(IReadOnlyList<string> inputs, string output, string format, char delimiter = ',', TextWriter? stdout = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(output);
        if (inputs.Count == 0) throw new ArgumentException("give at least one file to merge");
        var kind = OutputTarget.Classify(output);
        foreach (var i in inputs)
        {
            if (!File.Exists(i)) throw new ArgumentException($"merge input not found: {i}");
            if (kind == OutputKind.File && Path.GetFullPath(i) == Path.GetFullPath(output)) throw new ArgumentException($"the merged output {output} is also an input");
        }
        if (format == "parquet" && kind != OutputKind.File) throw new ArgumentException($"Parquet output needs a regular file; {output} is not one");
        if (kind == OutputKind.Stdout && stdout is null) throw new ArgumentException("no standard output to merge into");
        return format switch
        {
            "parquet" => MergeParquet(inputs, output),
            "jsonl" => MergeLines(inputs, output, stdout, null, JsonKey),
            "csv" => MergeLines(inputs, output, stdout, delimiter, line => CsvKey(line, delimiter)),
            _ => throw new ArgumentException($"unknown record format '{format}'; valid: {string.Join(", ", RecordSinks.Formats)}"),
        };
    }

    private static long MergeLines(IReadOnlyList<string> inputs, string output, TextWriter? stdout, char? csvDelimiter, Func<string, string> key)
    {
        var readers = inputs.Select(i => new StreamReader(i, Encoding.UTF8)).ToList();
        try
        {
            string? header = null;
            if (csvDelimiter is not null)
            {
                for (int i = 0; i < readers.Count; i++)
                {
                    var h = readers[i].ReadLine() ?? throw new InvalidDataException($"{inputs[i]} is empty: no CSV header");
                    if (header is null) header = h;
                    else if (h != header) throw new InvalidDataException($"{inputs[i]} has other CSV columns than {inputs[0]}: the runs used different options");
                }
            }
            // A k-way merge by path; ties go to the earlier input, so all records of one input stay together.
            var heads = new PriorityQueue<int, (string Key, int Input)>(Comparer<(string Key, int Input)>.Create((a, b) =>
            {
                int c = string.CompareOrdinal(a.Key, b.Key);
                return c != 0 ? c : a.Input.CompareTo(b.Input);
            }));
            var current = new string?[readers.Count];
            for (int i = 0; i < readers.Count; i++) Advance(i);
            void Advance(int i)
            {
                string? line;
                do line = readers[i].ReadLine(); while (line is { Length: 0 });
                current[i] = line;
                if (line is not null) heads.Enqueue(i, (key(line), i));
            }
            long n = 0;
            using var file = output == OutputTarget.StdoutName ? null : OutputTarget.OpenWriter(output);
            var w = file ?? stdout!;
            if (header is not null) w.WriteLine(header);
            while (heads.TryDequeue(out int i, out _))
            {
                w.WriteLine(current[i]);
                n++;
                Advance(i);
            }
            w.Flush();
            return n;
        }
        finally
        {
            foreach (var r in readers) r.Dispose();
        }
    }

    private static string JsonKey(string line)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(line));
        while (reader.Read())
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("file"))
            {
                reader.Read();
                return reader.GetString() ?? "";
            }
        throw new InvalidDataException($"a JSON line without \"file\": {line[..Math.Min(line.Length, 80)]}");
    }

    // The first RFC 4180 field of a row.
    private static string CsvKey(string line, char delimiter)
    {
        if (!line.StartsWith('"')) { int d = line.IndexOf(delimiter, StringComparison.Ordinal); return d < 0 ? line : line[..d]; }
        var sb = new StringBuilder();
        for (int i = 1; i < line.Length; i++)
        {
            if (line[i] != '"') { sb.Append(line[i]); continue; }
            if (i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; continue; }
            break;
        }
        return sb.ToString();
    }

    private static long MergeParquet(IReadOnlyList<string> inputs, string output)
    {
        long n = 0;
        using var stream = new FileStream(output, FileMode.Create, FileAccess.ReadWrite);
        Parquet.Schema.ParquetSchema? schema = null;
        ParquetWriter? writer = null;
        try
        {
            foreach (var input in inputs)
                foreach (var group in ParquetRecords.RowGroups(input))
                {
                    if (schema is null)
                    {
                        schema = group.Schema;
                        writer = ParquetWriter.CreateAsync(schema, stream).GetAwaiter().GetResult();
                    }
                    else if (!schema.Equals(group.Schema)) throw new InvalidDataException($"{input} has another schema than {inputs[0]}: the runs used different options");
                    ParquetRecords.Write(writer!, group).GetAwaiter().GetResult();
                    n += group.Rows;
                }
            if (writer is null)
            {
                // Only empty inputs: copy the first one's schema.
                using var first = File.OpenRead(inputs[0]);
                var reader = ParquetReader.CreateAsync(first).GetAwaiter().GetResult();
                var emptySchema = reader.Schema;
                reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
                writer = ParquetWriter.CreateAsync(emptySchema, stream).GetAwaiter().GetResult();
            }
        }
        finally
        {
            writer?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return n;
    }
}

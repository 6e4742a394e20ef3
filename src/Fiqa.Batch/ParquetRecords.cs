using Parquet;
using Parquet.Schema;

namespace Fiqa.Batch;

/// <summary>Reads and copies the Parquet files <c>fiqa assess</c> writes (string, int, int?, double?, bool? columns),
/// one row group at a time.</summary>
public static class ParquetRecords
{
    /// <summary>One row group: a typed array per column, in schema order.</summary>
    public sealed record RowGroup(ParquetSchema Schema, IReadOnlyList<Array> Columns, int Rows);

    /// <summary>The row groups of <paramref name="path"/>, in order.</summary>
    public static IEnumerable<RowGroup> RowGroups(string path)
    {
        using var stream = File.OpenRead(path);
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        try
        {
            var fields = reader.Schema.GetDataFields();
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                int rows = checked((int)group.RowCount);
                var columns = new Array[fields.Length];
                for (int c = 0; c < fields.Length; c++) columns[c] = ReadColumn(group, fields[c], rows).GetAwaiter().GetResult();
                yield return new RowGroup(reader.Schema, columns, rows);
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The rows of <paramref name="path"/> as column name → value.</summary>
    public static IEnumerable<IReadOnlyDictionary<string, object?>> Rows(string path)
    {
        foreach (var g in RowGroups(path))
        {
            var fields = g.Schema.GetDataFields();
            for (int r = 0; r < g.Rows; r++)
            {
                var row = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (int c = 0; c < fields.Length; c++) row[fields[c].Name] = g.Columns[c].GetValue(r);
                yield return row;
            }
        }
    }

    private static async Task<Array> ReadColumn(ParquetRowGroupReader group, DataField field, int rows)
    {
        var t = field.ClrType;
        if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>)) { var a = new string?[rows]; await group.ReadAsync(field, a.AsMemory()).ConfigureAwait(false); return a; }
        if (t == typeof(int) && field.IsNullable) { var a = new int?[rows]; await group.ReadAsync<int>(field, a.AsMemory()).ConfigureAwait(false); return a; }
        if (t == typeof(int)) { var a = new int[rows]; await group.ReadAsync<int>(field, a.AsMemory()).ConfigureAwait(false); return a; }
        if (t == typeof(double)) { var a = new double?[rows]; await group.ReadAsync<double>(field, a.AsMemory()).ConfigureAwait(false); return a; }
        if (t == typeof(bool)) { var a = new bool?[rows]; await group.ReadAsync<bool>(field, a.AsMemory()).ConfigureAwait(false); return a; }
        throw new InvalidDataException($"column {field.Name} has type {t.Name}, which fiqa does not write");
    }

    /// <summary>Appends a row group to an open writer.</summary>
    public static async Task Write(ParquetWriter writer, RowGroup group)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(group);
        using var g = writer.CreateRowGroup();
        var fields = group.Schema.GetDataFields();
        for (int c = 0; c < fields.Length; c++)
        {
            var task = group.Columns[c] switch
            {
                string?[] a => g.WriteAsync(fields[c], a!),
                int?[] a => g.WriteAsync<int>(fields[c], a.AsMemory()),
                int[] a => g.WriteAsync<int>(fields[c], a.AsMemory()),
                double?[] a => g.WriteAsync<double>(fields[c], a.AsMemory()),
                bool?[] a => g.WriteAsync<bool>(fields[c], a.AsMemory()),
                var a => throw new InvalidDataException($"column {fields[c].Name}: {a.GetType().Name} is not a type fiqa writes"),
            };
            await task.ConfigureAwait(false);
        }
    }
}

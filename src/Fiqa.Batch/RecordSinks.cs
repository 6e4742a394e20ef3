using System.Text;
using Fiqa.Quality;
using Fiqa.Quality.Records;
using Fiqa.Quality.Unified;

namespace Fiqa.Batch;

/// <summary>A durable point in an output file: its length, and the last bytes a later append may overwrite (a Parquet
/// footer; empty for line formats). Restoring writes <see cref="Tail"/> back at <c>Length − Tail.Length</c>.</summary>
public sealed record SinkCheckpoint(long Length, byte[] Tail)
{
    /// <summary>An empty file.</summary>
    public static SinkCheckpoint Empty { get; } = new(0, []);
}

/// <summary>Where assessment records go. Not thread-safe: the pipeline's writer owns it.</summary>
public interface IRecordSink : IDisposable
{
    /// <summary>Writes the records of one input (one per face, or one no_face / error record).</summary>
    /// <param name="assessment">The result.</param>
    /// <param name="sha256">The input's content hash (hex), or null when it could not be read.</param>
    void Write(FaceAssessment assessment, string? sha256);

    /// <summary>Makes everything written so far durable (flush and fsync) and returns the point to restore to.</summary>
    SinkCheckpoint Checkpoint();
}

/// <summary>How records are written.</summary>
public sealed record RecordSinkOptions
{
    /// <summary>jsonl, csv or parquet (see <see cref="RecordSinks.Formats"/>).</summary>
    public string Format { get; init; } = "jsonl";

    /// <summary>The measures in column order (CSV, Parquet).</summary>
    public IReadOnlyList<MeasureDescriptor> Measures { get; init; } = [];

    /// <summary>The unified methods in column order (CSV, Parquet).</summary>
    public IReadOnlyList<UnifiedMethodDescriptor> Unified { get; init; } = [];

    /// <summary>Include the 512-D embedding (JSONL only).</summary>
    public bool Embeddings { get; init; }

    /// <summary>CSV delimiter.</summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>Add the content hash and the fingerprint to each record (always on for Parquet).</summary>
    public bool Provenance { get; init; }

    /// <summary>The model/options fingerprint written with each record.</summary>
    public string Fingerprint { get; init; } = "";

    /// <summary>Where the annotated image of an input is (<c>fiqa assess --annotate</c>), or null for none: written
    /// as <c>annotation</c> (JSONL, Parquet) or the <c>Annotation</c> column (CSV).</summary>
    public Func<FaceAssessment, string?>? AnnotationPath { get; init; }
}

/// <summary>The record formats, by name.</summary>
public static class RecordSinks
{
    /// <summary>The format names.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["jsonl", "csv", "parquet"];

    /// <summary>The format a file name implies (.parquet, .csv, else JSONL), unless one is given.</summary>
    public static string FormatFor(string? path, string? given) => given ?? Path.GetExtension(path ?? "").ToLowerInvariant() switch
    {
        ".parquet" => "parquet",
        ".csv" => "csv",
        _ => "jsonl",
    };

    /// <summary>A sink writing to a text writer (stdout); line formats only, no checkpoints beyond a flush.</summary>
    public static IRecordSink ToWriter(TextWriter writer, RecordSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Format == "parquet") throw new ArgumentException("Parquet output needs a file (--out results.parquet)");
        return new LineSink(writer, null, LineFormat(options), writeHeader: true, ownsWriter: false);
    }

    /// <summary>A sink writing to <paramref name="path"/>: created empty, or — with <paramref name="resumeFrom"/> — cut
    /// back to that checkpoint (dropping records written after it, including a torn last one) and appended to. A FIFO
    /// or device (<see cref="OutputKind.Stream"/>) is written front to back: line formats only, no resume.</summary>
    public static IRecordSink ToFile(string path, RecordSinkOptions options, SinkCheckpoint? resumeFrom = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (OutputTarget.Classify(path) == OutputKind.Stream)
        {
            if (options.Format == "parquet") throw new ArgumentException($"Parquet output needs a regular file; {path} is a pipe or device");
            if (resumeFrom is not null) throw new ArgumentException($"a run that resumes appends to a regular file; {path} is a pipe or device");
            var device = OutputTarget.OpenStream(path);
            return new LineSink(new StreamWriter(device, new UTF8Encoding(false), 1 << 16), null, LineFormat(options), writeHeader: true, ownsWriter: true);
        }
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        try
        {
            Restore(stream, resumeFrom ?? SinkCheckpoint.Empty);
            return options.Format switch
            {
                "parquet" => new ParquetSink(stream, options),
                _ => new LineSink(new StreamWriter(stream, new UTF8Encoding(false), 1 << 16), stream, LineFormat(options), writeHeader: stream.Length == 0, ownsWriter: true),
            };
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static void Restore(FileStream stream, SinkCheckpoint point)
    {
        if (stream.Length < point.Length - point.Tail.Length)
            throw new InvalidDataException($"{stream.Name} is {stream.Length} bytes, shorter than its last checkpoint ({point.Length} bytes): it was replaced or cut since; start a new run");
        stream.SetLength(point.Length - point.Tail.Length);
        stream.Seek(0, SeekOrigin.End);
        stream.Write(point.Tail);
        stream.Flush(flushToDisk: true);
    }

    private static ILineFormat LineFormat(RecordSinkOptions o) => o.Format switch
    {
        "jsonl" => new JsonLines(o),
        "csv" => new CsvLines(o),
        var f => throw new ArgumentException($"unknown record format '{f}'; valid: {string.Join(", ", Formats)}"),
    };
}

internal interface ILineFormat
{
    string? Header { get; }
    IEnumerable<string> Lines(FaceAssessment a, string? sha256);
}

internal sealed class JsonLines(RecordSinkOptions o) : ILineFormat
{
    public string? Header => null;

    public IEnumerable<string> Lines(FaceAssessment a, string? sha256)
    {
        if (!o.Provenance && o.AnnotationPath is null) return FaceJson.Records(a, o.Embeddings);
        var annotation = o.AnnotationPath?.Invoke(a);
        return FaceJson.Records(a, o.Embeddings, w =>
        {
            if (o.Provenance)
            {
                if (sha256 is null) w.WriteNull("sha256"); else w.WriteString("sha256", sha256);
                w.WriteString("fingerprint", o.Fingerprint);
            }
            if (annotation is not null) w.WriteString("annotation", annotation);
        });
    }
}

internal sealed class CsvLines(RecordSinkOptions o) : ILineFormat
{
    private readonly OfiqCsv _csv = new(o.Measures, o.Unified, o.Delimiter);

    // Hex digests never need quoting, so those two columns are appended to OFIQ's layout as they are.
    public string? Header => _csv.Header
        + (o.Provenance ? $"{o.Delimiter}ContentSha256{o.Delimiter}Fingerprint" : "")
        + (o.AnnotationPath is null ? "" : $"{o.Delimiter}Annotation");

    public IEnumerable<string> Lines(FaceAssessment a, string? sha256)
    {
        var suffix = (o.Provenance ? $"{o.Delimiter}{sha256}{o.Delimiter}{o.Fingerprint}" : "")
            + (o.AnnotationPath is null ? "" : o.Delimiter + Csv.Quote(o.AnnotationPath(a) ?? "", o.Delimiter));
        return suffix.Length == 0 ? _csv.Rows(a) : _csv.Rows(a).Select(r => r + suffix);
    }
}

/// <summary>One text line per record, flushed after each input (so a reader sees whole inputs), fsynced at checkpoints.</summary>
internal sealed class LineSink : IRecordSink
{
    private readonly TextWriter _writer;
    private readonly FileStream? _file;
    private readonly ILineFormat _format;
    private readonly bool _ownsWriter;

    public LineSink(TextWriter writer, FileStream? file, ILineFormat format, bool writeHeader, bool ownsWriter)
    {
        _writer = writer;
        _file = file;
        _format = format;
        _ownsWriter = ownsWriter;
        if (writeHeader && format.Header is { } h) _writer.WriteLine(h);
    }

    public void Write(FaceAssessment assessment, string? sha256)
    {
        foreach (var line in _format.Lines(assessment, sha256)) _writer.WriteLine(line);
        _writer.Flush();
    }

    public SinkCheckpoint Checkpoint()
    {
        _writer.Flush();
        if (_file is null) return SinkCheckpoint.Empty;
        _file.Flush(flushToDisk: true);
        return new SinkCheckpoint(_file.Length, []);
    }

    public void Dispose()
    {
        if (_ownsWriter) _writer.Dispose();
        else _writer.Flush();
    }
}

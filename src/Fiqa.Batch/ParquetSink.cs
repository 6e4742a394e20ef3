using System.Buffers.Binary;
using Fiqa.Face;
using Fiqa.Quality;
using Parquet;
using Parquet.Schema;

namespace Fiqa.Batch;

/// <summary>Parquet records (schema in docs/batch.md): rows are buffered between checkpoints and each checkpoint
/// appends one row group and a new footer, so the file is a complete Parquet file after every checkpoint.</summary>
internal sealed class ParquetSink : IRecordSink
{
    /// <summary>Rows buffered before a row group is written even without a checkpoint (bounds memory).</summary>
    private const int MaxBufferedRows = 10_000;

    private readonly FileStream _stream;
    private readonly RecordSinkOptions _options;
    private readonly ParquetSchema _schema;
    private readonly List<Row> _rows = [];
    private SinkCheckpoint _last;
    private bool _written;

    private sealed record Row(string File, int? Face, string Status, string? Error, string? Sha256, int Rotation,
        double?[] Geometry, double?[] Natives, int?[] Scalars, bool? Pass, string? ReasonCodes, string? Annotation);

    // Geometry columns, in order.
    private static readonly string[] GeometryColumns = ["box_x", "box_y", "box_width", "box_height", "detection_score", "yaw", "pitch", "roll", "liveness"];

    public ParquetSink(FileStream stream, RecordSinkOptions options)
    {
        _stream = stream;
        _options = options;
        _schema = Schema(options);
        _written = stream.Length > 0;
        _last = new SinkCheckpoint(stream.Length, []);
    }

    /// <summary>The schema for the given measures and unified methods.</summary>
    public static ParquetSchema Schema(RecordSinkOptions o)
    {
        var fields = new List<Field>
        {
            new DataField<string>("file", false),
            new DataField<int?>("face"),
            new DataField<string>("status", false),
            new DataField<string>("error", true),
            new DataField<string>("sha256", true),
            new DataField<string>("fingerprint", false),
            new DataField<int>("rotation"),
        };
        fields.AddRange(GeometryColumns.Select(c => new DataField<double?>(c)));
        foreach (var name in NativeNames(o)) fields.Add(new DataField<double?>(name + ".native"));
        foreach (var name in NativeNames(o)) fields.Add(new DataField<int?>(name + ".scalar"));
        fields.Add(new DataField<bool?>("pass"));
        fields.Add(new DataField<string>("reason_codes", true));
        if (o.AnnotationPath is not null) fields.Add(new DataField<string>("annotation", true));
        return new ParquetSchema(fields);
    }

    private static IEnumerable<string> NativeNames(RecordSinkOptions o) => o.Measures.Select(m => m.Name).Concat(o.Unified.Select(u => u.Name));

    public void Write(FaceAssessment a, string? sha256)
    {
        int columns = _options.Measures.Count + _options.Unified.Count;
        var annotation = _options.AnnotationPath?.Invoke(a);
        if (a.Status != FileStatus.Ok)
        {
            var v = a.FileVerdict;
            _rows.Add(new Row(a.File, null, a.Status == FileStatus.NoFace ? "no_face" : "error", a.Analysis.Error, sha256, 0,
                new double?[GeometryColumns.Length], new double?[columns], new int?[columns], v?.Pass, v is null ? null : string.Join(' ', v.Codes), annotation));
        }
        foreach (var f in a.Faces)
        {
            var face = f.Face;
            var b = face.Detection.Box;
            double?[] geometry = [R(b.X, 2), R(b.Y, 2), R(b.Width, 2), R(b.Height, 2), R(face.Detection.Score, 4),
                face.Pose is { } p ? R(p.Yaw, 2) : null, face.Pose is { } p2 ? R(p2.Pitch, 2) : null, face.Pose is { } p3 ? R(p3.Roll, 2) : null,
                face.Liveness is { } l ? R(l, 4) : null];
            var natives = new double?[columns];
            var scalars = new int?[columns];
            int k = 0;
            foreach (var m in _options.Measures)
            {
                if (f.Quality.TryGetValue(m.Name, out var r)) { natives[k] = r.Raw; scalars[k] = r.Scalar; }
                k++;
            }
            foreach (var u in _options.Unified)
            {
                if (f.UnifiedMethods.TryGetValue(u.Name, out var s)) { natives[k] = s.Status == MeasureStatus.Success ? s.Raw : null; scalars[k] = s.Scalar; }
                k++;
            }
            _rows.Add(new Row(a.File, face.Index, "ok", null, sha256, a.Rotation, geometry, natives, scalars, f.Verdict?.Pass,
                f.Verdict is null ? null : string.Join(' ', f.Verdict.Codes), annotation));
        }
        if (_rows.Count >= MaxBufferedRows) Checkpoint();
    }

    private static double R(double v, int digits) => Math.Round(v, digits, MidpointRounding.AwayFromZero);

    public SinkCheckpoint Checkpoint()
    {
        if (_rows.Count == 0 && _written) return _last;
        WriteRowGroup().GetAwaiter().GetResult();
        _rows.Clear();
        _stream.Flush(flushToDisk: true);
        _written = true;
        _last = new SinkCheckpoint(_stream.Length, Footer());
        return _last;
    }

    // The footer (metadata, its 4-byte length, "PAR1") is what the next append overwrites.
    private byte[] Footer()
    {
        Span<byte> end = stackalloc byte[8];
        _stream.Seek(-8, SeekOrigin.End);
        _stream.ReadExactly(end);
        int metadata = BinaryPrimitives.ReadInt32LittleEndian(end);
        var tail = new byte[metadata + 8];
        _stream.Seek(-tail.Length, SeekOrigin.End);
        _stream.ReadExactly(tail);
        _stream.Seek(0, SeekOrigin.End);
        return tail;
    }

    private async Task WriteRowGroup()
    {
        _stream.Seek(0, SeekOrigin.Begin);
        await using var writer = await ParquetWriter.CreateAsync(_schema, _stream, append: _written).ConfigureAwait(false);
        if (_rows.Count == 0) return; // an empty file with the schema
        using var group = writer.CreateRowGroup();
        var fields = _schema.GetDataFields();
        int f = 0;
        await group.WriteAsync(fields[f++], _rows.Select(r => r.File).ToArray()).ConfigureAwait(false);
        await group.WriteAsync<int>(fields[f++], _rows.Select(r => r.Face).ToArray().AsMemory()).ConfigureAwait(false);
        await group.WriteAsync(fields[f++], _rows.Select(r => r.Status).ToArray()).ConfigureAwait(false);
        await group.WriteAsync(fields[f++], _rows.Select(r => r.Error!).ToArray()).ConfigureAwait(false);
        await group.WriteAsync(fields[f++], _rows.Select(r => r.Sha256!).ToArray()).ConfigureAwait(false);
        await group.WriteAsync(fields[f++], _rows.Select(_ => _options.Fingerprint).ToArray()).ConfigureAwait(false);
        await group.WriteAsync<int>(fields[f++], _rows.Select(r => r.Rotation).ToArray().AsMemory()).ConfigureAwait(false);
        for (int g = 0; g < GeometryColumns.Length; g++)
            await group.WriteAsync<double>(fields[f++], _rows.Select(r => r.Geometry[g]).ToArray().AsMemory()).ConfigureAwait(false);
        int columns = _options.Measures.Count + _options.Unified.Count;
        for (int c = 0; c < columns; c++)
            await group.WriteAsync<double>(fields[f++], _rows.Select(r => r.Natives[c]).ToArray().AsMemory()).ConfigureAwait(false);
        for (int c = 0; c < columns; c++)
            await group.WriteAsync<int>(fields[f++], _rows.Select(r => r.Scalars[c]).ToArray().AsMemory()).ConfigureAwait(false);
        await group.WriteAsync<bool>(fields[f++], _rows.Select(r => r.Pass).ToArray().AsMemory()).ConfigureAwait(false);
        await group.WriteAsync(fields[f++], _rows.Select(r => r.ReasonCodes!).ToArray()).ConfigureAwait(false);
        if (_options.AnnotationPath is not null) await group.WriteAsync(fields[f++], _rows.Select(r => r.Annotation!).ToArray()).ConfigureAwait(false);
    }

    public void Dispose()
    {
        try
        {
            if (_rows.Count > 0 || !_written) Checkpoint();
        }
        finally
        {
            _stream.Dispose();
        }
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Fiqa.Quality.Reports;

namespace Fiqa.Batch;

/// <summary>Reads back the records <c>fiqa assess</c> writes, in any of its formats (<see cref="RecordSinks.Formats"/>),
/// for <c>fiqa report</c>. The format is told by content, not by name: Parquet by its "PAR1" magic, JSON Lines by a
/// first line that is an object, CSV by the <c>Filename</c> header of OFIQ's layout (',' or ';'). Records of other
/// commands (<c>video</c>, <c>jnd</c>, <c>jnd-eval</c>, <c>iqa</c>) are refused with an <see cref="InvalidDataException"/> naming the
/// file, the line and what was expected.</summary>
public static class AssessRecordFile
{
    /// <summary>What a 'fiqa assess' record must look like, for messages.</summary>
    public const string Expected = "'fiqa assess' records (JSON Lines, CSV or Parquet: one record per face or file, with file and status ok, no_face or error)";

    // Fields other commands write and assess never does: a record with one is refused, naming its command.
    private static readonly (string Field, string Command)[] ForeignFields =
    [
        ("track", "fiqa video"), ("frame", "fiqa video"), ("frames_read", "fiqa video"),
        ("codec", "fiqa jnd"), ("metric", "fiqa iqa or fiqa jnd-eval"),
    ];

    private static readonly string[] Statuses = ["ok", "no_face", "error"];

    /// <summary>The format of <paramref name="path"/> by content: jsonl, csv or parquet; otherwise an
    /// <see cref="InvalidDataException"/>.</summary>
    public static string DetectFormat(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        if (stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("PAR1"u8)) return "parquet";
        stream.Position = 0;
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        string? line;
        do line = reader.ReadLine(); while (line is not null && line.Trim().Length == 0);
        if (line is null) throw new InvalidDataException($"{path}: empty file; expected {Expected}");
        if (line.TrimStart().StartsWith('{')) return "jsonl";
        if (line.StartsWith("Filename,", StringComparison.Ordinal) || line.StartsWith("Filename;", StringComparison.Ordinal)
            || line.StartsWith("\"Filename\"", StringComparison.Ordinal)) return "csv";
        if (Path.GetExtension(path).Equals(".parquet", StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{path}: not a Parquet file (no PAR1 magic); expected {Expected}");
        throw new InvalidDataException($"{path}:1: neither a JSON record nor the CSV header 'fiqa assess --format csv' writes (Filename,…); expected {Expected}");
    }

    /// <summary>Every record of <paramref name="path"/>, in file order.</summary>
    public static IReadOnlyList<AssessRecord> Read(string path) => DetectFormat(path) switch
    {
        "parquet" => ReadParquet(path),
        "csv" => ReadCsv(path),
        _ => ReadJsonLines(path),
    };

    private static List<AssessRecord> ReadJsonLines(string path)
    {
        var records = new List<AssessRecord>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement r;
            try
            {
                using var doc = JsonDocument.Parse(line);
                r = doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{lineNo}: not a JSON record ({e.Message}); expected {Expected}", e);
            }
            InvalidDataException Refuse(string why) => new($"{path}:{lineNo}: {why}; expected {Expected}");
            if (r.ValueKind != JsonValueKind.Object) throw Refuse("not a JSON object");
            try
            {
                records.Add(JsonRecord(r, Refuse));
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                // A field of another type than assess writes (a string for a number, …).
                throw Refuse($"a field has the wrong type ({e.Message})");
            }
        }
        return records;
    }

    private static AssessRecord JsonRecord(JsonElement r, Func<string, InvalidDataException> refuse)
    {
        foreach (var (field, command) in ForeignFields)
            if (r.TryGetProperty(field, out _)) throw refuse($"a '{command}' record (it has \"{field}\"), not a 'fiqa assess' record");
        var file = r.TryGetProperty("file", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : throw refuse("no \"file\"");
        var status = r.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : throw refuse("no \"status\"");
        if (!Statuses.Contains(status)) throw refuse($"status \"{status}\" is not one of {string.Join(", ", Statuses)}");
        int? face = null;
        double[]? box = null;
        if (status == "ok")
        {
            face = r.TryGetProperty("face", out var fi) && fi.ValueKind == JsonValueKind.Number ? fi.GetInt32() : throw refuse("an ok record without \"face\"");
            box = r.TryGetProperty("box", out var b) && b.ValueKind == JsonValueKind.Array && b.GetArrayLength() == 4
                ? b.EnumerateArray().Select(e => e.GetDouble()).ToArray()
                : throw refuse("an ok record without a 4-number \"box\"");
        }
        bool? pass = null;
        var reasons = new List<AssessReason>();
        if (r.TryGetProperty("verdict", out var v))
        {
            pass = v.TryGetProperty("pass", out var p) && p.ValueKind is JsonValueKind.True or JsonValueKind.False ? p.GetBoolean() : throw refuse("a verdict without \"pass\"");
            if (v.TryGetProperty("reasons", out var rs) && rs.ValueKind == JsonValueKind.Array)
                foreach (var reason in rs.EnumerateArray())
                    reasons.Add(new AssessReason(
                        reason.TryGetProperty("code", out var c) ? c.GetString() ?? "" : throw refuse("a verdict reason without \"code\""),
                        reason.TryGetProperty("text", out var t) ? t.GetString() : null));
        }
        return new AssessRecord(file, face, status, r.TryGetProperty("error", out var err) ? err.GetString() : null, box,
            r.TryGetProperty("rotation", out var rot) ? rot.GetInt32() : 0, pass, reasons);
    }

    private static List<AssessRecord> ReadCsv(string path)
    {
        char delimiter;
        using (var first = new StreamReader(path))
        {
            var header = first.ReadLine() ?? "";
            delimiter = header.StartsWith("Filename;", StringComparison.Ordinal) || header.StartsWith("\"Filename\";", StringComparison.Ordinal) ? ';' : ',';
        }
        CsvFile csv;
        try
        {
            csv = CsvFile.Read(path, delimiter);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{e.Message}; expected {Expected}", e);
        }
        int Column(string name)
        {
            int i = csv.Header.ToList().IndexOf(name);
            return i >= 0 ? i : throw new InvalidDataException($"{path}:1: the CSV has no column '{name}', which 'fiqa assess --format csv' writes; expected {Expected}");
        }
        int file = Column("Filename"), face = Column("Face"), status = Column("Status"), pass = Column("Pass"), codes = Column("ReasonCodes"), texts = Column("Reasons");
        var records = new List<AssessRecord>(csv.Rows.Count);
        foreach (var row in csv.Rows)
        {
            if (row.Fields.Count != csv.Header.Count)
                throw new InvalidDataException($"{path}:{row.Line}: {row.Fields.Count} fields, the header has {csv.Header.Count}; expected {Expected}");
            string Field(int c) => row.Fields[c];
            var st = Field(status);
            if (!Statuses.Contains(st)) throw new InvalidDataException($"{path}:{row.Line}: Status '{st}' is not one of {string.Join(", ", Statuses)}; expected {Expected}");
            bool? verdict = Field(pass) switch { "1" => true, "0" => false, "" => null, var x => throw new InvalidDataException($"{path}:{row.Line}: Pass '{x}' is not 1, 0 or empty") };
            var codeList = Field(codes).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // Without a verdict the Reasons column carries the file's error; with one, the texts in code order.
            var textList = Field(texts).Split(" | ");
            var reasons = codeList.Select((c, i) => new AssessReason(c, textList.Length == codeList.Length ? textList[i] : null)).ToList();
            int? faceIndex = int.TryParse(Field(face), NumberStyles.None, CultureInfo.InvariantCulture, out int fi) ? fi : null;
            records.Add(new AssessRecord(Field(file), faceIndex, st, st == "error" && verdict is null && Field(texts).Length > 0 ? Field(texts) : null,
                null, 0, verdict, reasons));
        }
        return records;
    }

    private static List<AssessRecord> ReadParquet(string path)
    {
        var records = new List<AssessRecord>();
        string[] required = ["file", "face", "status", "error", "rotation", "box_x", "box_y", "box_width", "box_height", "pass", "reason_codes"];
        IEnumerable<IReadOnlyDictionary<string, object?>> rows;
        try
        {
            rows = ParquetRecords.Rows(path).ToList();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or Parquet.ParquetException)
        {
            throw new InvalidDataException($"{path}: not a Parquet file fiqa can read ({e.Message}); expected {Expected}", e);
        }
        long n = 0;
        foreach (var row in rows)
        {
            n++;
            if (n == 1 && required.FirstOrDefault(c => !row.ContainsKey(c)) is { } missing)
                throw new InvalidDataException($"{path}: the Parquet schema has no column '{missing}', which 'fiqa assess' writes; expected {Expected}");
            var status = row["status"] as string ?? "";
            if (!Statuses.Contains(status)) throw new InvalidDataException($"{path}: row {n}: status '{status}' is not one of {string.Join(", ", Statuses)}; expected {Expected}");
            double[]? box = row["box_x"] is double x && row["box_y"] is double y && row["box_width"] is double w && row["box_height"] is double h ? [x, y, w, h] : null;
            var codes = (row["reason_codes"] as string ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            records.Add(new AssessRecord(row["file"] as string ?? "", row["face"] as int?, status, row["error"] as string, box,
                row["rotation"] as int? ?? 0, row["pass"] as bool?, codes.Select(c => new AssessReason(c, null)).ToList()));
        }
        return records;
    }
}

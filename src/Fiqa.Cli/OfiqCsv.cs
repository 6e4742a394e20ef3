using System.Globalization;
using System.Text;
using Fiqa.Face;
using Fiqa.Quality;

namespace Fiqa.Cli;

/// <summary>CSV in OFIQ's layout: <c>Filename</c>, one column per measure with the native value, one <c>.scalar</c>
/// column per measure (−1 on failure, as OFIQ), then Fiqa's own columns <c>Face</c>, <c>Status</c>, <c>Pass</c>,
/// <c>Reasons</c>. Natives use '.' decimals; fields with the delimiter or quotes are quoted.</summary>
internal sealed class OfiqCsv(IReadOnlyList<MeasureDescriptor> measures, char delimiter)
{
    private static readonly string[] TrailingColumns = ["Face", "Status", "Pass", "Reasons"];

    public string Header => Join(
        measures.Select(m => m.Id + ".native").Prepend("Filename")
            .Concat(measures.Select(m => m.Id + ".scalar"))
            .Concat(TrailingColumns));

    public IEnumerable<string> Rows(FaceAssessment a)
    {
        if (a.Status != FileStatus.Ok)
        {
            var empty = measures.Select(_ => "").Concat(measures.Select(_ => "-1"));
            yield return Join(new[] { a.File }.Concat(empty).Concat(["", a.Status == FileStatus.NoFace ? "no_face" : "error", "", a.Analysis.Error ?? ""]));
            yield break;
        }
        foreach (var f in a.Faces)
        {
            var natives = measures.Select(m => f.Quality.TryGetValue(m.Id, out var r) && r.Raw is double v ? v.ToString("G9", CultureInfo.InvariantCulture) : "");
            var scalars = measures.Select(m => f.Quality.TryGetValue(m.Id, out var r) ? r.Scalar.ToString(CultureInfo.InvariantCulture) : "-1");
            var pass = f.Verdict is null ? "" : f.Verdict.Pass ? "1" : "0";
            yield return Join(new[] { a.File }.Concat(natives).Concat(scalars)
                .Concat([f.Face.Index.ToString(CultureInfo.InvariantCulture), "ok", pass, string.Join(" | ", f.Verdict?.Reasons ?? [])]));
        }
    }

    private string Join(IEnumerable<string> fields) => string.Join(delimiter, fields.Select(Quote));

    private string Quote(string field)
    {
        if (field.IndexOfAny([delimiter, '"', '\n', '\r']) < 0) return field;
        return "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}

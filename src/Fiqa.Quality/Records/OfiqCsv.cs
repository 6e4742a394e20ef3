using System.Globalization;
using Fiqa.Face;

using Fiqa.Quality.Unified;

namespace Fiqa.Quality.Records;

/// <summary>CSV in OFIQ's layout: <c>Filename</c>, one column per measure with the native value, one <c>.scalar</c>
/// column per measure (−1 on failure, as OFIQ), then Fiqa's own columns: <c>&lt;method&gt;.native</c> and
/// <c>&lt;method&gt;.scalar</c> per unified method, <c>Face</c>, <c>Status</c>, <c>Pass</c>, <c>ReasonCodes</c> (space-separated), <c>Reasons</c> (" | "-separated). Natives use
/// '.' decimals; RFC 4180 quoting.</summary>
public sealed class OfiqCsv(IReadOnlyList<MeasureDescriptor> measures, IReadOnlyList<UnifiedMethodDescriptor> unified, char delimiter)
{
    private static readonly string[] TrailingColumns = ["Face", "Status", "Pass", "ReasonCodes", "Reasons"];
    private static readonly string[] Unassessed = ["", "-1"];

    public string Header => Csv.Line(
        measures.Select(m => m.Name + ".native").Prepend("Filename")
            .Concat(measures.Select(m => m.Name + ".scalar"))
            .Concat(unified.SelectMany(u => new[] { u.Name + ".native", u.Name + ".scalar" }))
            .Concat(TrailingColumns), delimiter);

    public IEnumerable<string> Rows(FaceAssessment a)
    {
        if (a.Status != FileStatus.Ok)
        {
            var empty = measures.Select(_ => "").Concat(measures.Select(_ => "-1")).Concat(unified.SelectMany(_ => Unassessed));
            yield return Csv.Line(new[] { a.File }.Concat(empty).Concat(["", a.Status == FileStatus.NoFace ? "no_face" : "error"]).Concat(VerdictColumns(a.FileVerdict, a.Analysis.Error)), delimiter);
            yield break;
        }
        foreach (var f in a.Faces)
        {
            var natives = measures.Select(m => f.Quality.TryGetValue(m.Name, out var r) && r.Raw is double v ? Number(v) : "");
            var scalars = measures.Select(m => f.Quality.TryGetValue(m.Name, out var r) ? r.Scalar.ToString(CultureInfo.InvariantCulture) : "-1");
            var methods = unified.SelectMany(u => f.UnifiedMethods.TryGetValue(u.Name, out var s)
                ? new[] { s.Raw is double v ? Number(v) : "", s.Scalar.ToString(CultureInfo.InvariantCulture) }
                : Unassessed);
            yield return Csv.Line(new[] { a.File }.Concat(natives).Concat(scalars).Concat(methods)
                .Concat([f.Face.Index.ToString(CultureInfo.InvariantCulture), "ok"]).Concat(VerdictColumns(f.Verdict, null)), delimiter);
        }
    }

    /// <summary>Pass, ReasonCodes, Reasons; without a verdict the reasons column carries the file's error, if any.</summary>
    private static string[] VerdictColumns(Verdict? v, string? error) => v is null
        ? ["", "", error ?? ""]
        : [v.Pass ? "1" : "0", string.Join(' ', v.Codes), string.Join(" | ", v.Reasons.Select(r => r.Text))];

    private static string Number(double v) => v.ToString("G9", CultureInfo.InvariantCulture);
}

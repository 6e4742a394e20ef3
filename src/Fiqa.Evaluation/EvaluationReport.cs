using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Fiqa.Evaluation;

/// <summary>Writes an evaluation as <c>results.json</c> (machine-readable, every curve), <c>report.md</c> and
/// <c>report.html</c> (a pAUC table sorted best first, ready for a paper) and the EDC figure <c>edc.png</c>/<c>edc.svg</c>.</summary>
public static class EvaluationReport
{
    /// <summary>Writes every file into <paramref name="directory"/> (created if needed); returns their paths in the
    /// order results.json, report.md, report.html, edc.png, edc.svg.</summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="directory">Output folder.</param>
    /// <param name="fontPath">Label font for the plots (<see cref="FiqaPaths.Font"/>).</param>
    public static IReadOnlyList<string> Write(EvaluationResult result, string directory, string fontPath)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, "results.json");
        File.WriteAllText(json, Json(result));
        var md = Path.Combine(directory, "report.md");
        File.WriteAllText(md, Markdown(result));
        var png = Path.Combine(directory, "edc.png");
        var svg = Path.Combine(directory, "edc.svg");
        EdcPlot.Save(result, png, svg, EdcPlot.RequireFont(fontPath));
        var html = Path.Combine(directory, "report.html");
        File.WriteAllText(html, Html(result, File.ReadAllText(svg)));
        return [json, md, html, png, svg];
    }

    /// <summary>A self-contained HTML page: setting, the EDC figure (inline SVG) and the pAUC table.</summary>
    public static string Html(EvaluationResult result, string svg)
    {
        ArgumentNullException.ThrowIfNull(result);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Fiqa EDC evaluation</title>");
        sb.AppendLine("<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}table{border-collapse:collapse}" +
            "th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}th:nth-child(2),td:nth-child(2){text-align:left}" +
            "tr.oracle{color:#666;font-style:italic}</style></head><body>");
        sb.AppendLine(inv, $"<h1>{result.ErrorName}-EDC evaluation</h1>");
        sb.AppendLine(inv, $"<p>Threshold {result.Threshold:F4} ({System.Net.WebUtility.HtmlEncode(result.ThresholdRule)}); {result.MatedCount} mated, {result.NonMatedCount} non-mated comparisons; " +
            $"{result.ErrorName} at 0 % discard {result.Methods[0].Curve.StartingError:P2}. Lower pAUC is better.</p>");
        foreach (var w in result.Warnings) sb.AppendLine(inv, $"<p class=\"warning\"><strong>Warning:</strong> {System.Net.WebUtility.HtmlEncode(w)}.</p>");
        if (result.WithoutFace.Count > 0)
            sb.AppendLine(inv, $"<p id=\"without-face\">Left out, no usable face ({result.WithoutFace.Count}): {System.Net.WebUtility.HtmlEncode(string.Join(", ", result.WithoutFace))}.</p>");
        sb.AppendLine(svg[svg.IndexOf("<svg", StringComparison.Ordinal)..]);
        sb.AppendLine("<table id=\"pauc\"><thead><tr><th>rank</th><th>method</th>");
        foreach (var d in result.DiscardLimits)
            sb.Append(inv, $"<th>pAUC@{Key(d)}</th><th>normalised@{Key(d)}</th><th>minus best@{Key(d)}</th>");
        sb.AppendLine("<th>ERC AUC (CR-FIQA)</th><th>unassessed pairs</th></tr></thead><tbody>");
        int rank = 1;
        foreach (var m in Ranked(result))
        {
            sb.Append(inv, $"<tr{(m.Method == QualityEvaluation.OracleName ? " class=\"oracle\"" : "")}><td>{rank++}</td><td>{System.Net.WebUtility.HtmlEncode(m.Method)}</td>");
            for (int i = 0; i < result.DiscardLimits.Count; i++)
                sb.Append(inv, $"<td>{Figure(m.PartialAreas[i], "F5")}</td><td>{Figure(m.NormalizedPartialAreas[i], "F4")}</td><td>{Figure(m.PartialAreasMinusBest[i], "F5")}</td>");
            sb.AppendLine(inv, $"<td>{Erc(m)}</td><td>{m.UnassessedPairs}</td></tr>");
        }
        sb.AppendLine("</tbody></table></body></html>");
        return sb.ToString();
    }

    private static string Erc(MethodResult m) => m.Erc is { IsInformative: true } e ? e.Area.ToString("F5", CultureInfo.InvariantCulture) : "n/a";

    // Undefined figures (a normalised pAUC at zero starting error) read "n/a", never "NaN".
    private static string Figure(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    /// <summary>Methods best first: by pAUC at the first discard limit (undefined last), then by name.</summary>
    public static IEnumerable<MethodResult> Ranked(EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Methods
            .OrderBy(m => m.PartialAreas.Count > 0 && double.IsFinite(m.PartialAreas[0]) ? m.PartialAreas[0] : double.PositiveInfinity)
            .ThenBy(m => m.Method, StringComparer.Ordinal);
    }

    private static string Key(double d) => d.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>results.json: the images left out without a usable face (<c>without_face</c>); per method threshold,
    /// fnmr0, pauc, pauc_normalized, pauc_minus_best (keyed by discard limit) and the curve as [discard, error] pairs.</summary>
    public static string Json(EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("error_type", result.ErrorName);
            w.WriteNumber("threshold", result.Threshold);
            w.WriteString("threshold_rule", result.ThresholdRule);
            w.WriteNumber("mated_comparisons", result.MatedCount);
            w.WriteNumber("non_mated_comparisons", result.NonMatedCount);
            w.WriteStartArray("warnings");
            foreach (var warning in result.Warnings) w.WriteStringValue(warning);
            w.WriteEndArray();
            w.WriteStartArray("without_face");
            foreach (var file in result.WithoutFace) w.WriteStringValue(file);
            w.WriteEndArray();
            w.WriteStartObject("methods");
            foreach (var m in result.Methods)
            {
                w.WriteStartObject(m.Method);
                w.WriteNumber("threshold", m.Curve.Threshold);
                w.WriteNumber(result.ErrorType == EdcErrorType.Fnmr ? "fnmr0" : "fmr0", m.Curve.StartingError);
                WriteByLimit(w, "pauc", result.DiscardLimits, m.PartialAreas);
                WriteByLimit(w, "pauc_normalized", result.DiscardLimits, m.NormalizedPartialAreas);
                WriteByLimit(w, "pauc_minus_best", result.DiscardLimits, m.PartialAreasMinusBest);
                w.WriteNumber("unassessed_pairs", m.UnassessedPairs);
                if (m.Erc is { } erc)
                {
                    w.WriteStartObject("erc");
                    w.WriteNumber("fmr", erc.TargetFmr);
                    w.WriteNumber("auc_trapezoid", erc.Area);
                    w.WriteStartArray("curve");
                    for (int i = 0; i < erc.RejectFractions.Count; i++)
                    {
                        w.WriteStartArray();
                        w.WriteNumberValue(erc.RejectFractions[i]);
                        w.WriteNumberValue(erc.Fnmr[i]);
                        w.WriteEndArray();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteStartArray("curve");
                for (int i = 0; i < m.Curve.DiscardFractions.Count; i++)
                {
                    w.WriteStartArray();
                    w.WriteNumberValue(m.Curve.DiscardFractions[i]);
                    w.WriteNumberValue(m.Curve.ErrorFractions[i]);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteByLimit(Utf8JsonWriter w, string name, IReadOnlyList<double> limits, IReadOnlyList<double> values)
    {
        w.WriteStartObject(name);
        for (int i = 0; i < limits.Count; i++)
        {
            if (double.IsNaN(values[i])) w.WriteNull(Key(limits[i]));
            else w.WriteNumber(Key(limits[i]), values[i]);
        }
        w.WriteEndObject();
    }

    /// <summary>report.md: the setting and a table sorted by pAUC at the first discard limit (lower is better).</summary>
    public static string Markdown(EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"# {result.ErrorName}-EDC evaluation");
        sb.AppendLine();
        sb.AppendLine(string.Create(inv, $"Threshold {result.Threshold:F4} ({result.ThresholdRule}); {result.MatedCount} mated, {result.NonMatedCount} non-mated comparisons; {result.ErrorName} at 0 % discard {result.Methods[0].Curve.StartingError:P2}."));
        foreach (var w in result.Warnings) sb.AppendLine(inv, $"**Warning:** {w}.").AppendLine();
        if (result.WithoutFace.Count > 0)
            sb.AppendLine(inv, $"Left out, no usable face ({result.WithoutFace.Count}): {string.Join(", ", result.WithoutFace.Select(f => $"`{f}`"))}.").AppendLine();
        sb.AppendLine("Pair quality = min of the two samples' qualities; samples a method could not assess are discarded first.");
        sb.AppendLine("pAUC: stepwise area under the EDC up to the discard limit (lower is better); normalised: ÷ (error₀ · limit), 1 = no better than not discarding;");
        sb.AppendLine("minus best: pAUC − area under the theoretical best curve max(0, error₀ − x). The oracle discards by the comparison score itself.");
        sb.AppendLine("ERC AUC: CR-FIQA's variant — threshold recomputed at each 5 % reject step on the remaining non-mated comparisons, trapezoid area over 0–95 %.");
        sb.AppendLine();
        var limits = result.DiscardLimits;
        sb.Append("| rank | method |");
        foreach (var d in limits) sb.Append(inv, $" pAUC@{Key(d)} | normalised@{Key(d)} | minus best@{Key(d)} |");
        sb.AppendLine(" ERC AUC (CR-FIQA) | unassessed pairs |");
        sb.Append("|---:|---|");
        foreach (var _ in limits) sb.Append("---:|---:|---:|");
        sb.AppendLine("---:|---:|");
        int rank = 1;
        foreach (var m in Ranked(result))
        {
            sb.Append(inv, $"| {rank++} | {m.Method} |");
            for (int i = 0; i < limits.Count; i++)
                sb.Append(inv, $" {Figure(m.PartialAreas[i], "F5")} | {Figure(m.NormalizedPartialAreas[i], "F4")} | {Figure(m.PartialAreasMinusBest[i], "F5")} |");
            sb.AppendLine(inv, $" {Erc(m)} | {m.UnassessedPairs} |");
        }
        return sb.ToString();
    }
}

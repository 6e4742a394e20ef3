using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Fiqa.Evaluation;

/// <summary>Writes an evaluation as <c>results.json</c> (machine-readable, every curve) and <c>report.md</c> (a pAUC
/// table sorted best first, ready for a paper).</summary>
public static class EvaluationReport
{
    /// <summary>Writes both files into <paramref name="directory"/> (created if needed); returns their paths.</summary>
    public static IReadOnlyList<string> Write(EvaluationResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, "results.json");
        File.WriteAllText(json, Json(result));
        var md = Path.Combine(directory, "report.md");
        File.WriteAllText(md, Markdown(result));
        return [json, md];
    }

    private static string Key(double d) => d.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>results.json: per method threshold, fnmr0, pauc, pauc_normalized, pauc_minus_best (keyed by discard
    /// limit) and the curve as [discard, error] pairs.</summary>
    public static string Json(EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("error_type", "FNMR");
            w.WriteNumber("threshold", result.Threshold);
            w.WriteString("threshold_rule", result.ThresholdRule);
            w.WriteNumber("mated_comparisons", result.MatedCount);
            w.WriteNumber("non_mated_comparisons", result.NonMatedCount);
            w.WriteStartObject("methods");
            foreach (var m in result.Methods)
            {
                w.WriteStartObject(m.Method);
                w.WriteNumber("threshold", m.Curve.Threshold);
                w.WriteNumber("fnmr0", m.Curve.StartingError);
                WriteByLimit(w, "pauc", result.DiscardLimits, m.PartialAreas);
                WriteByLimit(w, "pauc_normalized", result.DiscardLimits, m.NormalizedPartialAreas);
                WriteByLimit(w, "pauc_minus_best", result.DiscardLimits, m.PartialAreasMinusBest);
                w.WriteNumber("unassessed_pairs", m.UnassessedPairs);
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
        sb.AppendLine("# FNMR-EDC evaluation");
        sb.AppendLine();
        sb.AppendLine(string.Create(inv, $"Threshold {result.Threshold:F4} ({result.ThresholdRule}); {result.MatedCount} mated comparisons; FNMR at 0 % discard {result.Methods[0].Curve.StartingError:P2}."));
        sb.AppendLine("Pair quality = min of the two samples' qualities; samples a method could not assess are discarded first.");
        sb.AppendLine("pAUC: stepwise area under the EDC up to the discard limit (lower is better); normalised: ÷ (FNMR₀ · limit), 1 = no better than not discarding;");
        sb.AppendLine("minus best: pAUC − area under the theoretical best curve max(0, FNMR₀ − x). The oracle discards by the comparison score itself.");
        sb.AppendLine();
        var limits = result.DiscardLimits;
        sb.Append("| rank | method |");
        foreach (var d in limits) sb.Append(inv, $" pAUC@{Key(d)} | normalised@{Key(d)} | minus best@{Key(d)} |");
        sb.AppendLine(" unassessed pairs |");
        sb.Append("|---:|---|");
        foreach (var _ in limits) sb.Append("---:|---:|---:|");
        sb.AppendLine("---:|");
        int rank = 1;
        foreach (var m in result.Methods.OrderBy(m => m.PartialAreas.Count > 0 ? m.PartialAreas[0] : 0).ThenBy(m => m.Method, StringComparer.Ordinal))
        {
            sb.Append(inv, $"| {rank++} | {m.Method} |");
            for (int i = 0; i < limits.Count; i++)
                sb.Append(inv, $" {m.PartialAreas[i]:F5} | {m.NormalizedPartialAreas[i]:F4} | {m.PartialAreasMinusBest[i]:F5} |");
            sb.AppendLine(inv, $" {m.UnassessedPairs} |");
        }
        return sb.ToString();
    }
}

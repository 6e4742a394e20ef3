using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Fiqa.Evaluation;

/// <summary>Writes a <see cref="ThresholdCalibration"/> as <c>threshold.json</c> (every figure, machine-readable),
/// <c>threshold.md</c> (the table and the chosen threshold in words, warnings first) and the EDC figure
/// <c>edc.svg</c>/<c>edc.png</c> with the chosen point and its interval marked.</summary>
public static class ThresholdReport
{
    /// <summary>Writes every file into <paramref name="directory"/>; returns their paths (json, md, png, svg).</summary>
    /// <param name="calibration">The calibration.</param>
    /// <param name="edc">The method's EDC at the same comparison threshold (<see cref="QualityEvaluation.Evaluate"/>).</param>
    /// <param name="directory">Output folder (created if needed).</param>
    /// <param name="fontPath">Label font for the figure.</param>
    /// <param name="population">What the comparisons came from, in words (folder, counts), recorded with the figures.</param>
    /// <param name="date">Date of the run (ISO 8601), recorded with the figures.</param>
    public static IReadOnlyList<string> Write(ThresholdCalibration calibration, EvaluationResult edc, string directory, string fontPath, string population, string date)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(edc);
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, "threshold.json");
        File.WriteAllText(json, Json(calibration, population, date));
        var md = Path.Combine(directory, "threshold.md");
        File.WriteAllText(md, Markdown(calibration, population));
        var png = Path.Combine(directory, "edc.png");
        var svg = Path.Combine(directory, "edc.svg");
        var c = calibration.Chosen;
        var marker = new EdcMarker(c.MatedDiscarded, c.Fnmr, c.FnmrInterval?.Low, c.FnmrInterval?.High,
            string.Create(CultureInfo.InvariantCulture, $"chosen: {calibration.Method} ≥ {Number(c.QualityThreshold)} ({c.SamplesRejected:P1} of samples rejected)"));
        EdcPlot.Save(edc, png, svg, EdcPlot.RequireFont(fontPath), marker: marker);
        return [json, md, png, svg];
    }

    /// <summary>threshold.json: the setting, the chosen point, the table, the warnings. Undefined figures are null.</summary>
    public static string Json(ThresholdCalibration calibration, string population, string date)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var o = calibration.Options;
            w.WriteStartObject();
            w.WriteString("method", calibration.Method);
            w.WriteString("population", population);
            w.WriteString("date", date);
            w.WriteNumber("samples", calibration.Samples);
            w.WriteNumber("identities", calibration.Identities);
            w.WriteNumber("mated", calibration.MatedCount);
            w.WriteNumber("non_mated", calibration.NonMatedCount);
            w.WriteNumber("comparison_threshold", Math.Round(calibration.ComparisonThreshold, 6));
            w.WriteString("threshold_rule", calibration.ThresholdRule);
            w.WriteNumber("fnmr0", Math.Round(calibration.Start.Fnmr, 6));
            w.WriteNumber("false_non_matches0", calibration.Start.FalseNonMatches);
            w.WriteNumber("bootstrap", o.Bootstrap);
            w.WriteNumber("bootstrap_valid", calibration.ValidReplicates);
            w.WriteNumber("seed", o.Seed);
            w.WriteNumber("confidence", o.Confidence);
            w.WritePropertyName("chosen");
            Point(w, calibration.Chosen);
            w.WriteString("chosen_rule", calibration.ChosenRule);
            w.WriteBoolean("target_met", calibration.TargetMet);
            if (o.TargetFnmr is double t) w.WriteNumber("target_fnmr", t);
            if (o.MaxReject is double m) w.WriteNumber("max_reject", m);
            w.WriteStartArray("warnings");
            foreach (var warning in calibration.Warnings) w.WriteStringValue(warning);
            w.WriteEndArray();
            w.WriteStartArray("table");
            foreach (var p in calibration.Table) Point(w, p);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Point(Utf8JsonWriter w, CalibrationPoint p)
    {
        w.WriteStartObject();
        w.WriteNumber("reject_rate", Math.Round(p.RejectRate, 6));
        // Unrounded: a profile made from this file must reject exactly what the table says.
        if (double.IsFinite(p.QualityThreshold)) w.WriteNumber("quality_threshold", p.QualityThreshold);
        else w.WriteNull("quality_threshold");
        w.WriteNumber("samples_rejected", Math.Round(p.SamplesRejected, 6));
        w.WriteNumber("mated_kept", p.MatedKept);
        w.WriteNumber("mated_discarded", Math.Round(p.MatedDiscarded, 6));
        w.WriteNumber("false_non_matches", p.FalseNonMatches);
        Nullable(w, "fnmr", p.Fnmr);
        Nullable(w, "fmr", p.Fmr);
        if (p.FnmrInterval is { } i)
        {
            w.WriteStartArray("fnmr_interval");
            w.WriteNumberValue(Math.Round(i.Low, 6));
            w.WriteNumberValue(Math.Round(i.High, 6));
            w.WriteEndArray();
            w.WriteBoolean("interval_wide", p.IntervalWide);
        }
        if (p.ReductionInterval is { } r)
        {
            w.WriteStartArray("fnmr_reduction_interval");
            w.WriteNumberValue(Math.Round(r.Low, 6));
            w.WriteNumberValue(Math.Round(r.High, 6));
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void Nullable(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, Math.Round(v, 6));
        else w.WriteNull(name);
    }

    /// <summary>threshold.md: the answer in words (with its interval, or why it is not precise), the warnings, the table.</summary>
    public static string Markdown(ThresholdCalibration calibration, string population)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var c = calibration.Chosen;
        var o = calibration.Options;
        sb.Append(inv, $"# Quality threshold for `{calibration.Method}`\n\n");
        sb.Append(inv, $"Population: {population}; {calibration.Samples} samples, {calibration.Identities} identities with mated comparisons, ");
        sb.Append(inv, $"{calibration.MatedCount} mated and {calibration.NonMatedCount} non-mated comparisons.\n\n");
        sb.Append(inv, $"Comparison threshold {calibration.ComparisonThreshold:F4} ({calibration.ThresholdRule}), fixed before rejection: ");
        sb.Append(inv, $"FNMR {Percent(calibration.Start)} ({calibration.Start.FalseNonMatches} of {calibration.MatedCount}).\n\n");
        sb.Append(inv, $"**Chosen: reject samples with {calibration.Method} < {Number(c.QualityThreshold)}** ({calibration.ChosenRule}): ");
        sb.Append(inv, $"{c.SamplesRejected:P1} of the samples rejected, {c.MatedDiscarded:P1} of the mated comparisons discarded, ");
        sb.Append(inv, $"FNMR after rejection {Percent(c)}");
        if (c.ReductionInterval is { } r)
            sb.Append(inv, $", down by {Points(calibration.Start.Fnmr - c.Fnmr)} percentage points ({o.Confidence:P0} interval {Points(r.Low)} to {Points(r.High)})");
        sb.Append(".\n\n");
        if (!calibration.TargetMet) sb.Append("**The target FNMR is not met.**\n\n");
        foreach (var w in calibration.Warnings) sb.Append(inv, $"> Warning: {w}.\n\n");
        if (calibration.ValidReplicates > 0)
            sb.Append(inv, $"Intervals: {o.Confidence:P0} percentile bootstrap over identities, {calibration.ValidReplicates} of {o.Bootstrap} replicates (seed {o.Seed}), thresholds fixed; \"wide\": the interval is wider than the estimate itself (indicative only).\n\n");
        sb.Append("| reject rate | quality threshold | samples rejected | mated kept | false non-matches | FNMR | interval | FMR |\n");
        sb.Append("|---:|---:|---:|---:|---:|---:|---|---:|\n");
        foreach (var p in calibration.Table)
            sb.Append(inv, $"| {p.RejectRate:P0} | {Number(p.QualityThreshold)} | {p.SamplesRejected:P1} | {p.MatedKept} | {p.FalseNonMatches} | {ThresholdCalibrator.Percent(p.Fnmr)} | {IntervalText(p)} | {Fmr(p.Fmr)} |\n");
        return sb.ToString();
    }

    // An FNMR with its interval; a wide interval is said in words instead of looking precise.
    private static string Percent(CalibrationPoint p) => p.FnmrInterval is { } i
        ? $"{ThresholdCalibrator.Percent(p.Fnmr)} ({ThresholdCalibrator.Percent(i.Low)}–{ThresholdCalibrator.Percent(i.High)}{(p.IntervalWide ? ", wide: indicative only" : "")})"
        : ThresholdCalibrator.Percent(p.Fnmr);

    private static string IntervalText(CalibrationPoint p) => p.FnmrInterval is { } i
        ? $"{ThresholdCalibrator.Percent(i.Low)}–{ThresholdCalibrator.Percent(i.High)}{(p.IntervalWide ? " (wide)" : "")}"
        : "—";

    private static string Fmr(double v) => double.IsFinite(v) ? v.ToString("0.00E+0", CultureInfo.InvariantCulture) : "n/a";

    private static string Points(double v) => double.IsFinite(v) ? (100 * v).ToString("F2", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>The chosen threshold as a profile's <c>unified_threshold</c>, with the population and date behind it.</summary>
    public static Quality.UnifiedThreshold ToUnifiedThreshold(ThresholdCalibration calibration, string population, string date)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        var c = calibration.Chosen;
        if (!double.IsFinite(c.QualityThreshold))
            throw new ArgumentException("the chosen point rejects nothing: there is no quality threshold to put in a profile");
        return new Quality.UnifiedThreshold
        {
            Method = calibration.Method,
            // Unrounded: a rounded limit could move across a sample's quality and change what it rejects.
            Min = c.QualityThreshold,
            Basis = new Quality.CalibrationBasis
            {
                Rule = calibration.ChosenRule,
                Population = population,
                Values = calibration.Samples,
                Identities = calibration.Identities,
                Date = date,
                ComparisonThreshold = Math.Round(calibration.ComparisonThreshold, 6),
                ThresholdRule = calibration.ThresholdRule,
                RejectRate = Math.Round(c.SamplesRejected, 6),
                Fnmr0 = Math.Round(calibration.Start.Fnmr, 6),
                Fnmr = double.IsFinite(c.Fnmr) ? Math.Round(c.Fnmr, 6) : null,
                FnmrInterval = c.FnmrInterval is { } i ? [Math.Round(i.Low, 6), Math.Round(i.High, 6)] : null,
            },
        };
    }

    /// <summary>Reads the chosen threshold of a <c>threshold.json</c> back as a profile's <c>unified_threshold</c>; errors
    /// name the file and the missing field.</summary>
    public static Quality.UnifiedThreshold ReadUnifiedThreshold(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: not a threshold.json ({e.Message})", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            JsonElement Get(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v
                : throw new FormatException($"{path}: not a threshold.json written by 'fiqa calibrate threshold' (no '{name}')");
            double? Num(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
            var chosen = Get(root, "chosen");
            var min = Num(chosen, "quality_threshold") ?? throw new FormatException($"{path}: the chosen point rejects nothing (quality_threshold is null): no threshold to put in a profile");
            double[]? interval = chosen.TryGetProperty("fnmr_interval", out var iv) && iv.ValueKind == JsonValueKind.Array ? iv.EnumerateArray().Select(x => x.GetDouble()).ToArray() : null;
            return new Quality.UnifiedThreshold
            {
                Method = Get(root, "method").GetString()!,
                Min = min,
                Basis = new Quality.CalibrationBasis
                {
                    Rule = Get(root, "chosen_rule").GetString(),
                    Population = Get(root, "population").GetString(),
                    Values = (int?)Num(root, "samples"),
                    Identities = (int?)Num(root, "identities"),
                    Date = Get(root, "date").GetString(),
                    ComparisonThreshold = Num(root, "comparison_threshold"),
                    ThresholdRule = Get(root, "threshold_rule").GetString(),
                    RejectRate = Num(chosen, "samples_rejected"),
                    Fnmr0 = Num(root, "fnmr0"),
                    Fnmr = Num(chosen, "fnmr"),
                    FnmrInterval = interval,
                },
            };
        }
    }

    /// <summary>A quality value as printed: "none" for −∞ (nothing rejected), else 4 significant decimals.</summary>
    public static string Number(double v) => double.IsNegativeInfinity(v) ? "none" : v.ToString("0.####", CultureInfo.InvariantCulture);
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fiqa.Iqa;

// The service's OpenAPI schema is generated from this type, its descriptions from these comments (one line each).
/// <summary>One metric's score of one image: the record <c>fiqa iqa</c> prints and <c>POST /v1/iqa</c> answers.</summary>
/// <param name="Metric">The metric's name.</param>
/// <param name="File">The image's path, written when one run scores several images; null otherwise.</param>
/// <param name="Score">The score; NaN and infinities are written as text ("NaN", "Infinity": PSNR of identical images).</param>
/// <param name="LowerBetter">Whether a lower score means better quality.</param>
public sealed record IqaScore(
    string Metric,
    string? File,
    [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] double Score,
    bool LowerBetter)
{
    /// <summary>The record of <paramref name="metric"/>'s <paramref name="score"/>, of image <paramref name="file"/> when given.</summary>
    public static IqaScore Of(MetricDescriptor metric, double score, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return new IqaScore(metric.Name, file, score, metric.LowerIsBetter);
    }

    /// <summary>The record as one compact JSON line (no line break): <c>{"metric", "file"?, "score", "lower_better"}</c>.</summary>
    public string ToJsonLine() => JsonLine.Write(w =>
    {
        w.WriteString("metric", Metric);
        if (File is not null) w.WriteString("file", File);
        w.WriteNumberOrText("score", Score);
        w.WriteBoolean("lower_better", LowerBetter);
    });
}

/// <summary>The IQA records, written in one place so that <c>fiqa iqa</c> and <c>POST /v1/iqa</c> answer the same bytes.</summary>
public static class IqaRecords
{
    /// <summary>One metric's score of one image (<see cref="IqaScore"/>); <paramref name="file"/> is written when given
    /// (several images in one run).</summary>
    public static string Score(MetricDescriptor metric, double score, string? file = null) => IqaScore.Of(metric, score, file).ToJsonLine();

    /// <summary>Writes a result under the metric's name (folder records: one field per metric); a failure is written as
    /// null with its reason under <c>NAME_error</c>.</summary>
    public static void WriteResult(Utf8JsonWriter writer, MetricDescriptor metric, MeasureResult result)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Status == MeasureStatus.Success)
        {
            writer.WriteNumberOrText(metric.Name, result.RawOrNaN);
            return;
        }
        writer.WriteNull(metric.Name);
        writer.WriteString(metric.Name + "_error", result.Reason);
    }
}

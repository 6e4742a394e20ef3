using System.Text.Json;

namespace Fiqa.Iqa;

/// <summary>The IQA records, written in one place so that <c>fiqa iqa</c> and <c>POST /v1/iqa</c> answer the same bytes.</summary>
public static class IqaRecords
{
    /// <summary>One metric's score of one image: <c>{"metric", "file"?, "score", "lower_better"}</c>; <paramref name="file"/>
    /// is written when given (several images in one run). A non-finite score is written as text ("NaN", "Infinity").</summary>
    public static string Score(MetricDescriptor metric, double score, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return JsonLine.Write(w =>
        {
            w.WriteString("metric", metric.Name);
            if (file is not null) w.WriteString("file", file);
            w.WriteNumberOrText("score", score);
            w.WriteBoolean("lower_better", metric.LowerIsBetter);
        });
    }

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

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Fiqa.Imaging;
using SkiaSharp;

namespace Fiqa.Quality.Reports;

/// <summary>Summary of a batch of <c>fiqa assess</c> records.</summary>
/// <param name="Records">Records read.</param>
/// <param name="Judged">Records with a verdict.</param>
/// <param name="Passed">Verdicts that pass.</param>
/// <param name="Reasons">Reason code → count, most frequent first.</param>
public sealed record BatchSummary(int Records, int Judged, int Passed, IReadOnlyList<KeyValuePair<string, int>> Reasons)
{
    /// <summary>Passed / judged, or null without verdicts.</summary>
    public double? PassRate => Judged == 0 ? null : (double)Passed / Judged;
}

/// <summary>One self-contained HTML page (no external assets) for a batch of <c>fiqa assess</c> JSON Lines: pass rate, a
/// histogram of reason codes and a thumbnail per record with its box, verdict and reasons.</summary>
public static class BatchReport
{
    /// <summary>Counts verdicts and reasons over the records.</summary>
    public static BatchSummary Summarise(IReadOnlyList<JsonElement> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        int judged = 0, passed = 0;
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            if (!r.TryGetProperty("verdict", out var v)) continue;
            judged++;
            if (v.GetProperty("pass").GetBoolean()) passed++;
            foreach (var reason in v.GetProperty("reasons").EnumerateArray())
            {
                var code = reason.GetProperty("code").GetString() ?? "";
                reasons[code] = reasons.GetValueOrDefault(code) + 1;
            }
        }
        var ordered = reasons.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        return new BatchSummary(records.Count, judged, passed, ordered);
    }

    /// <summary>The page. <paramref name="resolve"/> maps a record's "file" to a readable path (records hold paths as
    /// given to <c>fiqa assess</c>); a file that cannot be read gets no thumbnail, the record is still listed.</summary>
    public static string Html(IReadOnlyList<JsonElement> records, Func<string, string> resolve, string title, int thumbnailSide = 160)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(resolve);
        var s = Summarise(records);
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
          .Append("body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse}td,th{padding:4px 8px;vertical-align:top;border-bottom:1px solid #ddd;text-align:left}")
          .Append(".bar{background:#e74c3c;height:12px;display:inline-block}.pass{color:#1e8449;font-weight:600}.fail{color:#c0392b;font-weight:600}img{display:block}.grid{display:flex;flex-wrap:wrap;gap:12px}")
          .Append(".card{width:").Append(thumbnailSide + 20).Append("px;border:1px solid #ddd;border-radius:6px;padding:8px}.card small{display:block;word-break:break-all;color:#555}")
          .Append("</style></head><body><h1>").Append(E(title)).Append("</h1>");
        sb.Append(CultureInfo.InvariantCulture, $"<p id=\"summary\">{s.Records} record(s); ");
        sb.Append(s.PassRate is double rate
            ? string.Create(CultureInfo.InvariantCulture, $"<span id=\"pass-rate\">{rate * 100:0.0}%</span> pass ({s.Passed} of {s.Judged} judged)")
            : "no verdicts (assess with --profile for a pass rate)");
        sb.Append("</p>");
        if (s.Reasons.Count > 0)
        {
            int max = s.Reasons[0].Value;
            sb.Append("<h2>Reasons</h2><table id=\"reasons\"><tr><th>code</th><th>count</th><th></th></tr>");
            foreach (var (code, n) in s.Reasons)
                sb.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{E(code)}</code></td><td>{n}</td><td><span class=\"bar\" style=\"width:{Math.Max(2, 300 * n / max)}px\"></span></td></tr>");
            sb.Append("</table>");
        }
        sb.Append("<h2>Records</h2><div class=\"grid\">");
        foreach (var r in records)
        {
            var file = r.TryGetProperty("file", out var f) ? f.GetString() ?? "" : "";
            var status = r.TryGetProperty("status", out var st) ? st.GetString() ?? "" : "";
            sb.Append("<div class=\"card\">");
            if (Thumbnail(resolve(file), r, thumbnailSide) is { } jpeg)
                sb.Append("<img alt=\"\" src=\"data:image/jpeg;base64,").Append(Convert.ToBase64String(jpeg)).Append("\">");
            sb.Append("<small>").Append(E(file));
            if (r.TryGetProperty("face", out var idx)) sb.Append(CultureInfo.InvariantCulture, $" · face {idx.GetInt32()}");
            sb.Append("</small>");
            if (status != "ok") sb.Append("<div>").Append(E(status)).Append(r.TryGetProperty("error", out var err) ? ": " + E(err.GetString() ?? "") : "").Append("</div>");
            if (r.TryGetProperty("verdict", out var v))
            {
                bool pass = v.GetProperty("pass").GetBoolean();
                sb.Append(pass ? "<div class=\"pass\">pass</div>" : "<div class=\"fail\">fail</div><ul>");
                if (!pass)
                {
                    foreach (var reason in v.GetProperty("reasons").EnumerateArray())
                        sb.Append("<li>").Append(E(reason.GetProperty("text").GetString() ?? "")).Append("</li>");
                    sb.Append("</ul>");
                }
            }
            sb.Append("</div>");
        }
        sb.Append("</div></body></html>\n");
        return sb.ToString();
    }

    private static byte[]? Thumbnail(string path, JsonElement record, int side)
    {
        RgbImage image;
        try
        {
            image = ImageDecoder.Decode(path);
        }
        catch (ImageDecodeException)
        {
            return null;
        }
        float scale = Math.Min(1f, (float)side / Math.Max(image.Width, image.Height));
        int w = Math.Max(1, (int)(image.Width * scale)), h = Math.Max(1, (int)(image.Height * scale));
        using var surface = SKSurface.Create(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var src = ImageEncoder.ToSkImage(image))
            surface.Canvas.DrawImage(src, new SKRect(0, 0, w, h), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        // Boxes refer to the upright image; a rotated record's box would land elsewhere on the stored one.
        if (record.TryGetProperty("box", out var box) && !record.TryGetProperty("rotation", out _))
        {
            bool? pass = record.TryGetProperty("verdict", out var v) ? v.GetProperty("pass").GetBoolean() : null;
            var colour = pass is null ? new SKColor(0xf3, 0x9c, 0x12) : pass.Value ? new SKColor(0x2e, 0xcc, 0x71) : new SKColor(0xe7, 0x4c, 0x3c);
            using var paint = new SKPaint { Color = colour, Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true };
            var b = box.EnumerateArray().Select(e => (float)e.GetDouble() * scale).ToArray();
            surface.Canvas.DrawRect(new SKRect(b[0], b[1], b[0] + b[2], b[1] + b[3]), paint);
        }
        using var snap = surface.Snapshot();
        using var data = snap.Encode(SKEncodedImageFormat.Jpeg, 85);
        return data.ToArray();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}

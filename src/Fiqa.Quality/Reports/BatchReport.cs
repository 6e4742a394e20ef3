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

/// <summary>Options of <see cref="BatchReport.Write"/>.</summary>
public sealed record BatchReportOptions
{
    /// <summary>Longest side of a thumbnail, pixels.</summary>
    public int ThumbnailSide { get; init; } = 160;
    /// <summary>Records the page shows at a time; the rest are a page turn away (the page stays fast at 10,000 records).</summary>
    public int PageSize { get; init; } = 100;
    /// <summary>Images decoded in parallel for thumbnails.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
}

/// <summary>What <see cref="BatchReport.Write"/> wrote.</summary>
/// <param name="Summary">Pass rate and reason counts.</param>
/// <param name="ThumbnailFolder">The folder beside the page holding the thumbnails.</param>
/// <param name="Thumbnails">Thumbnail files written (records showing the same face of the same file share one).</param>
public sealed record BatchReportResult(BatchSummary Summary, string ThumbnailFolder, int Thumbnails);

/// <summary>An HTML page for a batch of <c>fiqa assess</c> records: pass rate, a histogram of reason codes and a card per
/// record with its thumbnail (box drawn), verdict and reasons. Thumbnails are JPEG files in a folder beside the page
/// (<c>report_thumbs/</c> for <c>report.html</c>), loaded lazily; the records are data in the page, and a small script
/// shows one page of cards at a time, filtered by verdict, reason code and file name — so 10,000 records open as fast
/// as 100. No external assets: the page and its folder are the whole report.</summary>
public static class BatchReport
{
    /// <summary>Counts verdicts and reasons over the records.</summary>
    public static BatchSummary Summarise(IReadOnlyList<AssessRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        int judged = 0, passed = 0;
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            if (r.Pass is not bool pass) continue;
            judged++;
            if (pass) passed++;
            foreach (var reason in r.Reasons) reasons[reason.Code] = reasons.GetValueOrDefault(reason.Code) + 1;
        }
        var ordered = reasons.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        return new BatchSummary(records.Count, judged, passed, ordered);
    }

    /// <summary>The thumbnail folder of a page: <c>NAME_thumbs</c> beside <c>NAME.html</c>.</summary>
    public static string ThumbnailFolder(string htmlPath)
    {
        ArgumentNullException.ThrowIfNull(htmlPath);
        var full = Path.GetFullPath(htmlPath);
        return Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + "_thumbs");
    }

    /// <summary>Writes the page to <paramref name="htmlPath"/> and its thumbnails to <see cref="ThumbnailFolder"/>.
    /// <paramref name="resolve"/> maps a record's file to a readable path (records hold paths as given to
    /// <c>fiqa assess</c>); a file that cannot be read gets no thumbnail and is still listed. Output is the same for
    /// any thread count.</summary>
    public static BatchReportResult Write(IReadOnlyList<AssessRecord> records, Func<string, string> resolve, string htmlPath, string title,
        BatchReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(resolve);
        ArgumentNullException.ThrowIfNull(htmlPath);
        options ??= new BatchReportOptions();
        var folder = ThumbnailFolder(htmlPath);
        Directory.CreateDirectory(folder);
        // Thumbnails of an earlier report of the same name would be stale; only our own file names are removed.
        foreach (var old in Directory.EnumerateFiles(folder, "t*.jpg"))
            if (IsThumbnailName(Path.GetFileName(old))) File.Delete(old);

        // One thumbnail per distinct (file, box, colour): numbered in record order, so names do not depend on threads.
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        var jobs = new List<(int Number, string Path, AssessRecord Record)>();
        var numberOf = new int[records.Count];
        for (int i = 0; i < records.Count; i++)
        {
            var r = records[i];
            // An error record's file already failed to be read (or was over a limit): it gets no thumbnail.
            if (r.Status == "error") { numberOf[i] = -1; continue; }
            var path = resolve(r.File);
            var key = string.Join('|', path, r.Box is null ? "" : string.Join(',', r.Box.Select(v => v.ToString("R", CultureInfo.InvariantCulture))), r.Pass, r.Rotation);
            if (!keys.TryGetValue(key, out int n))
            {
                n = keys.Count + 1;
                keys[key] = n;
                jobs.Add((n, path, r));
            }
            numberOf[i] = n;
        }
        var written = new bool[keys.Count + 1];
        // Faces of one file share its decode; files go in parallel.
        var byFile = jobs.GroupBy(j => j.Path, StringComparer.Ordinal).ToList();
        Parallel.ForEach(byFile, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Threads) }, group =>
        {
            RgbImage image;
            try
            {
                image = ImageDecoder.Decode(group.Key);
            }
            catch (ImageDecodeException)
            {
                return;
            }
            foreach (var (number, _, record) in group)
            {
                File.WriteAllBytes(Path.Combine(folder, ThumbnailName(number)), Thumbnail(image, record, options.ThumbnailSide));
                written[number] = true;
            }
        });
        var thumbs = numberOf.Select(n => n > 0 && written[n] ? ThumbnailName(n) : null).ToList();
        var html = Html(records, thumbs, Uri.EscapeDataString(Path.GetFileName(folder)) + "/", title, options);
        File.WriteAllText(htmlPath, html, new UTF8Encoding(false));
        return new BatchReportResult(Summarise(records), folder, written.Count(w => w));
    }

    private static string ThumbnailName(int number) => string.Create(CultureInfo.InvariantCulture, $"t{number:D6}.jpg");

    private static bool IsThumbnailName(string name) =>
        name.Length == 11 && name[0] == 't' && name.EndsWith(".jpg", StringComparison.Ordinal) && name[1..7].All(char.IsAsciiDigit);

    /// <summary>The page: summary and histogram as HTML, the records as JSON data rendered a page at a time by the script.
    /// <paramref name="thumbnails"/> holds each record's thumbnail file name in <paramref name="thumbnailBase"/> (null: none).</summary>
    public static string Html(IReadOnlyList<AssessRecord> records, IReadOnlyList<string?> thumbnails, string thumbnailBase, string title, BatchReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(thumbnails);
        options ??= new BatchReportOptions();
        var s = Summarise(records);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
          .Append("body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse}td,th{padding:4px 8px;vertical-align:top;border-bottom:1px solid #ddd;text-align:left}")
          .Append(".bar{background:#e74c3c;height:12px;display:inline-block}.pass{color:#1e8449;font-weight:600}.fail{color:#c0392b;font-weight:600}img{display:block}.grid{display:flex;flex-wrap:wrap;gap:12px}")
          .Append(".card{width:").Append(options.ThumbnailSide + 20).Append("px;border:1px solid #ddd;border-radius:6px;padding:8px}.card small{display:block;word-break:break-all;color:#555}")
          .Append(".card img{max-width:").Append(options.ThumbnailSide).Append("px;max-height:").Append(options.ThumbnailSide).Append("px}")
          .Append("#reasons button{font:inherit;border:0;background:none;padding:0;color:#1a5fb4;cursor:pointer;text-decoration:underline}")
          .Append("#controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:1em 0}")
          .Append("</style></head><body><h1>").Append(E(title)).Append("</h1>");
        sb.Append(inv, $"<p id=\"summary\">{s.Records} record(s); ");
        sb.Append(s.PassRate is double rate
            ? string.Create(inv, $"<span id=\"pass-rate\">{rate * 100:0.0}%</span> pass ({s.Passed} of {s.Judged} judged)")
            : "no verdicts (assess with --profile for a pass rate)");
        sb.Append("</p>");
        if (s.Reasons.Count > 0)
        {
            int max = s.Reasons[0].Value;
            sb.Append("<h2>Reasons</h2><table id=\"reasons\"><tr><th>code</th><th>count</th><th></th></tr>");
            foreach (var (code, n) in s.Reasons)
                sb.Append(inv, $"<tr><td><button type=\"button\" data-code=\"{E(code)}\"><code>{E(code)}</code></button></td><td>{n}</td><td><span class=\"bar\" style=\"width:{Math.Max(2, 300 * n / max)}px\"></span></td></tr>");
            sb.Append("</table>");
        }
        sb.Append("<h2>Records</h2><div id=\"controls\">")
          .Append("<label>verdict <select id=\"verdict\"><option value=\"\">all</option><option value=\"pass\">pass</option><option value=\"fail\">fail</option><option value=\"none\">no verdict</option></select></label>")
          .Append("<label>reason <select id=\"reason\"><option value=\"\">any</option>");
        foreach (var (code, n) in s.Reasons) sb.Append(inv, $"<option value=\"{E(code)}\">{E(code)} ({n})</option>");
        sb.Append("</select></label>")
          .Append("<label>file <input id=\"search\" type=\"search\" placeholder=\"name contains\"></label>")
          .Append("<span id=\"count\"></span>")
          .Append("<button type=\"button\" id=\"prev\">previous</button><span id=\"page\"></span><button type=\"button\" id=\"next\">next</button>")
          .Append("</div><div class=\"grid\" id=\"records\"></div>");
        sb.Append("<script type=\"application/json\" id=\"data\">").Append(Data(records, thumbnails, thumbnailBase, s, options.PageSize)).Append("</script>");
        sb.Append("<script>").Append(Script).Append("</script></body></html>\n");
        return sb.ToString();
    }

    // Records as arrays, reason codes as indices into one list: [file, face, status, error, pass, [code…], [text…], thumb].
    // The default encoder escapes '<', '>' and '&', so no record can end the script element.
    private static string Data(IReadOnlyList<AssessRecord> records, IReadOnlyList<string?> thumbnails, string thumbnailBase, BatchSummary s, int pageSize)
    {
        var codes = s.Reasons.Select(kv => kv.Key).ToList();
        var index = codes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("pageSize", pageSize);
            w.WriteString("thumbs", thumbnailBase);
            w.WriteStartArray("codes");
            foreach (var c in codes) w.WriteStringValue(c);
            w.WriteEndArray();
            w.WriteStartArray("records");
            for (int i = 0; i < records.Count; i++)
            {
                var r = records[i];
                w.WriteStartArray();
                w.WriteStringValue(r.File);
                if (r.Face is int f) w.WriteNumberValue(f); else w.WriteNullValue();
                w.WriteStringValue(r.Status);
                if (r.Error is null) w.WriteNullValue(); else w.WriteStringValue(r.Error);
                if (r.Pass is bool p) w.WriteNumberValue(p ? 1 : 0); else w.WriteNullValue();
                w.WriteStartArray();
                // Codes of records without a verdict are not counted and cannot occur; every code has an index.
                foreach (var reason in r.Reasons) if (index.TryGetValue(reason.Code, out int k)) w.WriteNumberValue(k);
                w.WriteEndArray();
                w.WriteStartArray();
                foreach (var reason in r.Reasons) if (index.ContainsKey(reason.Code)) w.WriteStringValue(reason.Text ?? reason.Code);
                w.WriteEndArray();
                if (thumbnails[i] is { } t) w.WriteStringValue(t); else w.WriteNullValue();
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    // Renders one page of the filtered records with DOM calls (textContent, never HTML from data).
    private const string Script = """
        (() => {
          const data = JSON.parse(document.getElementById('data').textContent);
          const $ = id => document.getElementById(id);
          const size = data.pageSize;
          let shown = [], page = 0;
          function filter() {
            const verdict = $('verdict').value, reason = $('reason').value, text = $('search').value.trim().toLowerCase();
            const code = reason === '' ? -1 : data.codes.indexOf(reason);
            shown = [];
            data.records.forEach((r, i) => {
              if (verdict === 'pass' && r[4] !== 1) return;
              if (verdict === 'fail' && r[4] !== 0) return;
              if (verdict === 'none' && r[4] !== null) return;
              if (code >= 0 && !r[5].includes(code)) return;
              if (text && !r[0].toLowerCase().includes(text)) return;
              shown.push(i);
            });
            page = 0;
            render();
          }
          function el(tag, cls, text) {
            const e = document.createElement(tag);
            if (cls) e.className = cls;
            if (text !== undefined) e.textContent = text;
            return e;
          }
          function card(r) {
            const c = el('div', 'card');
            if (r[7]) {
              const img = el('img');
              img.loading = 'lazy';
              img.alt = '';
              img.src = data.thumbs + r[7];
              c.append(img);
            }
            c.append(el('small', 'file', r[1] === null ? r[0] : r[0] + ' · face ' + r[1]));
            if (r[2] !== 'ok') c.append(el('div', 'status', r[3] ? r[2] + ': ' + r[3] : r[2]));
            if (r[4] === 1) c.append(el('div', 'pass', 'pass'));
            if (r[4] === 0) {
              c.append(el('div', 'fail', 'fail'));
              const ul = el('ul');
              r[6].forEach((t, k) => { const li = el('li', '', t); li.title = data.codes[r[5][k]]; ul.append(li); });
              c.append(ul);
            }
            return c;
          }
          function render() {
            const pages = Math.max(1, Math.ceil(shown.length / size));
            page = Math.min(Math.max(page, 0), pages - 1);
            const grid = $('records');
            grid.replaceChildren(...shown.slice(page * size, (page + 1) * size).map(i => card(data.records[i])));
            $('count').textContent = shown.length.toLocaleString('en-US') + ' of ' + data.records.length.toLocaleString('en-US') + ' records';
            $('page').textContent = 'page ' + (page + 1) + ' of ' + pages;
            $('prev').disabled = page === 0;
            $('next').disabled = page >= pages - 1;
          }
          $('verdict').addEventListener('change', filter);
          $('reason').addEventListener('change', filter);
          $('search').addEventListener('input', filter);
          $('prev').addEventListener('click', () => { page--; render(); });
          $('next').addEventListener('click', () => { page++; render(); });
          document.querySelectorAll('#reasons button[data-code]').forEach(b => b.addEventListener('click', () => {
            $('reason').value = b.dataset.code;
            filter();
          }));
          filter();
        })();
        """;

    private static byte[] Thumbnail(RgbImage image, AssessRecord record, int side)
    {
        float scale = Math.Min(1f, (float)side / Math.Max(image.Width, image.Height));
        int w = Math.Max(1, (int)(image.Width * scale)), h = Math.Max(1, (int)(image.Height * scale));
        using var surface = SKSurface.Create(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var src = ImageEncoder.ToSkImage(image))
            surface.Canvas.DrawImage(src, new SKRect(0, 0, w, h), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        // Boxes refer to the upright image; a rotated record's box would land elsewhere on the stored one.
        if (record.Box is { } box && record.Rotation == 0)
        {
            var colour = record.Pass is null ? new SKColor(0xf3, 0x9c, 0x12) : record.Pass.Value ? new SKColor(0x2e, 0xcc, 0x71) : new SKColor(0xe7, 0x4c, 0x3c);
            using var paint = new SKPaint { Color = colour, Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true };
            var b = box.Select(v => (float)v * scale).ToArray();
            surface.Canvas.DrawRect(new SKRect(b[0], b[1], b[0] + b[2], b[1] + b[3]), paint);
        }
        using var snap = surface.Snapshot();
        using var data = snap.Encode(SKEncodedImageFormat.Jpeg, 85);
        return data.ToArray();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}

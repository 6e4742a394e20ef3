using System.Text;
using System.Text.Json;
using Fiqa.Cli;
using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Server.Tests;

/// <summary>The renderer and report shared with the CLI: <c>fiqa assess --annotate DIR</c> and <c>fiqa report</c>.</summary>
public class ReportTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    // Two real faces (both fail icao, see their records) and a broken file (file.unreadable).
    private static (string Dir, string[] Inputs) Inputs()
    {
        var dir = TestData.TempDirectory();
        var broken = Path.Combine(dir, "broken.jpg");
        File.WriteAllText(broken, "not an image");
        return (dir, [TestData.File("fixtures/astronaut.jpg"), TestData.File("franck/franck_01829.jpg"), broken]);
    }

    [Fact]
    public void AssessAnnotate_ThenReport_WriteImagesAndAPageWithPassRateAndReasons()
    {
        var (dir, inputs) = Inputs();
        var records = Path.Combine(dir, "out.jsonl");
        var annotated = Path.Combine(dir, "annotated");
        Assert.Equal(0, Run(["assess", .. inputs, "--profile", "icao", "--annotate", annotated, "--out", records, "--threads", "2"]).Code);
        // One PNG per readable file, of the image's size; none for the unreadable one.
        Assert.Equal(["astronaut.png", "franck_01829.png"], Directory.GetFiles(annotated).Select(Path.GetFileName).Order());
        var png = ImageDecoder.Decode(Path.Combine(annotated, "franck_01829.png"));
        Assert.Equal((720, 576), (png.Width, png.Height));

        var html = Path.Combine(dir, "report.html");
        Assert.Equal(0, Run(["report", records, "--out", html]).Code);
        var page = File.ReadAllText(html);
        Assert.Contains("<span id=\"pass-rate\">0.0%</span> pass (0 of 3 judged)", page);
        Assert.Contains("<code>file.unreadable</code></button></td><td>1</td>", page);
        // Thumbnails are files beside the page, one per readable face, each within the 160 px side.
        var thumbs = Directory.GetFiles(Path.Combine(dir, "report_thumbs")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["t000001.jpg", "t000002.jpg"], thumbs.Select(Path.GetFileName));
        Assert.All(thumbs, t => Assert.Equal(160, Math.Max(ImageDecoder.Decode(t).Width, ImageDecoder.Decode(t).Height)));
        Assert.DoesNotContain("data:image", page);
        Assert.DoesNotContain("http://", page);
        Assert.DoesNotContain("https://", page);
    }

    [Fact]
    public void Report_FromJsonlCsvAndParquetOfOneAssessRun_SameSummaryReasonsAndThumbnails()
    {
        var (dir, inputs) = Inputs();
        var pages = new Dictionary<string, string>();
        foreach (var format in new[] { "jsonl", "csv", "parquet" })
        {
            var records = Path.Combine(dir, $"s.{format}");
            Assert.Equal(0, Run(["assess", .. inputs, "--profile", "icao", "--measures", "none", "--out", records, "--threads", "2"]).Code);
            var (code, _, err) = Run(["report", records]);
            Assert.True(code == 0, err);
            Assert.Contains("s.html: 3 record(s), 0.0% pass; 2 thumbnail(s)", err, StringComparison.Ordinal);
            pages[format] = File.ReadAllText(Path.Combine(dir, "s.html"));
            Assert.Equal(2, Directory.GetFiles(Path.Combine(dir, "s_thumbs")).Length);
        }
        foreach (var (format, page) in pages)
        {
            Assert.Contains("<span id=\"pass-rate\">0.0%</span> pass (0 of 3 judged)", page);
            Assert.Contains("<code>file.unreadable</code></button></td><td>1</td>", page);
            // The same histogram whatever the format: the reasons table is identical.
            Assert.Equal(Table(pages["jsonl"]), Table(page));
            var data = Data(page);
            Assert.Equal(3, data.GetProperty("records").GetArrayLength());
            // JSONL and CSV keep the reasons' sentences, Parquet their codes.
            var firstReason = data.GetProperty("records")[0][6][0].GetString()!;
            if (format == "parquet") Assert.Contains(firstReason, data.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
            else Assert.Contains(' ', firstReason);
        }
    }

    [Fact]
    public void Report_OfiqSemicolonCsv_ReadLikeTheCommaOne()
    {
        var (dir, inputs) = Inputs();
        var records = Path.Combine(dir, "ofiq.csv");
        Assert.Equal(0, Run(["assess", .. inputs, "--profile", "icao", "--measures", "none", "--format", "csv", "--delimiter", ";", "--out", records]).Code);
        Assert.StartsWith("Filename;", File.ReadAllText(records), StringComparison.Ordinal);
        var (code, _, err) = Run(["report", records]);
        Assert.True(code == 0, err);
        var page = File.ReadAllText(Path.Combine(dir, "ofiq.html"));
        Assert.Contains("<span id=\"pass-rate\">0.0%</span> pass (0 of 3 judged)", page);
        Assert.Contains("<code>file.unreadable</code></button></td><td>1</td>", page);
    }

    private static string N(int n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private static string Table(string page) => page[page.IndexOf("<table id=\"reasons\">", StringComparison.Ordinal)..page.IndexOf("</table>", StringComparison.Ordinal)];

    private static JsonElement Data(string page)
    {
        const string start = "<script type=\"application/json\" id=\"data\">";
        int i = page.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return JsonDocument.Parse(page[i..page.IndexOf("</script>", i, StringComparison.Ordinal)]).RootElement.Clone();
    }

    [Fact]
    public void Report_VideoAndJndRecords_RefusedNamingTheFileAndWhatIsExpected()
    {
        var dir = TestData.TempDirectory();
        var video = Path.Combine(dir, "video.jsonl");
        Assert.Equal(0, Run(["video", TestData.File("franck"), "--max-frames", "3", "--out", video]).Code);
        var (code, _, err) = Run(["report", video]);
        Assert.Equal(2, code);
        Assert.Contains($"{video}:1: a 'fiqa video' record (it has \"track\"), not a 'fiqa assess' record; expected 'fiqa assess' records", err);
        Assert.False(File.Exists(Path.ChangeExtension(video, ".html")));

        var (jndCode, jndOut, _) = Run(["jnd", TestData.File("fixtures/astronaut.jpg")]);
        Assert.Equal(0, jndCode);
        var jnd = Path.Combine(dir, "jnd.jsonl");
        File.WriteAllText(jnd, jndOut);
        (code, _, err) = Run(["report", jnd]);
        Assert.Equal(2, code);
        Assert.Contains($"{jnd}:1: a 'fiqa jnd' record (it has \"codec\"), not a 'fiqa assess' record", err);

        // A hand-edited record with a field of the wrong type: the line and the reason, never a stack trace.
        var edited = Path.Combine(dir, "edited.jsonl");
        File.WriteAllLines(edited, ["{\"file\":\"a.jpg\",\"status\":\"no_face\"}", "{\"file\":\"b.jpg\",\"status\":\"ok\",\"face\":0,\"box\":[1,2,3,4],\"rotation\":\"left\"}"]);
        (code, _, err) = Run(["report", edited]);
        Assert.Equal(2, code);
        Assert.StartsWith($"fiqa: {edited}:2: a field has the wrong type", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }

    // Synthetic records over 8 installed crops (8 and 3 coprime: each crop passes and fails): every 3rd passes, the others fail with one or two of four codes.
    private static readonly string[] Codes = ["exposure.luminance.low", "pose.yaw.high", "sharpness.low", "geometry.head_size.low"];

    private static string[] SyntheticRecords(int n, string[] images)
    {
        var lines = new string[n];
        for (int i = 0; i < n; i++)
        {
            var reasons = i % 3 == 0 ? [] : i % 2 == 0 ? new[] { Codes[i % 4] } : [Codes[i % 4], Codes[(i + 1) % 4]];
            lines[i] = JsonSerializer.Serialize(new
            {
                file = images[i % images.Length], face = 0, status = "ok", box = new[] { 10.0, 12.0, 60.0, 70.0 },
                verdict = new { pass = reasons.Length == 0, reasons = reasons.Select(c => new { code = c, text = $"{c} on record {i}" }) },
            });
        }
        return lines;
    }

    [Fact]
    public async Task Report_TenThousandRecords_BoundedPageThatPagesAndFiltersInChromium()
    {
        const int n = 10_000;
        var dir = TestData.TempDirectory();
        var images = Directory.GetDirectories(TestData.File("crops")).Order(StringComparer.Ordinal).Take(8)
            .Select(d => Directory.GetFiles(d).Order(StringComparer.Ordinal).First()).ToArray();
        var records = Path.Combine(dir, "big.jsonl");
        var lines = SyntheticRecords(n, images);
        File.WriteAllLines(records, lines, new UTF8Encoding(false));
        var (code, _, err) = Run(["report", records]);
        Assert.True(code == 0, err);
        var html = Path.Combine(dir, "big.html");
        // Bounded: the records are data (≈ 150 bytes each here), the images files; measured 1.4 MB.
        Assert.InRange(new FileInfo(html).Length, 500_000, 3_000_000);
        var page = File.ReadAllText(html);
        Assert.DoesNotContain("data:image", page);
        // Records showing the same face of the same file with the same verdict colour share a thumbnail.
        Assert.Equal(16, Directory.GetFiles(Path.Combine(dir, "big_thumbs")).Length);

        int expectedYaw = Enumerable.Range(0, n).Count(i => lines[i].Contains("\"pose.yaw.high\"", StringComparison.Ordinal));
        int expectedFail = Enumerable.Range(0, n).Count(i => i % 3 != 0);
        var yawIndices = Enumerable.Range(0, n).Where(i => lines[i].Contains("\"pose.yaw.high\"", StringComparison.Ordinal)).ToList();

        await using var browser = await Cdp.LaunchAsync();
        await browser.NavigateAsync(new Uri(html).AbsoluteUri);
        await browser.WaitForAsync("document.querySelectorAll('#records .card').length > 0", TimeSpan.FromSeconds(30));
        async Task<JsonElement> State() => JsonDocument.Parse((await browser.EvaluateAsync("""
            JSON.stringify({
              cards: document.querySelectorAll('#records .card').length,
              count: document.getElementById('count').textContent,
              page: document.getElementById('page').textContent,
              first: document.querySelector('#records .card small')?.textContent ?? '',
              lazy: [...document.querySelectorAll('#records .card img')].every(i => i.loading === 'lazy'),
              images: document.querySelectorAll('#records .card img').length,
              prev: document.getElementById('prev').disabled, next: document.getElementById('next').disabled
            })
            """)).GetString()!).RootElement.Clone();

        var s = await State();
        Assert.Equal(100, s.GetProperty("cards").GetInt32());
        Assert.Equal(100, s.GetProperty("images").GetInt32());
        Assert.True(s.GetProperty("lazy").GetBoolean());
        Assert.Equal("10,000 of 10,000 records", s.GetProperty("count").GetString());
        Assert.Equal("page 1 of 100", s.GetProperty("page").GetString());
        Assert.Equal($"{images[0]} · face 0", s.GetProperty("first").GetString());
        Assert.True(s.GetProperty("prev").GetBoolean());

        // Filter by a reason code: the count is the records carrying it, the first card the first of them.
        await browser.EvaluateAsync("(() => { const r = document.getElementById('reason'); r.value = 'pose.yaw.high'; r.dispatchEvent(new Event('change')); })()");
        s = await State();
        Assert.Equal($"{N(expectedYaw)} of 10,000 records", s.GetProperty("count").GetString());
        Assert.Equal($"page 1 of {(expectedYaw + 99) / 100}", s.GetProperty("page").GetString());
        Assert.Equal($"{images[yawIndices[0] % images.Length]} · face 0", s.GetProperty("first").GetString());

        // Next page: records 101..200 of the filtered list.
        await browser.EvaluateAsync("document.getElementById('next').click()");
        s = await State();
        Assert.Equal($"page 2 of {(expectedYaw + 99) / 100}", s.GetProperty("page").GetString());
        Assert.Equal(100, s.GetProperty("cards").GetInt32());
        Assert.False(s.GetProperty("prev").GetBoolean());
        var reasons = await browser.EvaluateAsync("[...document.querySelectorAll('#records .card')[0].querySelectorAll('li')].map(l => l.textContent)");
        Assert.Contains($"pose.yaw.high on record {yawIndices[100]}", reasons.EnumerateArray().Select(r => r.GetString()));

        // Verdict filter on top of nothing else: the failing records.
        await browser.EvaluateAsync("(() => { document.getElementById('reason').value = ''; const v = document.getElementById('verdict'); v.value = 'fail'; v.dispatchEvent(new Event('change')); })()");
        s = await State();
        Assert.Equal($"{N(expectedFail)} of 10,000 records", s.GetProperty("count").GetString());
        Assert.Equal("page 1 of 67", s.GetProperty("page").GetString());
    }
}

using System.Net.Http.Headers;
using System.Text.Json;
using Fiqa.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Fiqa.Server.Tests;

/// <summary>The web page in a real browser against the real service on loopback (Kestrel, not TestServer).</summary>
public class BrowserTests
{
    /// <summary>Starts the service on a free loopback port; returns it and its base address.</summary>
    internal static async Task<(WebApplication App, string Url)> StartAsync(params string[] settings)
    {
        var app = FiqaServer.Build(["--urls", "http://127.0.0.1:0", .. settings]);
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!(await client.GetAsync("/ready")).IsSuccessStatusCode)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("service not ready within 60 s");
            await Task.Delay(100);
        }
        return (app, url);
    }

    [Fact]
    public async Task Page_UploadAFixture_ShowsVerdictReasonsBarsAndTheAnnotatedImage()
    {
        var (app, url) = await StartAsync();
        await using var service = app;
        var fixture = TestData.File("fixtures/astronaut.jpg");
        // What the API says for the same file and profile: the page must show exactly this.
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        using var content = new ByteArrayContent(File.ReadAllBytes(fixture));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var record = JsonDocument.Parse((await (await http.PostAsync("/v1/assess?profile=icao", content)).Content.ReadAsStringAsync()).Split('\n')[0]).RootElement;
        var verdict = record.GetProperty("verdict");
        var expectedReasons = verdict.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("text").GetString()).ToList();
        var failingMeasures = verdict.GetProperty("reasons").EnumerateArray()
            .Where(r => r.TryGetProperty("measure", out _)).Select(r => r.GetProperty("measure").GetString()).ToHashSet();
        var measures = record.GetProperty("quality").EnumerateObject().Select(p => (string?)p.Name).ToList();

        await using var browser = await Cdp.LaunchAsync();
        await browser.NavigateAsync(url + "/");
        await browser.WaitForAsync("document.querySelectorAll('#profile option').length === 3", TimeSpan.FromSeconds(20));
        Assert.Equal("icao", (await browser.EvaluateAsync("document.getElementById('profile').value")).GetString());
        await browser.SetFileAsync("#file", fixture);
        await browser.WaitForAsync("document.getElementById('verdict').textContent.length > 0 && document.getElementById('annotated').naturalWidth > 0", TimeSpan.FromSeconds(45));

        var shown = await browser.EvaluateAsync("""
            JSON.stringify({
              verdict: document.getElementById('verdict').textContent,
              reasons: [...document.querySelectorAll('#reasons li')].map(li => li.textContent),
              bars: [...document.querySelectorAll('#bars .bar')].map(b => ({ id: b.dataset.measure, cls: b.className, width: b.style.width,
                title: b.closest('.row').title, value: b.closest('.row').querySelector('.value').textContent,
                fraction: b.getBoundingClientRect().width / b.parentElement.getBoundingClientRect().width, colour: getComputedStyle(b).backgroundColor })),
              unified: document.getElementById('unified').textContent,
              image: [document.getElementById('annotated').naturalWidth, document.getElementById('annotated').naturalHeight]
            })
            """);
        var page = JsonDocument.Parse(shown.GetString()!).RootElement;
        Assert.Equal(verdict.GetProperty("pass").GetBoolean() ? "PASS" : "FAIL", page.GetProperty("verdict").GetString());
        Assert.Equal(expectedReasons, page.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ToList());
        var bars = page.GetProperty("bars").EnumerateArray().ToList();
        Assert.Equal(measures, bars.Select(b => b.GetProperty("id").GetString()).ToList());
        foreach (var b in bars)
        {
            var id = b.GetProperty("id").GetString()!;
            var m = record.GetProperty("quality").GetProperty(id);
            var cls = b.GetProperty("cls").GetString()!;
            if (m.GetProperty("status").GetString() != "success") Assert.Contains("na", cls);
            else
            {
                Assert.Equal($"{m.GetProperty("scalar").GetInt32()}%", b.GetProperty("width").GetString());
                Assert.Equal(failingMeasures.Contains(id), cls.Contains("fail", StringComparison.Ordinal));
                // Drawn, not only styled: the bar's rendered length is the scalar, its colour the class's.
                Assert.InRange(b.GetProperty("fraction").GetDouble(), m.GetProperty("scalar").GetInt32() / 100.0 - 0.01, m.GetProperty("scalar").GetInt32() / 100.0 + 0.01);
                if (failingMeasures.Contains(id)) Assert.Equal("rgb(231, 76, 60)", b.GetProperty("colour").GetString());
                // One story per component: the record's requirement verdict is the bar's colour and the row's text.
                if (m.TryGetProperty("requirement", out var req))
                {
                    Assert.Equal(!req.GetProperty("pass").GetBoolean(), cls.Contains("fail", StringComparison.Ordinal));
                    Assert.Contains(req.GetProperty("text").GetString()!, b.GetProperty("title").GetString()!, StringComparison.Ordinal);
                    Assert.EndsWith(req.GetProperty("pass").GetBoolean() ? " ✓" : " ✗", b.GetProperty("value").GetString()!, StringComparison.Ordinal);
                }
                else Assert.DoesNotContain("fail", cls, StringComparison.Ordinal);
            }
        }
        Assert.Equal(record.GetProperty("quality").GetProperty("UnifiedQualityScore").GetProperty("scalar").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture),
            page.GetProperty("unified").GetString());
        Assert.Equal([512, 512], page.GetProperty("image").EnumerateArray().Select(e => e.GetInt32()));

        var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        var png = await browser.ScreenshotAsync();
        await File.WriteAllBytesAsync(Path.Combine(dir, "page.png"), png);
        Assert.True(png.Length > 10_000);
    }

    private static async Task SaveScreenshotAsync(Cdp browser, string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        await File.WriteAllBytesAsync(Path.Combine(dir, name), await browser.ScreenshotAsync());
    }

    private static async Task<JsonElement> PageStateAsync(Cdp browser) => JsonDocument.Parse((await browser.EvaluateAsync("""
        JSON.stringify({
          status: document.getElementById('status').textContent,
          statusClass: document.getElementById('status').className,
          keyState: document.getElementById('key-state').textContent,
          keyClass: document.getElementById('key-state').className,
          options: [...document.querySelectorAll('#profile option')].map(o => o.textContent),
          profileDisabled: document.getElementById('profile').disabled,
          resultShown: !document.getElementById('result').hidden,
          verdict: document.getElementById('details').hidden ? '' : document.getElementById('verdict').textContent,
          reasons: document.querySelectorAll('#reasons li').length,
          imageShown: !document.getElementById('annotated').hidden && document.getElementById('annotated').naturalWidth > 0,
          imageSrc: document.getElementById('annotated').getAttribute('src'),
          failureShown: !document.getElementById('failure').hidden && !document.getElementById('result').hidden,
          failure: document.getElementById('failure-text').textContent,
          failureBackground: getComputedStyle(document.getElementById('failure')).backgroundColor,
          failureBorder: getComputedStyle(document.getElementById('failure')).borderLeftColor,
          faces: document.getElementById('faces').textContent
        })
        """)).GetString()!).RootElement;

    [Fact]
    public async Task Page_WithApiKey_AsksForTheKey_ReloadsTheProfilesWhenTyped_AndNeverShowsAFailWithoutReasons()
    {
        var (app, url) = await StartAsync("--Fiqa:ApiKey=page-test-key");
        await using var service = app;
        await using var browser = await Cdp.LaunchAsync();
        await browser.NavigateAsync(url + "/");

        // Before the key: the key field asks for it; the profile list says so instead of showing the 401.
        await browser.WaitForAsync("document.getElementById('key-state').textContent.length > 0", TimeSpan.FromSeconds(20));
        var before = await PageStateAsync(browser);
        Assert.Equal("needed", before.GetProperty("keyClass").GetString());
        Assert.Contains("enter", before.GetProperty("keyState").GetString());
        Assert.Equal(["enter the API key"], before.GetProperty("options").EnumerateArray().Select(o => o.GetString()));
        await SaveScreenshotAsync(browser, "page-key-needed.png");
        Assert.True(before.GetProperty("profileDisabled").GetBoolean());
        Assert.DoesNotContain("X-Api-Key", before.GetProperty("status").GetString());
        Assert.NotEqual("error", before.GetProperty("statusClass").GetString());

        // An upload without the key is not sent, and no verdict appears.
        await browser.SetFileAsync("#file", TestData.File("fixtures/astronaut.jpg"));
        await browser.WaitForAsync("document.getElementById('status').textContent.includes('not sent')", TimeSpan.FromSeconds(20));
        var blocked = await PageStateAsync(browser);
        Assert.False(blocked.GetProperty("resultShown").GetBoolean());
        Assert.Equal("", blocked.GetProperty("verdict").GetString());

        // A wrong key is told apart from a missing one.
        await browser.TypeAsync("#api-key", "wrong-key");
        await browser.WaitForAsync("document.getElementById('key-state').className === 'refused'", TimeSpan.FromSeconds(20));
        Assert.Equal(["API key refused"], (await PageStateAsync(browser)).GetProperty("options").EnumerateArray().Select(o => o.GetString()));

        // The right key, typed: the profiles load without a reload of the page, and the error goes.
        await browser.TypeAsync("#api-key", "page-test-key");
        await browser.WaitForAsync("document.querySelectorAll('#profile option').length === 3 && !document.getElementById('profile').disabled", TimeSpan.FromSeconds(20));
        var keyed = await PageStateAsync(browser);
        Assert.Equal(["icao", "enrolment", "verification"], keyed.GetProperty("options").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal("", keyed.GetProperty("keyState").GetString());
        Assert.Equal("", keyed.GetProperty("status").GetString());

        // Now an upload is judged, with the API's reasons.
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Add("X-Api-Key", "page-test-key");
        using var content = new ByteArrayContent(File.ReadAllBytes(TestData.File("fixtures/astronaut_grey.jpg")));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var verdict = JsonDocument.Parse((await (await http.PostAsync("/v1/assess?profile=icao", content)).Content.ReadAsStringAsync()).Split('\n')[0]).RootElement.GetProperty("verdict");
        await browser.SetFileAsync("#file", TestData.File("fixtures/astronaut_grey.jpg"));
        await browser.WaitForAsync("document.getElementById('status').textContent === 'astronaut_grey.jpg: assessed' && document.getElementById('annotated').naturalWidth > 0", TimeSpan.FromSeconds(45));
        var judged = await PageStateAsync(browser);
        Assert.Equal(verdict.GetProperty("pass").GetBoolean() ? "PASS" : "FAIL", judged.GetProperty("verdict").GetString());
        Assert.Equal(verdict.GetProperty("reasons").GetArrayLength(), judged.GetProperty("reasons").GetInt32());
        if (judged.GetProperty("verdict").GetString() == "FAIL") Assert.True(judged.GetProperty("reasons").GetInt32() > 0);
    }

    [Fact]
    public async Task Page_FailedUpload_ClearsThePreviousImage_AndShowsAStyledErrorWithTheReason()
    {
        // A body limit between astronaut.jpg (94 kB) and bald_guys.jpg (648 kB), so one upload is refused with 413.
        var (app, url) = await StartAsync("--Fiqa:MaxBodyBytes=300000");
        await using var service = app;
        var broken = Path.Combine(TestData.TempDirectory(), "broken.jpg");
        await File.WriteAllTextAsync(broken, "this is not an image");
        await using var browser = await Cdp.LaunchAsync();
        await browser.NavigateAsync(url + "/");
        await browser.WaitForAsync("document.querySelectorAll('#profile option').length === 3", TimeSpan.FromSeconds(20));

        await browser.SetFileAsync("#file", TestData.File("fixtures/astronaut.jpg"));
        await browser.WaitForAsync("document.getElementById('status').textContent === 'astronaut.jpg: assessed' && document.getElementById('annotated').naturalWidth > 0", TimeSpan.FromSeconds(45));
        Assert.True((await PageStateAsync(browser)).GetProperty("imageShown").GetBoolean());

        // Unreadable: the previous photo and its verdict are gone; the reason is the decoder's, in a styled panel.
        await browser.SetFileAsync("#file", broken);
        await browser.WaitForAsync("!document.getElementById('failure').hidden", TimeSpan.FromSeconds(45));
        var unreadable = await PageStateAsync(browser);
        await SaveScreenshotAsync(browser, "page-unreadable.png");
        Assert.False(unreadable.GetProperty("imageShown").GetBoolean());
        Assert.Equal(JsonValueKind.Null, unreadable.GetProperty("imageSrc").ValueKind);
        Assert.Equal("", unreadable.GetProperty("verdict").GetString());
        Assert.StartsWith("broken.jpg: ", unreadable.GetProperty("failure").GetString());
        Assert.True(unreadable.GetProperty("failure").GetString()!.Length > "broken.jpg: ".Length + 10, unreadable.GetProperty("failure").GetString());
        Assert.Equal("rgb(253, 236, 234)", unreadable.GetProperty("failureBackground").GetString());
        Assert.Equal("rgb(231, 76, 60)", unreadable.GetProperty("failureBorder").GetString());
        Assert.Equal("error", unreadable.GetProperty("statusClass").GetString());

        // A good photo brings the result back; a request the service refuses (413) clears it again, with the service's reason.
        await browser.SetFileAsync("#file", TestData.File("fixtures/astronaut_grey.jpg"));
        await browser.WaitForAsync("document.getElementById('status').textContent === 'astronaut_grey.jpg: assessed' && document.getElementById('annotated').naturalWidth > 0", TimeSpan.FromSeconds(45));
        var good = await PageStateAsync(browser);
        Assert.False(good.GetProperty("failureShown").GetBoolean());
        Assert.NotEqual("", good.GetProperty("verdict").GetString());
        await browser.SetFileAsync("#file", TestData.File("dlib/faces/bald_guys.jpg"));
        await browser.WaitForAsync("!document.getElementById('failure').hidden", TimeSpan.FromSeconds(45));
        var refused = await PageStateAsync(browser);
        Assert.False(refused.GetProperty("imageShown").GetBoolean());
        Assert.Equal("", refused.GetProperty("verdict").GetString());
        Assert.Contains("bald_guys.jpg: request body over the limit of 300000 bytes", refused.GetProperty("failure").GetString());
    }

    [Fact]
    public async Task Page_GroupPhoto_BoxesEveryFace_ThePrimarySolid_TheOthersDashed()
    {
        var (app, url) = await StartAsync();
        await using var service = app;
        var photo = TestData.File("dlib/faces/2008_002506.jpg");
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        using var content = new ByteArrayContent(File.ReadAllBytes(photo));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var records = (await (await http.PostAsync("/v1/assess?profile=icao&all_faces=true", content)).Content.ReadAsStringAsync())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, records.Count);

        await using var browser = await Cdp.LaunchAsync();
        await browser.NavigateAsync(url + "/");
        await browser.WaitForAsync("document.querySelectorAll('#profile option').length === 3", TimeSpan.FromSeconds(20));
        await browser.SetFileAsync("#file", photo);
        await browser.WaitForAsync("document.getElementById('status').textContent === '2008_002506.jpg: assessed' && document.getElementById('annotated').naturalWidth > 0", TimeSpan.FromSeconds(60));
        Assert.StartsWith("3 faces found: the primary", (await PageStateAsync(browser)).GetProperty("faces").GetString());
        await SaveScreenshotAsync(browser, "page-group.png");

        // Read the drawn picture back: along each face box's left and right edges, the share of rows where the box's
        // colour (its verdict's: green pass, red fail) is drawn within 2 px of the edge.
        var boxes = new System.Text.Json.Nodes.JsonArray(records.Select(r => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
        {
            ["box"] = System.Text.Json.Nodes.JsonNode.Parse(r.GetProperty("box").GetRawText()),
            ["colour"] = r.GetProperty("verdict").GetProperty("pass").GetBoolean() ? new System.Text.Json.Nodes.JsonArray(46, 204, 113) : new System.Text.Json.Nodes.JsonArray(231, 76, 60),
        }).ToArray());
        var drawn = await browser.EvaluateAsync($$"""
            (() => {
              const img = document.getElementById('annotated');
              const c = document.createElement('canvas');
              c.width = img.naturalWidth; c.height = img.naturalHeight;
              const g = c.getContext('2d');
              g.drawImage(img, 0, 0);
              const px = g.getImageData(0, 0, c.width, c.height).data;
              const near = (x, y, rgb) => {
                for (let dx = -2; dx <= 2; dx++) {
                  const i = (y * c.width + Math.round(x) + dx) * 4;
                  if (Math.abs(px[i] - rgb[0]) + Math.abs(px[i + 1] - rgb[1]) + Math.abs(px[i + 2] - rgb[2]) < 60) return true;
                }
                return false;
              };
              return JSON.stringify({{boxes.ToJsonString()}}.map(f => {
                const [x, y, w, h] = f.box;
                let rows = 0, hits = 0;
                for (let yy = Math.round(y + 0.15 * h); yy <= Math.round(y + 0.85 * h); yy++) {
                  rows += 2;
                  if (near(x, yy, f.colour)) hits++;
                  if (near(x + w, yy, f.colour)) hits++;
                }
                return hits / rows;
              }));
            })()
            """);
        var shares = JsonSerializer.Deserialize<double[]>(drawn.GetString()!)!;
        Assert.True(shares[0] >= 0.9, $"primary face's box edges drawn on {shares[0]:P0} of rows (solid expected)");
        foreach (var share in shares.Skip(1))
            Assert.True(share is >= 0.3 and <= 0.85, $"other face's box edges drawn on {share:P0} of rows (dashed expected): {string.Join(", ", shares)}");
    }
}

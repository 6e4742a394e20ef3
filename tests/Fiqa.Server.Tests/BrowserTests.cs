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
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fiqa.Cli;
using Fiqa.Quality;
using Fiqa.Tests;

namespace Fiqa.Server.Tests;

/// <summary>A calibrated profile file served with <c>fiqa serve --profile FILE</c> (configuration <c>Fiqa:Profiles</c>): offered
/// by name like the built-in ones, judged the same as <c>fiqa assess --profile FILE</c>, and every verdict names it.</summary>
public class CalibratedProfileTests
{
    // A threshold no installed face reaches, so the verdict's reason is known.
    private static string WriteProfile()
    {
        var profile = new VerdictProfile
        {
            Name = "site-strict",
            Description = "test",
            Calibration = new ProfileCalibration { Population = "test population", Images = 10, Identities = 5, Date = "2026-01-02" },
            UnifiedThreshold = new UnifiedThreshold { Method = "distilled", Min = 2.0, Basis = new CalibrationBasis { Rule = "test rule", Fnmr0 = 0.02, Fnmr = 0.01 } },
        };
        var path = Path.Combine(TestData.TempDirectory(), "site-strict.json");
        File.WriteAllText(path, ProfileGenerator.ToJson(profile));
        return path;
    }

    [Fact]
    public async Task ServedProfile_IsOffered_JudgesAsTheCli_AndTheRecordNamesTheCalibration()
    {
        var file = WriteProfile();
        await using var factory = new ServerFactory(new() { ["Fiqa:Profiles:0"] = file });
        var client = await factory.ReadyClientAsync();

        var profiles = JsonDocument.Parse(await client.GetStringAsync("/v1/profiles")).RootElement;
        Assert.Equal(["icao", "enrolment", "verification", "site-strict"], profiles.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var site = profiles[3];
        Assert.Equal(2.0, site.GetProperty("unified_threshold").GetProperty("min").GetDouble());
        Assert.Equal(64, site.GetProperty("calibration").GetProperty("sha256").GetString()!.Length);
        Assert.Equal(VerdictProfile.UnifiedThresholdCode, site.GetProperty("requirements")[0].GetProperty("code").GetString());

        var photo = TestData.File("fixtures/astronaut.jpg");
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Assert.True(CliApp.Run(["assess", photo, "--profile", file], stdout, stderr) == 0, stderr.ToString());
        var content = new ByteArrayContent(File.ReadAllBytes(photo));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using var response = await client.PostAsync($"/v1/assess?profile=site-strict&name={Uri.EscapeDataString(photo)}", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = await response.Content.ReadAsStringAsync();
        Assert.Equal(stdout.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), record);
        var verdict = JsonDocument.Parse(record).RootElement.GetProperty("verdict");
        Assert.Equal("utility.unified_threshold.low", verdict.GetProperty("reasons")[0].GetProperty("code").GetString());
        var calibration = verdict.GetProperty("calibration");
        Assert.Equal(("site-strict", Path.GetFullPath(file), "test population"),
            (calibration.GetProperty("profile").GetString(), calibration.GetProperty("file").GetString(), calibration.GetProperty("population").GetString()));

        using var unknown = await client.PostAsync("/v1/assess?profile=site", new ByteArrayContent(File.ReadAllBytes(photo)));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("site-strict", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_OffersTheServedProfile_AndSaysWhichCalibrationJudgedThePhoto()
    {
        var file = WriteProfile();
        var (app, url) = await BrowserTests.StartAsync($"--Fiqa:Profiles:0={file}");
        await using var service = app;
        await using var browser = await Cdp.LaunchAsync();
        await browser.NavigateAsync(url + "/");
        await browser.WaitForAsync("document.querySelectorAll('#profile option').length === 4", TimeSpan.FromSeconds(20));
        await browser.EvaluateAsync("document.getElementById('profile').value = 'site-strict'");
        await browser.SetFileAsync("#file", TestData.File("fixtures/astronaut.jpg"));
        await browser.WaitForAsync("document.getElementById('verdict').textContent.length > 0", TimeSpan.FromSeconds(45));
        var shown = JsonDocument.Parse((await browser.EvaluateAsync("""
            JSON.stringify({ verdict: document.getElementById('verdict').textContent,
              first: document.querySelector('#reasons li').dataset.code,
              calibration: document.getElementById('calibration').hidden ? null : document.getElementById('calibration').textContent })
            """)).GetString()!).RootElement;
        Assert.Equal(("FAIL", "utility.unified_threshold.low"), (shown.GetProperty("verdict").GetString(), shown.GetProperty("first").GetString()));
        Assert.StartsWith("Judged against calibrated profile site-strict: test population, 2026-01-02 (sha256 ", shown.GetProperty("calibration").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void BadProfileFile_ServiceRefusesToStart_NamingTheFileAndTheReason()
    {
        var bad = Path.Combine(TestData.TempDirectory(), "bad.json");
        File.WriteAllText(bad, """{"name": "bad", "requirements": [{"code": "x", "measure": "Sharpnes", "min": 1}]}""");
        var e = Assert.Throws<InvalidOperationException>(() => FiqaServer.Build(["--urls", "http://127.0.0.1:18081", $"--Fiqa:Profiles:0={bad}"]));
        Assert.StartsWith($"fiqa serve: --profile {bad}: {bad}: requirement 'x': unknown quality measure 'Sharpnes'", e.Message, StringComparison.Ordinal);
        // A served file may not take a built-in profile's name.
        var icao = Path.Combine(TestData.TempDirectory(), "icao.json");
        File.WriteAllText(icao, """{"name": "ICAO", "requirements": [{"code": "x", "measure": "Sharpness", "min": 1}]}""");
        var clash = Assert.Throws<InvalidOperationException>(() => FiqaServer.Build(["--urls", "http://127.0.0.1:18081", $"--Fiqa:Profiles:0={icao}"]));
        Assert.Contains("the name 'ICAO' is already served", clash.Message, StringComparison.Ordinal);
    }
}

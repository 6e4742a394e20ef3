using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fiqa.Cli;
using Fiqa.Tests;

namespace Fiqa.Server.Tests;

/// <summary>A mappings file served with <c>fiqa serve --mappings FILE</c> (configuration <c>Fiqa:Mappings</c>): every
/// assessment maps as <c>fiqa assess --mappings FILE</c> does, the catalogue shows the mapping in force, and a bad file
/// stops the service before it starts.</summary>
public class ServedMappingsTests
{
    private static string Write(string json)
    {
        var path = Path.Combine(TestData.TempDirectory(), "site-mappings.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task ServedMappings_ScoreAsTheCli_AndTheCatalogueShowsThem()
    {
        var file = Write("""{"measures": {"Sharpness": {"x0": 20, "w": 5}}, "unified": {"norm": {"x0": 3}}}""");
        await using var factory = new ServerFactory(new() { ["Fiqa:Mappings"] = file });
        var client = await factory.ReadyClientAsync();

        var measures = JsonDocument.Parse(await client.GetStringAsync("/v1/measures")).RootElement;
        var sharpness = measures.EnumerateArray().Single(m => m.GetProperty("id").GetString() == "Sharpness");
        Assert.Equal("100·(0 + 1·sigmoid(x; x0=20, w=5))", sharpness.GetProperty("mapping").GetString());
        var methods = JsonDocument.Parse(await client.GetStringAsync("/v1/methods")).RootElement;
        var norm = methods.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "norm");
        Assert.Equal("100·(0 + 1·sigmoid(x; x0=3, w=0.3))", norm.GetProperty("mapping").GetString());

        var photo = TestData.File("fixtures/astronaut.jpg");
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Assert.True(CliApp.Run(["assess", photo, "--measures", "Sharpness,HeadSize", "--mappings", file], stdout, stderr) == 0, stderr.ToString());
        var content = new ByteArrayContent(File.ReadAllBytes(photo));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using var response = await client.PostAsync($"/v1/assess?measures=Sharpness,HeadSize&name={Uri.EscapeDataString(photo)}", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = await response.Content.ReadAsStringAsync();
        Assert.Equal(stdout.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), record);
        var q = JsonDocument.Parse(record).RootElement.GetProperty("quality").GetProperty("Sharpness");
        double raw = q.GetProperty("raw").GetDouble();
        Assert.Equal((int)Math.Round(100 / (1 + Math.Exp((20 - raw) / 5)), MidpointRounding.AwayFromZero), q.GetProperty("scalar").GetInt32());
    }

    [Fact]
    public void BadMappingsFile_ServiceRefusesToStart_NamingTheFileAndTheKey()
    {
        var bad = Write("""{"measures": {"HeadSize": {"center": "middle"}}}""");
        var e = Assert.Throws<InvalidOperationException>(() => FiqaServer.Build(["--urls", "http://127.0.0.1:18081", $"--Fiqa:Mappings={bad}"]));
        Assert.Equal($"fiqa serve: --mappings: mappings file {bad}: measures.HeadSize.center: expected a finite number, got a string \"middle\"", e.Message);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fiqa.Cli;
using Fiqa.Onnx;
using Fiqa.Quality.Unified;
using Fiqa.Tests;

namespace Fiqa.Server.Tests;

/// <summary>The service never opens a file a client names: <c>onnx:</c> models are configured on the server and chosen
/// by name, and no answer reveals whether a path exists or where the service is installed.</summary>
public class ServedMethodsTests(DefaultServer server) : IClassFixture<DefaultServer>
{
    private static ByteArrayContent Jpeg(string path)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return content;
    }

    private static string ErrorOf(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;

    private static void AssertRevealsNoServerPath(string body)
    {
        foreach (var secret in new[] { TestData.RepoRoot, TestData.ModelsRoot, Path.GetFullPath(TestData.ModelsRoot), "provision", AppContext.BaseDirectory })
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("onnx:/etc/passwd")]
    [InlineData("onnx:/nonexistent/model.json")]
    [InlineData("onnx:../../models/fr_feature.json")]
    [InlineData("onnx")]
    public async Task ClientNamedManifest_Is400_ListingTheOfferedMethods_WithoutTouchingTheFile(string unified)
    {
        var image = TestData.File("fixtures/astronaut.jpg");
        using var r = await server.Client.PostAsync($"/v1/assess?unified={Uri.EscapeDataString(unified)}", Jpeg(image));
        var body = await r.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        // Existing and missing files get the same answer: only the client's own text is echoed.
        var error = ErrorOf(body);
        Assert.StartsWith($"unified: '{unified}' is not offered by this service; valid: ", error, StringComparison.Ordinal);
        Assert.Contains("norm", error, StringComparison.Ordinal);
        Assert.DoesNotContain("MANIFEST", error, StringComparison.Ordinal);
        AssertRevealsNoServerPath(body);
    }

    [Fact]
    public async Task MethodsCatalogue_OffersNoFileParameter()
    {
        var body = await server.Client.GetStringAsync("/v1/methods");
        var names = JsonDocument.Parse(body).RootElement.EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Contains("norm", names);
        Assert.DoesNotContain("onnx", names);
    }

    [Fact]
    public async Task ConfiguredOnnxModel_IsOfferedByName_AndScoresAsTheCliDoesWithItsPath()
    {
        var head = QualityHead.Load(Path.Combine(TestData.ModelsRoot, DistilledQuality.DefaultFileName));
        var embedder = new ModelStore(TestData.ModelsRoot).Get("fr_feature");
        var dir = TestData.TempDirectory();
        var manifest = QualityHeadOnnx.Write(head, embedder, Path.Combine(dir, "house-head.onnx"));
        await using var factory = new ServerFactory(new() { ["Fiqa:OnnxModels"] = manifest });
        using var client = await factory.ReadyClientAsync();

        var catalogue = await client.GetStringAsync("/v1/methods");
        Assert.Contains("\"onnx:house-head\"", catalogue, StringComparison.Ordinal);
        Assert.DoesNotContain(dir, catalogue, StringComparison.Ordinal);

        var image = TestData.File("fixtures/astronaut.jpg");
        using var r = await client.PostAsync("/v1/assess?unified=onnx:house-head&measures=none", Jpeg(image));
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, body);
        Assert.DoesNotContain(dir, body, StringComparison.Ordinal);
        double served = JsonDocument.Parse(body).RootElement.GetProperty("unified").GetProperty("onnx:house-head").GetProperty("raw").GetDouble();

        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, CliApp.Run(["assess", image, "--measures", "none", "--unified", $"onnx:{manifest}"], stdout, stderr));
        double cli = JsonDocument.Parse(stdout.ToString()).RootElement.GetProperty("unified").GetProperty($"onnx:{manifest}").GetProperty("raw").GetDouble();
        Assert.Equal(cli, served, 6);

        // The manifest's path itself is not a name the service accepts.
        using var byPath = await client.PostAsync($"/v1/assess?unified=onnx:{Uri.EscapeDataString(manifest)}", Jpeg(image));
        Assert.Equal(HttpStatusCode.BadRequest, byPath.StatusCode);
        Assert.Contains("onnx:house-head", await byPath.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsThatFailToLoad_Are503_WithoutTheServersPaths()
    {
        var missing = Path.Combine(TestData.TempDirectory(), "no-models-here");
        await using var factory = new ServerFactory(new() { ["Fiqa:Models"] = missing });
        using var client = factory.CreateClient();
        string body = "";
        for (var until = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < until; await Task.Delay(100))
        {
            using var ready = await client.GetAsync("/ready");
            body = await ready.Content.ReadAsStringAsync();
            if (body.Contains("failed", StringComparison.Ordinal)) break;
        }
        Assert.Equal("models failed to load; the service log says why", ErrorOf(body));
        using var r = await client.PostAsync("/v1/assess", Jpeg(TestData.File("fixtures/astronaut.jpg")));
        var answer = await r.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
        Assert.DoesNotContain(missing, answer, StringComparison.Ordinal);
        AssertRevealsNoServerPath(answer);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fiqa.Cli;
using Fiqa.Imaging;
using Fiqa.Tests;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Fiqa.Server.Tests;

public class EndpointTests(DefaultServer server) : IClassFixture<DefaultServer>
{
    private static string Cli(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        int code = CliApp.Run(args, stdout, stderr);
        Assert.True(code == 0, $"fiqa {string.Join(' ', args)} → {code}: {stderr}");
        return stdout.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static ByteArrayContent Raw(string path)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(path));
        content.Headers.ContentType = new MediaTypeHeaderValue(path.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg");
        return content;
    }

    private static MultipartFormDataContent Parts(params (string Field, string Path)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, path) in files) form.Add(Raw(path), field, path);
        return form;
    }

    [Theory]
    [InlineData("profile=icao", new[] { "--profile", "icao" })]
    [InlineData("measures=Sharpness,HeadPoseYaw&profile=verification&embeddings=true", new[] { "--measures", "Sharpness,HeadPoseYaw", "--profile", "verification", "--embeddings" })]
    public async Task Assess_RawBody_IsByteForByteTheCliRecord(string query, string[] cliOptions)
    {
        var path = TestData.File("fixtures/astronaut.jpg");
        var expected = Cli(["assess", path, .. cliOptions]);
        using var response = await server.Client.PostAsync($"/v1/assess?{query}&name={Uri.EscapeDataString(path)}", Raw(path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Assess_MultipartBatch_EqualsCliOnTheSameFiles_InPartOrder()
    {
        var a = TestData.File("fixtures/astronaut.jpg");
        var b = TestData.File("fixtures/astronaut_grey.jpg");
        var expectedA = Cli("assess", a, "--profile", "enrolment", "--all-faces");
        var expectedB = Cli("assess", b, "--profile", "enrolment", "--all-faces");
        using var response = await server.Client.PostAsync("/v1/assess?profile=enrolment&all_faces=true", Parts(("image", a), ("image", b)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectedA + expectedB, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Assess_UnreadableImage_Is422WithTheCliErrorRecord_AndPixelLimitIsNamed()
    {
        using var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes("this is not an image"));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using var bad = await server.Client.PostAsync("/v1/assess?name=x.jpg", content);
        Assert.Equal((HttpStatusCode)422, bad.StatusCode);
        var record = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("error", record.GetProperty("status").GetString());
        Assert.Equal("x.jpg", record.GetProperty("file").GetString());

        using var huge = new ByteArrayContent(EncodedImages.PngHeaderOnly(60000, 60000));
        huge.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var big = await server.Client.PostAsync("/v1/assess", huge);
        Assert.Equal((HttpStatusCode)422, big.StatusCode);
        Assert.Contains("60000x60000", await big.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnsupportedMediaType_Is415_WithTheAcceptedTypes()
    {
        using var content = new StringContent("{\"image\": \"...\"}", System.Text.Encoding.UTF8, "application/json");
        using var r = await server.Client.PostAsync("/v1/assess", content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.StatusCode);
        var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("multipart/form-data", body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("request_id").GetString()));
    }

    [Fact]
    public async Task BadOptions_Are400_NamingTheValidOnes()
    {
        var path = TestData.File("fixtures/astronaut.jpg");
        using var m = await server.Client.PostAsync("/v1/assess?measures=Sharpnes", Raw(path));
        Assert.Equal(HttpStatusCode.BadRequest, m.StatusCode);
        Assert.Contains("Sharpness", await m.Content.ReadAsStringAsync());
        using var p = await server.Client.PostAsync("/v1/assess?profile=/etc/passwd", Raw(path));
        Assert.Equal(HttpStatusCode.BadRequest, p.StatusCode);
        Assert.Contains("icao", await p.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Compare_And_Iqa_AnswerWhatTheCliPrints()
    {
        var a = TestData.File("fixtures/astronaut.jpg");
        var b = TestData.File("fixtures/astronaut_grey.jpg");
        using var c = await server.Client.PostAsync("/v1/compare", Parts(("a", a), ("b", b)));
        Assert.Equal(HttpStatusCode.OK, c.StatusCode);
        Assert.Equal(Cli("compare", a, b), await c.Content.ReadAsStringAsync());

        using var i = await server.Client.PostAsync("/v1/iqa?metric=psnr,ssim", Parts(("image", b), ("reference", a)));
        Assert.Equal(HttpStatusCode.OK, i.StatusCode);
        Assert.Equal(Cli("iqa", "--metric", "psnr,ssim", "--ref", a, b), await i.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Annotate_ReturnsAPngOfTheImageSize()
    {
        var path = TestData.File("fixtures/astronaut.jpg");
        using var r = await server.Client.PostAsync("/v1/annotate?profile=icao", Raw(path));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("image/png", r.Content.Headers.ContentType?.MediaType);
        var png = ImageDecoder.Decode(await r.Content.ReadAsByteArrayAsync());
        var source = ImageDecoder.Decode(path);
        Assert.Equal((source.Width, source.Height), (png.Width, png.Height));
        // The drawing changed pixels around the face and left far corners alone.
        Assert.NotEqual(source.Pixels, png.Pixels);
    }

    [Fact]
    public async Task OpenApi_IsValid_AndListsEveryEndpoint()
    {
        using var r = await server.Client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith("3.", doc.GetProperty("openapi").GetString());
        var paths = doc.GetProperty("paths").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        var endpoints = server.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(p => p.StartsWith("/v1/", StringComparison.Ordinal) || p is "/health" or "/ready").Distinct().ToList();
        Assert.Contains("/v1/assess", endpoints);
        Assert.True(endpoints.Count >= 10, string.Join(", ", endpoints));
        foreach (var e in endpoints) Assert.True(paths.ContainsKey(e), $"{e} is not in the OpenAPI document");
        Assert.True(paths["/v1/assess"].GetProperty("post").GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _));
        // The browsable UI is served from the package's embedded assets.
        using var ui = await server.Client.GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("swagger", await ui.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Catalogues_And_Probes_Answer()
    {
        var measures = JsonDocument.Parse(await server.Client.GetStringAsync("/v1/measures")).RootElement;
        Assert.Contains(measures.EnumerateArray(), m => m.GetProperty("id").GetString() == "Sharpness");
        var profiles = JsonDocument.Parse(await server.Client.GetStringAsync("/v1/profiles")).RootElement;
        Assert.Equal(["icao", "enrolment", "verification"], profiles.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var metrics = JsonDocument.Parse(await server.Client.GetStringAsync("/v1/metrics")).RootElement;
        Assert.Contains(metrics.EnumerateArray(), m => m.GetProperty("name").GetString() == "psnr");
        Assert.Contains("live", await server.Client.GetStringAsync("/health"));
        using var ready = await server.Client.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var withId = new HttpRequestMessage(HttpMethod.Get, "/health");
        withId.Headers.Add("X-Request-Id", "abc-123");
        using var echoed = await server.Client.SendAsync(withId);
        Assert.Equal("abc-123", echoed.Headers.GetValues("X-Request-Id").Single());
    }
}

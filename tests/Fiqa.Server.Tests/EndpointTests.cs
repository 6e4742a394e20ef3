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

    private static async Task<string> ErrorOf(HttpResponseMessage r)
    {
        var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.False(string.IsNullOrEmpty(body.GetProperty("request_id").GetString()));
        return body.GetProperty("error").GetString()!;
    }

    [Theory]
    [InlineData("/v1/assess?all_faces=yes", "all_faces: 'yes' is not true or false")]
    [InlineData("/v1/assess?embeddings=1", "embeddings: '1' is not true or false")]
    [InlineData("/v1/annotate?auto_rotate=true&auto_rotate=false", "auto_rotate: given 2 times")]
    [InlineData("/v1/assess?auto_rotate=true&assume_upright=true", "auto_rotate and assume_upright contradict each other")]
    [InlineData("/v1/assess?measures=Sharpnes", "measures: unknown quality measure 'Sharpnes'; did you mean 'Sharpness'?")]
    [InlineData("/v1/assess?profile=passport", "profile: unknown profile 'passport'")]
    [InlineData("/v1/compare?threshold=abc", "threshold: 'abc' is not a number")]
    [InlineData("/v1/compare?threshold=NaN", "threshold: 'NaN' is not a number")]
    [InlineData("/v1/compare?threshold=1.5", "threshold: 1.5 is outside -1..1")]
    [InlineData("/v1/iqa", "metric: required")]
    [InlineData("/v1/iqa?metric=ssimx", "metric: unknown IQA metric 'ssimx'; did you mean 'ssim'?")]
    public async Task BadQueryField_Is400_NamingTheFieldAndWhy(string target, string expected)
    {
        var a = TestData.File("fixtures/astronaut.jpg");
        using var r = await server.Client.PostAsync(target, Parts(("a", a), ("b", a)));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.StartsWith(expected, await ErrorOf(r));
    }

    [Fact]
    public async Task MissingOrUnreadableParts_Are400_NamingThePartOrTheBody()
    {
        var a = TestData.File("fixtures/astronaut.jpg");
        using (var r = await server.Client.PostAsync("/v1/compare", Parts(("a", a))))
            Assert.StartsWith("b: missing file part", await ErrorOf(r));
        using (var r = await server.Client.PostAsync("/v1/iqa?metric=ssim", Parts(("image", a))))
            Assert.StartsWith("reference: missing file part; ssim is full-reference", await ErrorOf(r));
        using (var r = await server.Client.PostAsync("/v1/iqa?metric=niqe", Parts(("reference", a))))
            Assert.StartsWith("image: missing file part", await ErrorOf(r));
        using (var empty = new ByteArrayContent([]))
        {
            empty.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            using var r = await server.Client.PostAsync("/v1/assess", empty);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.StartsWith("body: empty", await ErrorOf(r));
        }
        // A multipart type without its boundary used to end in a 500 with no body.
        using (var broken = new ByteArrayContent("xx"u8.ToArray()))
        {
            broken.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data");
            using var r = await server.Client.PostAsync("/v1/assess", broken);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.StartsWith("body: not a readable multipart body", await ErrorOf(r));
        }
    }

    /// <summary>Every typed query field the document lists (flags, numbers) answers a value it cannot read with a 400
    /// that names it: a field added later is covered by the code that exists.</summary>
    [Fact]
    public async Task EveryTypedQueryFieldInTheDocument_RefusesAnUnreadableValue_ByName()
    {
        var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/openapi/v1.json")).RootElement;
        var a = TestData.File("fixtures/astronaut.jpg");
        int checkedFields = 0;
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
            foreach (var op in path.Value.EnumerateObject())
            {
                if (!op.Value.TryGetProperty("parameters", out var parameters)) continue;
                foreach (var p in parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query"))
                {
                    var type = p.GetProperty("schema").GetProperty("type");
                    var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).ToList() : [type.GetString()];
                    if (!types.Contains("boolean") && !types.Contains("number") && !types.Contains("integer")) continue;
                    var name = p.GetProperty("name").GetString()!;
                    using var request = new HttpRequestMessage(new HttpMethod(op.Name.ToUpperInvariant()), $"{path.Name}?{name}=zzz");
                    if (op.Name == "post") request.Content = Parts(("a", a), ("b", a));
                    using var r = await server.Client.SendAsync(request);
                    Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
                    Assert.StartsWith($"{name}: 'zzz' is not ", await ErrorOf(r));
                    checkedFields++;
                }
            }
        // all_faces, embeddings, auto_rotate, assume_upright (assess), three of them (annotate), threshold (compare).
        Assert.True(checkedFields >= 8, $"{checkedFields} typed query fields");
    }

    [Fact]
    public async Task OpenApi_NamesTheParts_TypesTheBodies_AndDeclaresTheApiKey()
    {
        await using var keyed = new ServerFactory(new() { ["Fiqa:ApiKey"] = "doc-key" });
        using var client = await keyed.ReadyClientAsync();
        var doc = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = doc.GetProperty("paths");
        var schemas = doc.GetProperty("components").GetProperty("schemas");

        JsonElement Post(string path) => paths.GetProperty(path).GetProperty("post");
        JsonElement Multipart(string path) => Post(path).GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema");
        string Ref(string path, string status, string type) =>
            Post(path).GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty(type).GetProperty("schema").GetProperty("$ref").GetString()!;
        static List<string?> Names(JsonElement e) => e.EnumerateObject().Select(p => (string?)p.Name).ToList();
        static List<string?> Strings(JsonElement e) => e.EnumerateArray().Select(p => p.GetString()).ToList();

        // Named parts: files as binary, required where the endpoint requires them.
        var compare = Multipart("/v1/compare");
        Assert.Equal(["a", "b"], Names(compare.GetProperty("properties")));
        Assert.Equal(["a", "b"], Strings(compare.GetProperty("required")).Order());
        foreach (var part in compare.GetProperty("properties").EnumerateObject())
        {
            Assert.Equal("binary", part.Value.GetProperty("format").GetString());
            Assert.False(string.IsNullOrEmpty(part.Value.GetProperty("description").GetString()));
        }
        var iqa = Multipart("/v1/iqa");
        Assert.Equal(["image", "reference"], Names(iqa.GetProperty("properties")));
        Assert.Equal(["image"], Strings(iqa.GetProperty("required")));
        Assert.Equal("binary", iqa.GetProperty("properties").GetProperty("reference").GetProperty("format").GetString());
        var assess = Multipart("/v1/assess");
        Assert.Equal("binary", assess.GetProperty("properties").GetProperty("image").GetProperty("items").GetProperty("format").GetString());
        Assert.True(Post("/v1/assess").GetProperty("requestBody").GetProperty("content").TryGetProperty("image/jpeg", out _));
        // Query fields described, including `name`, which the endpoints read themselves.
        Assert.Contains(Post("/v1/assess").GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "name");
        foreach (var path in new[] { "/v1/assess", "/v1/annotate", "/v1/compare", "/v1/iqa" })
            foreach (var p in Post(path).GetProperty("parameters").EnumerateArray())
                Assert.False(string.IsNullOrEmpty(p.GetProperty("description").GetString()), $"{path} {p.GetProperty("name")} has no description");

        // Response schemas by reference: success bodies (compare and iqa generated from the libraries' records) and the one
        // error body.
        Assert.Equal("#/components/schemas/FaceRecord", Ref("/v1/assess", "200", "application/x-ndjson"));
        Assert.Equal("#/components/schemas/FaceComparison", Ref("/v1/compare", "200", "application/x-ndjson"));
        Assert.Equal("#/components/schemas/IqaScore", Ref("/v1/iqa", "200", "application/x-ndjson"));
        foreach (var path in new[] { "/v1/assess", "/v1/annotate", "/v1/compare", "/v1/iqa" })
            foreach (var status in new[] { "400", "401", "413", "415", "422", "429", "503" })
                Assert.Equal("#/components/schemas/ApiError", Ref(path, status, "application/json"));

        // The API-key scheme, required by every /v1 operation.
        var scheme = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal(("apiKey", "header", "X-Api-Key"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString()));
        foreach (var path in paths.EnumerateObject().Where(p => p.Name.StartsWith("/v1/", StringComparison.Ordinal)))
            foreach (var op in path.Value.EnumerateObject())
                Assert.True(op.Value.GetProperty("security")[0].TryGetProperty("ApiKey", out _), $"{op.Name} {path.Name} does not require the key");
        Assert.False(paths.GetProperty("/health").GetProperty("get").TryGetProperty("security", out _));

        // The schemas say what the service really writes: every field of real answers is declared, required ones are there.
        void Matches(string schema, JsonElement body)
        {
            var declared = Names(schemas.GetProperty(schema).GetProperty("properties"));
            foreach (var field in body.EnumerateObject()) Assert.True(declared.Contains(field.Name), $"{schema} does not declare '{field.Name}'");
            foreach (var field in Strings(schemas.GetProperty(schema).GetProperty("required"))) Assert.True(body.TryGetProperty(field!, out _), $"{schema}: '{field}' missing");
        }
        client.DefaultRequestHeaders.Add("X-Api-Key", "doc-key");
        var a = TestData.File("fixtures/astronaut.jpg");
        var b = TestData.File("fixtures/astronaut_grey.jpg");
        using (var r = await client.PostAsync("/v1/compare?threshold=abc", Parts(("a", a), ("b", b))))
            Matches("ApiError", JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement);
        using (var r = await client.PostAsync("/v1/compare", Parts(("a", a), ("b", b))))
            Matches("FaceComparison", JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement);
        using (var r = await client.PostAsync("/v1/iqa?metric=psnr,niqe", Parts(("image", b), ("reference", a))))
            foreach (var line in (await r.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                Matches("IqaScore", JsonDocument.Parse(line).RootElement);
        using (var r = await client.PostAsync("/v1/assess?profile=icao&all_faces=true&embeddings=true&unified=norm", Parts(("image", TestData.File("dlib/faces/2008_002506.jpg")))))
            foreach (var line in (await r.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                Matches("FaceRecord", JsonDocument.Parse(line).RootElement);
        var verdict = JsonDocument.Parse((await (await client.PostAsync("/v1/assess?profile=icao", Raw(a))).Content.ReadAsStringAsync()).Split('\n')[0]).RootElement.GetProperty("verdict");
        Matches("Verdict", verdict);

        // Without a key, no scheme is declared.
        var open = JsonDocument.Parse(await server.Client.GetStringAsync("/openapi/v1.json")).RootElement;
        Assert.False(open.GetProperty("components").TryGetProperty("securitySchemes", out _));
        Assert.False(open.GetProperty("paths").GetProperty("/v1/assess").GetProperty("post").TryGetProperty("security", out _));
    }
}

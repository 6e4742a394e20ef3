using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fiqa.Tests;

namespace Fiqa.Server.Tests;

/// <summary>The OpenAPI document's response schemas are generated from the records the endpoints return: every main
/// route names its success body's schema, and real answers fit it — every field declared with its JSON type, every
/// required field present — so a record and the document cannot drift apart.</summary>
public class OpenApiSchemaTests(DefaultServer server) : IClassFixture<DefaultServer>
{
    private async Task<JsonElement> Document() => JsonDocument.Parse(await server.Client.GetStringAsync("/openapi/v1.json")).RootElement;

    private static JsonElement Response(JsonElement doc, string path, string method, string status, string type) =>
        doc.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty(status)
            .GetProperty("content").GetProperty(type).GetProperty("schema");

    private static List<string?> Required(JsonElement doc, string schema) =>
        doc.GetProperty("components").GetProperty("schemas").GetProperty(schema).GetProperty("required").EnumerateArray().Select(e => e.GetString()).ToList();

    [Theory]
    [InlineData("/health", "Liveness", false)]
    [InlineData("/ready", "ReadyState", false)]
    [InlineData("/v1/measures", "MeasureInfo", true)]
    [InlineData("/v1/methods", "UnifiedMethodInfo", true)]
    [InlineData("/v1/metrics", "MetricInfo", true)]
    [InlineData("/v1/profiles", "ProfileInfo", true)]
    public async Task GetRoute_NamesItsBodySchema_AndTheAnswerFitsIt(string path, string schema, bool array)
    {
        var doc = await Document();
        var declared = Response(doc, path, "get", "200", "application/json");
        if (array)
        {
            Assert.Equal("array", declared.GetProperty("type").GetString());
            declared = declared.GetProperty("items");
        }
        Assert.Equal($"#/components/schemas/{schema}", declared.GetProperty("$ref").GetString());

        using var r = await server.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        List<JsonElement> items = array ? [.. body.EnumerateArray()] : [body];
        Assert.NotEmpty(items);
        foreach (var item in items) Assert.Null(Misfit(doc, declared, item, path));
    }

    [Fact]
    public async Task PostRoutes_AnswersFitTheGeneratedSchemas_NonFiniteScoresAndErrorsIncluded()
    {
        var doc = await Document();
        // Optional exactly where the writer may leave a field out: `file` only when one run scores several images.
        Assert.Equal(["metric", "score", "lower_better"], Required(doc, "IqaScore"));
        Assert.Equal(["error", "request_id"], Required(doc, "ApiError"));
        Assert.Equal(["similarity", "threshold"], Required(doc, "FaceComparison"));

        var a = TestData.File("fixtures/astronaut.jpg");
        var b = TestData.File("fixtures/astronaut_grey.jpg");
        using (var r = await server.Client.PostAsync("/v1/compare", Parts(("a", a), ("b", b))))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var line = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
            Assert.Null(Misfit(doc, Response(doc, "/v1/compare", "post", "200", "application/x-ndjson"), line, "compare"));
            Assert.True(line.GetProperty("match").GetBoolean());
        }
        // PSNR of an image against itself is written as "Infinity": the schema offers it beside numbers.
        using (var r = await server.Client.PostAsync("/v1/iqa?metric=psnr,niqe", Parts(("image", a), ("reference", a))))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var lines = (await r.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal("Infinity", lines[0].GetProperty("score").GetString());
            foreach (var line in lines) Assert.Null(Misfit(doc, Response(doc, "/v1/iqa", "post", "200", "application/x-ndjson"), line, "iqa"));
        }
        using (var r = await server.Client.PostAsync("/v1/compare?threshold=abc", Parts(("a", a), ("b", b))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            var error = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
            Assert.Null(Misfit(doc, Response(doc, "/v1/compare", "post", "400", "application/json"), error, "compare 400"));
        }
    }

    private static MultipartFormDataContent Parts(params (string Field, string Path)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, path) in files)
        {
            var content = new ByteArrayContent(File.ReadAllBytes(path));
            content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(content, field, path);
        }
        return form;
    }

    /// <summary>Why <paramref name="value"/> does not fit <paramref name="schema"/> (the JSON Schema keywords the
    /// document uses: $ref, anyOf / oneOf, enum, type, properties, required, items), or null when it fits.</summary>
    private static string? Misfit(JsonElement doc, JsonElement schema, JsonElement value, string at)
    {
        if (schema.TryGetProperty("$ref", out var reference))
            schema = doc.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!["#/components/schemas/".Length..]);
        foreach (var keyword in new[] { "anyOf", "oneOf" })
            if (schema.TryGetProperty(keyword, out var alternatives))
                return alternatives.EnumerateArray().Any(s => Misfit(doc, s, value, at) is null) ? null : $"{at}: {value} fits none of {keyword}";
        if (schema.TryGetProperty("enum", out var values))
            return values.EnumerateArray().Any(v => v.GetRawText() == value.GetRawText()) ? null : $"{at}: {value} is not one of {values}";
        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).ToList() : [type.GetString()];
            string kind = value.ValueKind switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Number => types.Contains("integer") && value.TryGetInt64(out _) ? "integer" : "number",
                JsonValueKind.True or JsonValueKind.False => "boolean",
                JsonValueKind.Array => "array",
                JsonValueKind.Object => "object",
                _ => "null",
            };
            if (!types.Contains(kind)) return $"{at}: a {kind}, declared {type}";
        }
        if (value.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties))
        {
            foreach (var field in value.EnumerateObject())
            {
                if (!properties.TryGetProperty(field.Name, out var declared)) return $"{at}: '{field.Name}' is not declared";
                if (Misfit(doc, declared, field.Value, $"{at}.{field.Name}") is { } why) return why;
            }
            if (schema.TryGetProperty("required", out var required))
                foreach (var name in required.EnumerateArray().Select(n => n.GetString()!))
                    if (!value.TryGetProperty(name, out _)) return $"{at}: required '{name}' is missing";
        }
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
            foreach (var (item, i) in value.EnumerateArray().Select((item, i) => (item, i)))
                if (Misfit(doc, items, item, $"{at}[{i}]") is { } why) return why;
        return null;
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Fiqa.Face;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Fiqa.Server;

/// <summary>What the generated OpenAPI document cannot know from the handlers' signatures, because the endpoints read
/// their images themselves (<see cref="Uploads"/>): the named multipart parts, the query fields' meaning, the
/// <c>/v1/assess</c> record (written field by field by FaceJson, so described here), the error body on answers the
/// framework declares without one, and the API-key scheme when the service has a key. Every other body's schema is
/// generated from its record (<c>Contracts.cs</c>, <see cref="Fiqa.Face.FaceComparison"/>, <see cref="Fiqa.Iqa.IqaScore"/>).</summary>
internal static class ApiDocument
{
    private const string Json = "application/json";
    private const string NdJson = "application/x-ndjson";
    private const string ApiKeyScheme = "ApiKey";

    /// <summary>The query fields, by name: what each means (types come from the handlers).</summary>
    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        ["measures"] = "Quality measures to compute, comma-separated ids from GET /v1/measures, or `none`; default: all. A profile's measures are always added.",
        ["unified"] = "Unified quality methods to add to each record, comma-separated (GET /v1/methods).",
        ["profile"] = "Verdict profile: `icao`, `enrolment`, `verification`, or the name of a profile file the service was started with (fiqa serve --profile FILE); GET /v1/profiles lists them. Without it records carry no verdict.",
        ["all_faces"] = "`true`: one record per face, the primary (largest) first; default `false`: the primary face only. Other faces count for SingleFacePresent either way.",
        ["embeddings"] = "`true`: each record carries its face's 512-d embedding.",
        ["auto_rotate"] = "`true`: a face found only in the image turned by 90°, 180° or 270° is assessed upright with no rotation reason.",
        ["assume_upright"] = "`true`: do not look for faces in turned copies of the image (faster; contradicts auto_rotate).",
        ["name"] = "The record's `file` for an image sent as the raw body (multipart parts use their file names).",
        ["threshold"] = $"Cosine similarity at or above which the two faces match, -1..1; default {Verification.DefaultThreshold.ToString(CultureInfo.InvariantCulture)} (calibrated on installed data, as `fiqa compare`).",
        ["metric"] = "Image quality metrics, comma-separated names from GET /v1/metrics (e.g. `psnr,ssim`).",
    };

    /// <summary>What each error status means on this service.</summary>
    private static readonly Dictionary<string, string> ErrorMeanings = new(StringComparer.Ordinal)
    {
        ["400"] = "A query field or part is missing or wrong; `error` names it first and says why.",
        ["413"] = "The body is over Fiqa:MaxBodyBytes.",
        ["415"] = "Neither multipart/form-data nor an image media type.",
        ["422"] = "An image that cannot be used: unreadable, over Fiqa:MaxPixels, more faces than Fiqa:MaxFaces, or (compare) no face.",
        ["429"] = "The queue is full; retry after the Retry-After header's seconds.",
        ["503"] = "Models not loaded, or the request ran past Fiqa:RequestTimeoutSeconds.",
    };

    /// <summary>Registers the transformers that complete the generated schemas and the document.</summary>
    public static void Describe(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddSchemaTransformer(Generated);
        options.AddDocumentTransformer(Complete);
    }

    /// <summary>Two corrections to the schemas generated from the records, so they say what the writers write.</summary>
    private static Task Generated(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancel)
    {
        // A number that may be written as "NaN" / "Infinity" (IqaScore.Score) comes as anyOf number | those names, under
        // a "type": "object" that no value has.
        if (schema.AnyOf is { Count: > 0 } && context.JsonTypeInfo.Type == typeof(double)) schema.Type = null;
        // Absent values are left out of the bodies (Api.Configure): a property that may be null is not required.
        if (schema.Required is { Count: > 0 } required && context.JsonTypeInfo.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object)
            foreach (var property in context.JsonTypeInfo.Properties)
                if (property.IsGetNullable) required.Remove(property.Name);
        return Task.CompletedTask;
    }

    private static Task Complete(OpenApiDocument doc, OpenApiDocumentTransformerContext context, CancellationToken cancel)
    {
        doc.Info.Title = "Fiqa";
        doc.Info.Description = "Face image quality (ISO/IEC 29794-5 components, verdict profiles, unified scores) and image quality metrics.";
        doc.Components ??= new OpenApiComponents();
        doc.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var (name, schema) in Schemas(doc)) doc.Components.Schemas[name] = schema;
        // Left by Accepts<IFormFile>; the request bodies below name their parts instead.
        doc.Components.Schemas.Remove("IFormFile");
        bool keyed = !string.IsNullOrEmpty(context.ApplicationServices.GetRequiredService<ServerOptions>().ApiKey);
        if (keyed)
        {
            doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            doc.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-Api-Key",
                Description = "The key the service was started with (fiqa serve --api-key, FIQA_API_KEY); every /v1 request needs it.",
            };
        }

        Operation(doc, "/v1/assess", Parts(new()
        {
            ["image"] = Array("One or more images, each a file part; any part name works and records come in part order (up to Fiqa:MaxFiles)."),
        }, []), File("One image as the raw body."),
            (200, NdJson, "FaceRecord", "One JSON line per face (the primary first), or one no_face / error line per file: the lines `fiqa assess` prints."),
            (422, NdJson, "FaceRecord", "One unreadable image: its error record (a batch answers 200 with the error record among the others)."));
        Operation(doc, "/v1/annotate", Parts(new() { ["image"] = File("The image to annotate.") }, ["image"]), File("The image as the raw body."),
            (200, "image/png", null, "The image with every face boxed (the primary solid, the others dashed), landmarks, the aligned crop and the failed requirements' regions."));
        Operation(doc, "/v1/compare", Parts(new()
        {
            ["a"] = File("The first photo; its primary (largest) face is compared."),
            ["b"] = File("The second photo; its primary (largest) face is compared."),
        }, ["a", "b"]), null);
        Operation(doc, "/v1/iqa", Parts(new()
        {
            ["image"] = File("The image to score."),
            ["reference"] = File("The pristine reference; required by full-reference metrics (GET /v1/metrics, kind full_reference)."),
        }, ["image"]), null);
        Describe(doc, "/v1/compare", 200, "One JSON line, as `fiqa compare` prints.");
        Describe(doc, "/v1/iqa", 200, "One JSON line per metric, in the order asked, as `fiqa iqa` prints.");

        foreach (var (path, item) in doc.Paths)
        {
            if (!path.StartsWith("/v1/", StringComparison.Ordinal) || item.Operations is null) continue;
            foreach (var op in item.Operations.Values)
            {
                foreach (var p in op.Parameters?.OfType<OpenApiParameter>() ?? [])
                    if (p.Name is { } n && Fields.TryGetValue(n, out var text)) p.Description = text;
                op.Responses ??= new OpenApiResponses();
                foreach (var code in op.Responses.Keys.Where(c => c[0] is '4' or '5').ToList())
                {
                    if (op.Responses[code].Content is not { Count: > 0 })
                        op.Responses[code] = ErrorResponse(doc, code, ErrorMeanings.GetValueOrDefault(code));
                    else if (op.Responses[code] is OpenApiResponse typed && ErrorMeanings.TryGetValue(code, out var meaning) && typed.Content!.ContainsKey(Json))
                        typed.Description = meaning;
                }
                if (!keyed) continue;
                op.Responses["401"] = ErrorResponse(doc, "401", "Missing or wrong X-Api-Key header.");
                op.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, doc)] = [] }];
            }
        }
        return Task.CompletedTask;
    }

    private static void Operation(OpenApiDocument doc, string path, OpenApiSchema multipart, OpenApiSchema? raw,
        params (int Status, string Type, string? Schema, string Description)[] bodies)
    {
        if (doc.Paths.TryGetValue(path, out var item) is false || item.Operations?.GetValueOrDefault(HttpMethod.Post) is not { } op) return;
        var content = new Dictionary<string, OpenApiMediaType> { ["multipart/form-data"] = new() { Schema = multipart } };
        if (raw is not null)
            foreach (var t in Uploads.RawTypes) content[t] = new() { Schema = raw };
        op.RequestBody = new OpenApiRequestBody { Required = true, Content = content };
        // Read by Uploads from the query rather than bound, so the generator cannot see it.
        if (raw is not null)
            (op.Parameters ??= []).Add(new OpenApiParameter { Name = "name", In = ParameterLocation.Query, Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
        op.Responses ??= new OpenApiResponses();
        foreach (var (status, type, schema, description) in bodies)
        {
            var media = new OpenApiMediaType
            {
                Schema = schema is null ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } : new OpenApiSchemaReference(schema, doc),
            };
            var key = status.ToString(CultureInfo.InvariantCulture);
            // A status that also answers the JSON error (422 for too many faces) keeps it beside this body.
            var response = new OpenApiResponse { Description = description, Content = new Dictionary<string, OpenApiMediaType> { [type] = media } };
            if (status != 200) response.Content[Json] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(nameof(ApiError), doc) };
            op.Responses[key] = response;
        }
    }

    /// <summary>Sets the description of a response whose body the generator typed from the endpoint's metadata.</summary>
    private static void Describe(OpenApiDocument doc, string path, int status, string description)
    {
        if (doc.Paths.TryGetValue(path, out var item) && item.Operations?.GetValueOrDefault(HttpMethod.Post)?.Responses is { } responses
            && responses.TryGetValue(status.ToString(CultureInfo.InvariantCulture), out var response) && response is OpenApiResponse r)
            r.Description = description;
    }

    private static OpenApiResponse ErrorResponse(OpenApiDocument doc, string code, string? description) => new()
    {
        Description = description ?? Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(int.Parse(code, CultureInfo.InvariantCulture)),
        Content = new Dictionary<string, OpenApiMediaType> { [Json] = new() { Schema = new OpenApiSchemaReference(nameof(ApiError), doc) } },
    };

    private static OpenApiSchema Parts(Dictionary<string, IOpenApiSchema> parts, HashSet<string> required) =>
        new() { Type = JsonSchemaType.Object, Properties = parts, Required = required };

    private static OpenApiSchema File(string description) => new() { Type = JsonSchemaType.String, Format = "binary", Description = description };

    private static OpenApiSchema Array(string description) => new() { Type = JsonSchemaType.Array, Items = File("An image file."), Description = description };

    private static OpenApiSchema Object(string description, Dictionary<string, IOpenApiSchema> properties, params string[] required) =>
        new() { Type = JsonSchemaType.Object, Description = description, Properties = properties, Required = required.ToHashSet() };

    private static OpenApiSchema Of(JsonSchemaType type, string description) => new() { Type = type, Description = description };

    private static OpenApiSchema Enum(string description, params string[] values) =>
        new() { Type = JsonSchemaType.String, Description = description, Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList() };

    private static OpenApiSchema Numbers(string description, int? count = null) =>
        new() { Type = JsonSchemaType.Array, Items = Of(JsonSchemaType.Number, "A number."), MinItems = count, MaxItems = count, Description = description };

    /// <summary>The <c>/v1/assess</c> record and its verdict, as FaceJson writes them.</summary>
    private static IEnumerable<(string, IOpenApiSchema)> Schemas(OpenApiDocument doc)
    {
        var reason = Object("One failed requirement.", new()
        {
            ["code"] = Of(JsonSchemaType.String, "Stable reason code, e.g. `exposure.luminance.low`."),
            ["measure"] = Of(JsonSchemaType.String, "The measure the requirement reads."),
            ["value"] = Of(JsonSchemaType.Number, "The measured value."),
            ["unit"] = Of(JsonSchemaType.String, "The value's unit."),
            ["threshold"] = Of(JsonSchemaType.Number, "The bound it missed."),
            ["direction"] = Of(JsonSchemaType.String, "Which side of the bound the value fell on (below, above, …)."),
            ["clause"] = Of(JsonSchemaType.String, "The standard's clause the requirement comes from."),
            ["text"] = Of(JsonSchemaType.String, "The reason in words."),
        }, "code", "direction", "text");
        yield return ("Verdict", Object("The profile's verdict: pass, or the failed requirements.", new()
        {
            ["pass"] = Of(JsonSchemaType.Boolean, "Whether every requirement is met."),
            ["reasons"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = reason, Description = "The failed requirements; empty on a pass." },
        }, "pass", "reasons"));
        var measure = Object("One measure's result.", new()
        {
            ["raw"] = Of(JsonSchemaType.Number | JsonSchemaType.Null, "The native value (unit per measure, GET /v1/measures)."),
            ["scalar"] = Of(JsonSchemaType.Integer, "The quality component, 0..100 (ISO/IEC 29794-5)."),
            ["status"] = Enum("Whether the measure could be assessed.", "success", "failure_to_assess"),
            ["reason"] = Of(JsonSchemaType.String, "Why it could not be assessed."),
            ["requirement"] = Object("With a profile, for a component it judges: the requirement and whether this face meets it (the scalar is the component's general 0..100 mapping, not the profile's limit).", new()
            {
                ["pass"] = Of(JsonSchemaType.Boolean, "Whether every requirement of the profile on this component is met."),
                ["text"] = Of(JsonSchemaType.String, "The requirement(s) in words, e.g. `|pitch| ≤ 5°`."),
            }, "pass", "text"),
        }, "raw", "scalar", "status");
        var unified = Object("One unified method's score.", new()
        {
            ["raw"] = Of(JsonSchemaType.Number | JsonSchemaType.Null, "The method's native score; null when the method failed on this face."),
            ["scalar"] = Of(JsonSchemaType.Integer, "Mapped to 0..100; −1 when the method failed."),
            ["status"] = Enum("Present when the method could not score this face.", "failure_to_assess"),
            ["reason"] = Of(JsonSchemaType.String, "Why the method failed."),
        }, "raw", "scalar");
        yield return ("FaceRecord", Object("One `fiqa assess` record: a face, or a file without one.", new()
        {
            ["file"] = Of(JsonSchemaType.String, "The part's file name, or `name` for a raw body."),
            ["face"] = Of(JsonSchemaType.Integer, "The face's index, largest first (0: the primary face)."),
            ["status"] = Enum("`ok`: a face record; `no_face`, `error`: the file's only record.", "ok", "no_face", "error"),
            ["error"] = Of(JsonSchemaType.String, "Why the file could not be read or analysed."),
            ["rotation"] = Of(JsonSchemaType.Integer, "Degrees the image was turned to find the face upright; coordinates refer to the upright image."),
            ["box"] = Numbers("Face box [x, y, width, height], pixels.", 4),
            ["score"] = Of(JsonSchemaType.Number, "Detector confidence, 0..1."),
            ["landmarks"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = Numbers("[x, y], pixels.", 2), Description = "The 68 landmarks." },
            ["pose"] = Object("Head pose, degrees.", new() { ["yaw"] = Of(JsonSchemaType.Number, "Degrees."), ["pitch"] = Of(JsonSchemaType.Number, "Degrees."), ["roll"] = Of(JsonSchemaType.Number, "Degrees.") }),
            ["eyes"] = Object("Eye openness, 0..1.", new() { ["left"] = Of(JsonSchemaType.Number, "0..1."), ["right"] = Of(JsonSchemaType.Number, "0..1.") }),
            ["liveness"] = Of(JsonSchemaType.Number, "Liveness probability, 0..1."),
            ["embedding_norm"] = Of(JsonSchemaType.Number, "Norm of the unnormalised embedding."),
            ["embedding"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = Of(JsonSchemaType.Number, "A component."), Description = "The unit embedding (with `embeddings=true`)." },
            ["quality"] = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = measure, Description = "Measure id → result, catalogue order." },
            ["unified"] = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = unified, Description = "Method → score (with `unified`)." },
            ["verdict"] = new OpenApiSchemaReference("Verdict", doc),
        }, "file", "status"));
    }
}

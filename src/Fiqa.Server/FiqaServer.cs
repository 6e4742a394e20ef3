using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fiqa.Face;
using Fiqa.Face.Models;
using Fiqa.Imaging;
using Fiqa.Iqa;
using Fiqa.Quality;
using Fiqa.Quality.Records;
using Fiqa.Quality.Reports;
using Fiqa.Quality.Unified;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Fiqa.Server;

/// <summary>The HTTP service: builds the host (limits, logs, OpenAPI, page) and maps the endpoints. Endpoints parse the
/// request, call the libraries and write what the CLI writes; the logic stays in the libraries.</summary>
public static class FiqaServer
{
    /// <summary>Where the service listens when nothing else is configured: loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Runs the service until Ctrl+C / SIGTERM (in-flight requests are drained). Returns 0, or 2 with one
    /// line on stderr when the configuration is refused (e.g. off loopback without an API key).</summary>
    public static int Run(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(args);
            app.Run();
            return 0;
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("fiqa serve:", StringComparison.Ordinal))
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }

    /// <summary>The configured application, not yet started.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any() is false)
            builder.WebHost.UseUrls(DefaultUrl);
        // Refused before anything binds: the hosted-service check below runs only after the server has started listening.
        StartupGuard.Check(Options(builder.Configuration), builder.Configuration);
        builder.Logging.ClearProviders();
        // One line per request from us; the framework's own per-request lines only when something goes wrong.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.UseUtcTimestamp = true;
        });
        builder.Services.AddSingleton(sp => Options(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton(sp => new AssessorPool(sp.GetRequiredService<ServerOptions>(), sp.GetRequiredService<ServedMethods>()));
        builder.Services.AddSingleton(sp => { var o = sp.GetRequiredService<ServerOptions>(); return new WorkGate(o.MaxConcurrency, o.QueueLimit); });
        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddSingleton(sp => new ServedMethods(sp.GetRequiredService<ServerOptions>()));
        builder.Services.AddHostedService<StartupGuard>();
        builder.Services.Configure<HostOptions>(o =>
            o.ShutdownTimeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("Fiqa:ShutdownSeconds", 30.0)));
        builder.Services.AddOpenApi(ApiDocument.Describe);
        var app = builder.Build();
        Map(app);
        return app;
    }

    private static ServerOptions Options(IConfiguration configuration)
    {
        var o = configuration.GetSection("Fiqa").Get<ServerOptions>() ?? new ServerOptions();
        return string.IsNullOrEmpty(o.ApiKey) && Environment.GetEnvironmentVariable("FIQA_API_KEY") is { Length: > 0 } key ? o with { ApiKey = key } : o;
    }

    private static void Map(WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Fiqa.Server");
        app.Use(async (ctx, next) =>
        {
            var given = ctx.Request.Headers["X-Request-Id"].FirstOrDefault();
            var id = given is { Length: > 0 and <= 64 } && given.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? given : Guid.NewGuid().ToString("N");
            ctx.TraceIdentifier = id;
            ctx.Response.Headers["X-Request-Id"] = id;
            var sw = Stopwatch.StartNew();
            using (log.BeginScope(new Dictionary<string, object> { ["request_id"] = id }))
            {
                await next(ctx).ConfigureAwait(false);
                if (log.IsEnabled(LogLevel.Information))
                    log.LogInformation("{Method} {Path} {Status} {ElapsedMs}", ctx.Request.Method, ctx.Request.Path.Value, ctx.Response.StatusCode, Math.Round(sw.Elapsed.TotalMilliseconds, 1));
            }
        });
        var options = app.Services.GetRequiredService<ServerOptions>();
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            var expected = Encoding.UTF8.GetBytes(options.ApiKey);
            app.Use(async (ctx, next) =>
            {
                if (ctx.Request.Path.StartsWithSegments("/v1"))
                {
                    var given = Encoding.UTF8.GetBytes(ctx.Request.Headers["X-Api-Key"].FirstOrDefault() ?? "");
                    if (!CryptographicOperations.FixedTimeEquals(given, expected))
                    {
                        await Api.Error(401, "missing or wrong X-Api-Key header").ExecuteAsync(ctx).ConfigureAwait(false);
                        return;
                    }
                }
                await next(ctx).ConfigureAwait(false);
            });
        }

        // Before binding, whose own failure is a bare 400: a flag or number that does not parse is refused by name.
        app.Use(async (ctx, next) =>
        {
            if (ctx.GetEndpoint() is { } endpoint && QueryFields.Problem(endpoint, ctx.Request.Query) is { } problem)
            {
                await Api.Error(400, problem).ExecuteAsync(ctx).ConfigureAwait(false);
                return;
            }
            await next(ctx).ConfigureAwait(false);
        });

        // Answers the framework gives without a body (415 from the endpoints' accepted types, 404, 405) get the same JSON error.
        app.UseStatusCodePages(async ctx =>
        {
            int code = ctx.HttpContext.Response.StatusCode;
            var message = code switch
            {
                415 => $"unsupported media type '{ctx.HttpContext.Request.ContentType ?? "(none)"}': send multipart/form-data with image parts, or the image itself as {string.Join(", ", Uploads.RawTypes)}",
                404 => $"no endpoint {ctx.HttpContext.Request.Path}; see /openapi/v1.json or /docs",
                405 => $"{ctx.HttpContext.Request.Method} is not allowed on {ctx.HttpContext.Request.Path}",
                _ => ReasonPhrases.GetReasonPhrase(code),
            };
            await Api.Error(code, message).ExecuteAsync(ctx.HttpContext).ConfigureAwait(false);
        });
        app.MapOpenApi();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "Fiqa v1");
            o.RoutePrefix = "docs";
            o.DocumentTitle = "Fiqa API";
        });

        app.MapGet("/health", () => Results.Text("{\"status\":\"live\"}\n", "application/json")).WithTags("service").WithSummary("Liveness: the process answers.");
        app.MapGet("/ready", (Readiness r) => r.Error is { } error
            ? Api.Error(503, "models failed to load; the service log says why")
            : r.Ready ? Results.Text("{\"ready\":true}\n", "application/json") : Results.Text("{\"ready\":false}\n", "application/json", Encoding.UTF8, 503))
            .WithTags("service").WithSummary("Readiness: models loaded and warmed (503 until then).");

        var v1 = app.MapGroup("/v1");
        v1.MapGet("/measures", () => Results.Text(Catalogues.Measures(), "application/json")).WithTags("catalogues").WithSummary("The quality measures (ISO/IEC 29794-5 components).");
        v1.MapGet("/methods", (ServedMethods served) => Results.Text(Catalogues.Methods(served), "application/json")).WithTags("catalogues").WithSummary("The unified quality methods.");
        v1.MapGet("/metrics", () => Results.Text(Catalogues.Metrics(), "application/json")).WithTags("catalogues").WithSummary("The image quality metrics.");
        v1.MapGet("/profiles", (AssessorPool pool) => Results.Text(Catalogues.Profiles(pool.ServedProfiles), "application/json")).WithTags("catalogues").WithSummary("The verdict profiles (built-in, then those given to fiqa serve --profile) and their requirements.");

        v1.MapPost("/assess", AssessAsync).WithTags("quality").DisableAntiforgery()
            .WithSummary("Assess one image (raw body or one part) or a batch (several parts): exactly the JSON Lines `fiqa assess` writes.")
            .Accepts<IFormFile>("multipart/form-data", Uploads.RawTypes)
            .Produces(200, contentType: "application/x-ndjson").Produces(400).Produces(413).Produces(415).Produces(422).Produces(429).Produces(503);
        v1.MapPost("/annotate", AnnotateAsync).WithTags("quality").DisableAntiforgery()
            .WithSummary("The image with each face's box, landmarks, aligned crop and the regions of failed requirements (PNG).")
            .Accepts<IFormFile>("multipart/form-data", Uploads.RawTypes)
            .Produces(200, contentType: "image/png").Produces(400).Produces(413).Produces(415).Produces(422).Produces(429).Produces(503);
        v1.MapPost("/compare", CompareAsync).WithTags("recognition").DisableAntiforgery()
            .WithSummary("Cosine similarity of the primary faces of parts 'a' and 'b', and the match decision (as `fiqa compare`).")
            .Accepts<IFormFile>("multipart/form-data").Produces(200, contentType: "application/x-ndjson").Produces(400).Produces(413).Produces(415).Produces(422).Produces(429);
        v1.MapPost("/iqa", IqaAsync).WithTags("iqa").DisableAntiforgery()
            .WithSummary("Image quality metrics on part 'image' (full-reference ones against part 'reference'), one JSON line per metric (as `fiqa iqa`).")
            .Accepts<IFormFile>("multipart/form-data").Produces(200, contentType: "application/x-ndjson").Produces(400).Produces(413).Produces(415).Produces(422).Produces(429);

        app.MapGet("/", () => Page("index.html", "text/html; charset=utf-8")).ExcludeFromDescription();
        app.MapGet("/app.js", () => Page("app.js", "text/javascript; charset=utf-8")).ExcludeFromDescription();
        app.MapGet("/app.css", () => Page("app.css", "text/css; charset=utf-8")).ExcludeFromDescription();
    }

    private static readonly ConcurrentDictionary<string, byte[]> PageCache = new();

    private static IResult Page(string name, string type) => Results.Bytes(PageCache.GetOrAdd(name, n =>
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Fiqa.Server.wwwroot.{n}")
            ?? throw new InvalidOperationException($"page asset {n} is not embedded");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }), type);

    private static AssessQuery Query(string? measures, string? unified, string? profile, bool? allFaces, bool? autoRotate, bool? assumeUpright) =>
        new(string.IsNullOrWhiteSpace(measures) ? null : measures, string.IsNullOrWhiteSpace(unified) ? null : unified,
            string.IsNullOrWhiteSpace(profile) ? null : profile.Trim().ToLowerInvariant(), allFaces ?? false, autoRotate ?? false, assumeUpright ?? false);

    private static async Task<IResult> AssessAsync(HttpContext ctx, AssessorPool pool, WorkGate gate, ServerOptions options, ServedMethods served,
        string? measures, string? unified, string? profile, [FromQuery(Name = "all_faces")] bool? allFaces, bool? embeddings,
        [FromQuery(Name = "auto_rotate")] bool? autoRotate, [FromQuery(Name = "assume_upright")] bool? assumeUpright)
    {
        var deadline = DateTime.UtcNow.AddSeconds(options.RequestTimeoutSeconds);
        var (servedUnified, unifiedProblem) = served.Resolve(unified);
        var q = Query(measures, servedUnified, profile, allFaces, autoRotate, assumeUpright);
        if ((unifiedProblem ?? q.Problem(pool.ServedProfiles)) is { } problem) return Api.Error(400, problem);
        var (files, error) = await Uploads.ReadAsync(ctx.Request, options, options.MaxFiles).ConfigureAwait(false);
        if (error is not null) return error;
        bool withEmbedding = embeddings ?? false;
        return await Gated(ctx, gate, pool, deadline, () => WithAssessor(pool, q, assessor =>
        {
            var lines = new List<string>();
            foreach (var f in files!)
            {
                var r = assessor.Assess(f.Bytes, f.Label);
                if (r.Faces.Count > options.MaxFaces)
                    return Api.Error(422, $"{f.Label}: {r.Faces.Count} faces; the limit is {options.MaxFaces} (Fiqa:MaxFaces)");
                if (files!.Count == 1 && r.Status == FileStatus.Error) return Api.Lines(FaceJson.Records(r, withEmbedding), 422);
                lines.AddRange(FaceJson.Records(r, withEmbedding));
            }
            return Api.Lines(lines);
        })).ConfigureAwait(false);
    }

    private static async Task<IResult> AnnotateAsync(HttpContext ctx, AssessorPool pool, WorkGate gate, ServerOptions options, ServedMethods served,
        string? measures, string? unified, string? profile, [FromQuery(Name = "all_faces")] bool? allFaces,
        [FromQuery(Name = "auto_rotate")] bool? autoRotate, [FromQuery(Name = "assume_upright")] bool? assumeUpright)
    {
        var deadline = DateTime.UtcNow.AddSeconds(options.RequestTimeoutSeconds);
        var (servedUnified, unifiedProblem) = served.Resolve(unified);
        var q = Query(measures, servedUnified, profile, allFaces, autoRotate, assumeUpright);
        if ((unifiedProblem ?? q.Problem(pool.ServedProfiles)) is { } problem) return Api.Error(400, problem);
        var (files, error) = await Uploads.ReadAsync(ctx.Request, options, 1).ConfigureAwait(false);
        if (error is not null) return error;
        return await Gated(ctx, gate, pool, deadline, () => WithAssessor(pool, q, assessor =>
        {
            var f = files![0];
            RgbImage image;
            try
            {
                image = ImageDecoder.Decode(f.Bytes, options.Decode);
            }
            catch (ImageDecodeException e)
            {
                return Api.Error(422, $"{f.Label}: {e.Message}");
            }
            var r = assessor.Assess(image, f.Label);
            if (r.Faces.Count > options.MaxFaces) return Api.Error(422, $"{f.Label}: {r.Faces.Count} faces; the limit is {options.MaxFaces} (Fiqa:MaxFaces)");
            return Results.Bytes(AnnotationRenderer.Png(image, r), "image/png");
        })).ConfigureAwait(false);
    }

    private static async Task<IResult> CompareAsync(HttpContext ctx, AssessorPool pool, WorkGate gate, ServerOptions options, float? threshold)
    {
        var deadline = DateTime.UtcNow.AddSeconds(options.RequestTimeoutSeconds);
        float t = threshold ?? Verification.DefaultThreshold;
        if (Verification.ThresholdProblem(t) is { } problem) return Api.Error(400, $"threshold: {problem}");
        var (files, error) = await Uploads.ReadAsync(ctx.Request, options, 2).ConfigureAwait(false);
        if (error is not null) return error;
        var a = files!.FirstOrDefault(f => f.Field == "a");
        var b = files!.FirstOrDefault(f => f.Field == "b");
        if (a is null || b is null) return Api.Error(400, $"{(a is null ? "a" : "b")}: missing file part; send the two photos as file parts named 'a' and 'b'");
        return await Gated(ctx, gate, pool, deadline, () =>
        {
            var analyses = new List<FileAnalysis>();
            foreach (var f in new[] { a, b })
            {
                RgbImage image;
                try
                {
                    image = ImageDecoder.Decode(f.Bytes, options.Decode);
                }
                catch (ImageDecodeException e)
                {
                    return Api.Error(422, $"{f.Field} ({f.Label}): {e.Message}");
                }
                var analysis = FileAnalysis.Run(pool.Comparer, f.Label, image);
                if (analysis.Status != FileStatus.Ok)
                    return Api.Error(422, $"{f.Field} ({f.Label}): {(analysis.Status == FileStatus.NoFace ? "no face found" : analysis.Error)}");
                analyses.Add(analysis);
            }
            float similarity = analyses[0].Faces[0].Embedding!.CosineSimilarity(analyses[1].Faces[0].Embedding!);
            return Api.Lines([FaceJson.Write(w =>
            {
                w.WriteNumber("similarity", Math.Round(similarity, 4));
                w.WriteNumber("threshold", Math.Round(t, 4));
                w.WriteBoolean("match", similarity >= t);
            })]);
        }).ConfigureAwait(false);
    }

    private static readonly ConcurrentDictionary<string, Lazy<IIqaMetric>> Metrics = new(StringComparer.Ordinal);

    private static async Task<IResult> IqaAsync(HttpContext ctx, AssessorPool pool, WorkGate gate, ServerOptions options, string? metric)
    {
        var deadline = DateTime.UtcNow.AddSeconds(options.RequestTimeoutSeconds);
        if (string.IsNullOrWhiteSpace(metric)) return Api.Error(400, $"metric: required; one or more of {string.Join(", ", IqaCatalogue.Metrics.Syntax)}");
        MetricDescriptor[] descriptors;
        try
        {
            descriptors = metric.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(IqaCatalogue.Find).ToArray();
        }
        catch (ArgumentException e)
        {
            return Api.Error(400, $"metric: {e.Message}");
        }
        var (files, error) = await Uploads.ReadAsync(ctx.Request, options, 2).ConfigureAwait(false);
        if (error is not null) return error;
        var image = files!.FirstOrDefault(f => f.Field == "image") ?? (files!.Count == 1 && files[0].Field != "reference" ? files[0] : null);
        var reference = files!.FirstOrDefault(f => f.Field == "reference");
        if (image is null) return Api.Error(400, "image: missing file part; send the image to score as a file part named 'image' (and 'reference' for full-reference metrics)");
        if (reference is null && descriptors.FirstOrDefault(d => d.Kind == MetricKind.FullReference) is { } fr)
            return Api.Error(400, $"reference: missing file part; {fr.Name} is full-reference, send the reference image as a file part named 'reference'");
        return await Gated(ctx, gate, pool, deadline, () =>
        {
            RgbImage img, refImg;
            try
            {
                img = ImageDecoder.Decode(image.Bytes, options.Decode);
                refImg = reference is null ? null! : ImageDecoder.Decode(reference.Bytes, options.Decode);
            }
            catch (ImageDecodeException e)
            {
                return Api.Error(422, e.Message);
            }
            var lines = new List<string>();
            foreach (var d in descriptors)
            {
                var m = Metrics.GetOrAdd(d.Name, n => new Lazy<IIqaMetric>(() => IqaCatalogue.Create(n, IqaSettings.FromPaths(pool.Paths)))).Value;
                double score;
                try
                {
                    score = m.Score(img, refImg);
                }
                catch (ArgumentException e)
                {
                    return Api.Error(422, $"{d.Name}: {e.Message}");
                }
                lines.Add(FaceJson.Write(w =>
                {
                    w.WriteString("metric", d.Name);
                    if (double.IsFinite(score)) w.WriteNumber("score", score);
                    else w.WriteString("score", score.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    w.WriteBoolean("lower_better", d.LowerIsBetter);
                }));
            }
            return Api.Lines(lines);
        }).ConfigureAwait(false);
    }

    private static IResult WithAssessor(AssessorPool pool, AssessQuery q, Func<FaceQualityAssessor, IResult> body)
    {
        FaceQualityAssessor assessor;
        bool owned;
        try
        {
            (assessor, owned) = pool.Get(q);
        }
        catch (ArgumentException e)
        {
            return Api.Error(400, e.Message);
        }
        try
        {
            return body(assessor);
        }
        finally
        {
            if (owned) assessor.Dispose();
        }
    }

    private static async Task<IResult> Gated(HttpContext ctx, WorkGate gate, AssessorPool pool, DateTime deadline, Func<IResult> work)
    {
        var (outcome, result) = await gate.RunAsync(() =>
        {
            try
            {
                return pool.Use(work);
            }
            catch (ModelConfigurationException e)
            {
                // The reason names files on the server: it goes to the operator's log, the client gets the request id.
                var log = ctx.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Fiqa.Server");
                log.LogError("request {RequestId}: a model failed to load: {Error}", ctx.TraceIdentifier, e.Message);
                return Api.Error(503, "a model this request needs could not be loaded; the service log says why (look up this request_id)");
            }
            catch (ObjectDisposedException)
            {
                return Api.Error(503, "the service is stopping");
            }
        }, deadline, ctx.RequestAborted).ConfigureAwait(false);
        switch (outcome)
        {
            case GateOutcome.Done:
                return result!;
            case GateOutcome.Rejected:
                ctx.Response.Headers.RetryAfter = gate.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Api.Error(429, $"busy: {gate.Concurrency} request(s) computing and the queue is full; retry after {gate.RetryAfterSeconds} s");
            case GateOutcome.TimedOut:
                ctx.Response.Headers.RetryAfter = gate.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Api.Error(503, "the request did not finish within its time limit (Fiqa:RequestTimeoutSeconds)");
            default:
                return Api.Error(499, "client closed the request");
        }
    }

    /// <summary>Whether every URL binds to a loopback address only.</summary>
    public static bool IsLoopbackOnly(IEnumerable<string> urls, out string? offending)
    {
        ArgumentNullException.ThrowIfNull(urls);
        foreach (var raw in urls)
        {
            var url = raw.Trim();
            if (url.Length == 0) continue;
            // Kestrel's wildcards ("*", "+", "0.0.0.0", "[::]") are not valid URI hosts: take the host text between "://" and the port.
            var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
            var host = rest.StartsWith('[') ? rest[1..Math.Max(1, rest.IndexOf(']', StringComparison.Ordinal))] : rest.Split(':', '/')[0];
            bool loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
            if (!loopback)
            {
                offending = url;
                return false;
            }
        }
        offending = null;
        return true;
    }
}

/// <summary>Whether the models are loaded and warmed.</summary>
internal sealed class Readiness
{
    private volatile bool _ready;
    public bool Ready { get => _ready; set => _ready = value; }
    public string? Error { get; set; }
}

/// <summary>Refuses to start with settings that make no sense or that would expose the service without an API key, then
/// loads and warms the models in the background (<c>/ready</c> answers 503 until they are).</summary>
internal sealed class StartupGuard(ServerOptions options, IConfiguration configuration, AssessorPool pool, Readiness readiness, ILogger<StartupGuard> log) : IHostedService
{
    /// <summary>Throws for settings that make no sense, or for an address off loopback without an API key.</summary>
    public static void Check(ServerOptions options, IConfiguration configuration)
    {
        if (options.Problem() is { } problem) throw new InvalidOperationException($"fiqa serve: {problem}");
        options.LoadProfiles();
        var urls = (configuration["urls"] ?? FiqaServer.DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries);
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(c => c["Url"] ?? "").ToList();
        if (!FiqaServer.IsLoopbackOnly(urls.Concat(endpoints), out var offending) && string.IsNullOrEmpty(options.ApiKey))
            throw new InvalidOperationException($"fiqa serve: refusing to listen on {offending} (not loopback) without an API key: pass --api-key KEY or set FIQA_API_KEY");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Check(options, configuration);
        _ = Task.Run(() =>
        {
            var sw = Stopwatch.StartNew();
            try
            {
                pool.Warm();
                readiness.Ready = true;
                if (log.IsEnabled(LogLevel.Information)) log.LogInformation("models loaded and warmed in {ElapsedMs} ms", sw.ElapsedMilliseconds);
            }
            catch (Exception e) when (e is ModelConfigurationException or IOException or ArgumentException or InvalidOperationException)
            {
                readiness.Error = e.Message;
                log.LogError("models failed to load: {Error}", e.Message);
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The catalogues as JSON, from their descriptors.</summary>
internal static class Catalogues
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly Lazy<string> MeasuresJson = new(() => JsonSerializer.Serialize(MeasureCatalogue.Entries.Select(e => new
    {
        id = e.Descriptor.Id, aspect = e.Descriptor.Aspect, native = e.Descriptor.Native, mapping = e.Descriptor.Mapping.Formula,
        method = e.Descriptor.Method, low_means = e.LowMeans,
    }), Json));

    // Methods whose parameter names a file are listed as the operator configured them, by name only (see ServedMethods).
    private static string MethodsJson(ServedMethods served) => JsonSerializer.Serialize(UnifiedCatalogue.Methods.Entries
        .Where(e => e.ContentDigest is null)
        .Select(e => new MethodJson(e.Name, e.Parameter, e.Descriptor.Kind == UnifiedMethodKind.Blind ? "blind" : "labelled_reference",
            e.Descriptor.Description, e.Descriptor.Mapping.Formula, e.Descriptor.Source))
        .Concat(served.Configured.Select(name => new MethodJson(name, null, "blind",
            "an ONNX face quality model configured on this service (fiqa serve --unified)", OnnxQualityModel.Info.Mapping.Formula, OnnxQualityModel.Info.Source))), Json);

    private sealed record MethodJson(string Name, string? Parameter, string Kind, string Description, string Mapping, string Source);

    private static readonly Lazy<string> MetricsJson = new(() => JsonSerializer.Serialize(IqaCatalogue.All.Select(d => new
    {
        name = d.Name, kind = d.Kind == MetricKind.FullReference ? "full_reference" : "no_reference", lower_better = d.LowerIsBetter,
        range = d.Range, reference = d.Reference,
    }), Json));

    private static readonly Lazy<string> BuiltInProfilesJson = new(() => ProfilesJson(VerdictProfile.BuiltIn.Select(VerdictProfile.Load)));

    private static string ProfilesJson(IEnumerable<VerdictProfile> profiles) => JsonSerializer.Serialize(profiles.Select(p => new
    {
        name = p.Name, description = p.Description, sources = p.Sources,
        requirements = p.Requirements.Select(r => new
        {
            code = r.Code, measure = r.Measure, quantity = r.Quantity, unit = r.Unit, min = r.Min, max = r.Max, max_abs = r.MaxAbs,
            min_scalar = r.MinScalar, requirement = r.Describe(), clause = r.Clause,
        }),
        // A calibrated profile says what it was calibrated on, as its verdicts do.
        calibration = p.Reference is { } c ? new { profile = c.Profile, file = c.File, sha256 = c.Sha256, population = c.Population, date = c.Date } : null,
        unified_threshold = p.UnifiedThreshold is { } u ? new { method = u.Method, min = u.Min, fnmr0 = u.Basis?.Fnmr0, fnmr = u.Basis?.Fnmr, fnmr_interval = u.Basis?.FnmrInterval, reject_rate = u.Basis?.RejectRate } : null,
    }), Json);

    public static string Measures() => MeasuresJson.Value;
    public static string Methods(ServedMethods served) => MethodsJson(served);
    public static string Metrics() => MetricsJson.Value;
    public static string Profiles(IReadOnlyDictionary<string, string> served) => served.Count == 0
        ? BuiltInProfilesJson.Value
        : ProfilesJson(VerdictProfile.BuiltIn.Select(VerdictProfile.Load).Concat(served.Values.Select(VerdictProfile.Load)));
}

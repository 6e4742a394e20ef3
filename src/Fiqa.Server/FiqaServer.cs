using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Fiqa.Server.Endpoints;
using Microsoft.AspNetCore.WebUtilities;

namespace Fiqa.Server;

/// <summary>The HTTP service: builds the host (services, limits, logs, OpenAPI) and the middlewares, then maps the
/// endpoint modules of <c>Endpoints/</c>, one per area. Endpoints parse the request, call the libraries and write what
/// the CLI writes; the logic stays in the libraries.</summary>
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
        // Refused before anything binds: the hosted-service check runs only after the server has started listening.
        StartupGuard.Check(Options(builder.Configuration), builder.Configuration);
        builder.Logging.ClearProviders();
        // One line per request from us; the framework's own per-request lines only when something goes wrong.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Every /ready poll while the models load would log an unhealthy check; the load's outcome is logged once instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None);
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.UseUtcTimestamp = true;
        });
        // Every model-holding service is a singleton of this app's container: built from this app's settings and
        // disposed when its host stops, so two services in one process share nothing.
        builder.Services.AddSingleton(sp => Options(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton(sp => FiqaPaths.Resolve(new FiqaPathOverrides { Models = sp.GetRequiredService<ServerOptions>().Models }, AppContext.BaseDirectory));
        builder.Services.AddSingleton(sp => new ServedMethods(sp.GetRequiredService<ServerOptions>()));
        builder.Services.AddSingleton(sp => new AssessorPool(sp.GetRequiredService<ServerOptions>(), sp.GetRequiredService<ServedMethods>(), sp.GetRequiredService<FiqaPaths>()));
        builder.Services.AddSingleton(sp => new IqaMetricPool(sp.GetRequiredService<FiqaPaths>()));
        builder.Services.AddSingleton(sp => { var o = sp.GetRequiredService<ServerOptions>(); return new WorkGate(o.MaxConcurrency, o.QueueLimit); });
        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddHealthChecks().AddCheck<ModelsReadyCheck>("models", tags: [ModelsReadyCheck.Tag]);
        builder.Services.AddHostedService<StartupGuard>();
        builder.Services.Configure<HostOptions>(o =>
            o.ShutdownTimeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("Fiqa:ShutdownSeconds", 30.0)));
        // The typed results' bodies and the OpenAPI document's schemas generated from them share these settings.
        builder.Services.ConfigureHttpJsonOptions(o => Api.Configure(o.SerializerOptions));
        // A lambda, not a method group: the OpenAPI package's generator intercepts only this form, and its interception
        // is what puts the records' XML comments into the schemas as descriptions.
        builder.Services.AddOpenApi(o => ApiDocument.Describe(o));
        var app = builder.Build();
        UseMiddlewares(app);
        MapEndpoints(app);
        return app;
    }

    private static ServerOptions Options(IConfiguration configuration)
    {
        var o = configuration.GetSection("Fiqa").Get<ServerOptions>() ?? new ServerOptions();
        return string.IsNullOrEmpty(o.ApiKey) && Environment.GetEnvironmentVariable("FIQA_API_KEY") is { Length: > 0 } key ? o with { ApiKey = key } : o;
    }

    /// <summary>Every endpoint, by area; the order is the OpenAPI document's.</summary>
    private static void MapEndpoints(WebApplication app)
    {
        app.MapOpenApi();
        app.MapGroup("").MapServiceEndpoints();
        app.MapGroup("/v1")
            .MapCatalogueEndpoints()
            .MapQualityEndpoints()
            .MapCompareEndpoints()
            .MapIqaEndpoints();
        app.MapGroup("").MapPageEndpoints();
    }

    /// <summary>Request ids and logs, the API key on <c>/v1</c>, query fields checked by name, the JSON error body for
    /// answers the framework gives without one, and the API document's UI at <c>/docs</c>.</summary>
    private static void UseMiddlewares(WebApplication app)
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
        // The browsable API document, from the package's embedded assets.
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "Fiqa v1");
            o.RoutePrefix = "docs";
            o.DocumentTitle = "Fiqa API";
        });
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

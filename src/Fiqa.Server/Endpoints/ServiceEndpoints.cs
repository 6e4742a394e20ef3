using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fiqa.Server.Endpoints;

/// <summary>The probes an orchestrator polls: <c>GET /health</c> (the process answers) and <c>GET /ready</c> (the
/// framework's health checks tagged <see cref="ModelsReadyCheck.Tag"/>: models loaded and warmed). They are route
/// handlers over <see cref="HealthCheckService"/> rather than <c>MapHealthChecks</c> endpoints so that they stay in the
/// OpenAPI document, which lists only route handlers.</summary>
internal static class ServiceEndpoints
{
    public static RouteGroupBuilder MapServiceEndpoints(this RouteGroupBuilder g)
    {
        // Liveness runs no check, as the framework advises: a failing dependency must not get a working process restarted.
        g.MapGet("/health", () => TypedResults.Ok(new Liveness("live"))).WithTags("service").WithSummary("Liveness: the process answers.");
        g.MapGet("/ready", ReadyAsync).WithTags("service")
            .WithSummary("Readiness: models loaded and warmed; 503 with {\"ready\": false} while they load, or the error body when they failed to.")
            .Produces<ReadyState>(503);
        return g;
    }

    private static async Task<Results<Ok<ReadyState>, JsonHttpResult<ReadyState>, Api.ErrorHttpResult>> ReadyAsync(HealthCheckService health, CancellationToken aborted)
    {
        var report = await health.CheckHealthAsync(c => c.Tags.Contains(ModelsReadyCheck.Tag), aborted).ConfigureAwait(false);
        // The reason names files on the server: it is in the service log, not in the answer.
        if (report.Entries.Values.Any(e => e.Exception is not null)) return Api.Error(503, "models failed to load; the service log says why");
        return report.Status == HealthStatus.Healthy
            ? TypedResults.Ok(new ReadyState(true))
            : TypedResults.Json(new ReadyState(false), statusCode: 503);
    }
}

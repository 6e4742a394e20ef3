using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fiqa.Server;

/// <summary>Whether the models are loaded and warmed; set by <see cref="StartupGuard"/>, read by <see cref="ModelsReadyCheck"/>.</summary>
internal sealed class Readiness
{
    private volatile bool _ready;
    private volatile Exception? _failure;
    public bool Ready { get => _ready; set => _ready = value; }
    /// <summary>Why the models failed to load, or null.</summary>
    public Exception? Failure { get => _failure; set => _failure = value; }
}

/// <summary>The readiness health check (tag <see cref="Tag"/>, answered by <c>GET /ready</c>): healthy once the models are
/// loaded and warmed, unhealthy while they load, unhealthy with the exception when they failed to.</summary>
internal sealed class ModelsReadyCheck(Readiness readiness) : IHealthCheck
{
    /// <summary>The tag of the checks <c>/ready</c> runs.</summary>
    public const string Tag = "ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(readiness.Failure is { } failure ? HealthCheckResult.Unhealthy("models failed to load", failure)
            : readiness.Ready ? HealthCheckResult.Healthy("models loaded and warmed")
            : HealthCheckResult.Unhealthy("models loading"));
}

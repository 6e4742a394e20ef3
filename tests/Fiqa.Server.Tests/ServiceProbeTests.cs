using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;

namespace Fiqa.Server.Tests;

/// <summary><c>/ready</c> answers from the framework's health checks, so an operator's own checks and publishers see the
/// models' state, while the answer stays what orchestrators already read.</summary>
public class ServiceProbeTests(DefaultServer server) : IClassFixture<DefaultServer>
{
    [Fact]
    public async Task Ready_IsTheModelsHealthCheck_AndAnswersItsRecord()
    {
        var report = await server.Factory.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var models = Assert.Single(report.Entries, e => e.Key == "models").Value;
        Assert.Equal(HealthStatus.Healthy, models.Status);
        Assert.Contains("ready", models.Tags);

        using var ready = await server.Client.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("application/json; charset=utf-8", ready.Content.Headers.ContentType?.ToString());
        Assert.Equal("{\"ready\":true}", await ready.Content.ReadAsStringAsync());
        using var health = await server.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("{\"status\":\"live\"}", await health.Content.ReadAsStringAsync());
    }
}

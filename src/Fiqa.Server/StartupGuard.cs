using System.Diagnostics;
using Fiqa.Onnx;

namespace Fiqa.Server;

/// <summary>Refuses to start with settings that make no sense or that would expose the service without an API key, then
/// loads and warms the models in the background (<c>/ready</c> answers 503 until they are).</summary>
internal sealed class StartupGuard(ServerOptions options, IConfiguration configuration, AssessorPool pool, Readiness readiness, ILogger<StartupGuard> log) : IHostedService
{
    /// <summary>Throws for settings that make no sense, or for an address off loopback without an API key.</summary>
    public static void Check(ServerOptions options, IConfiguration configuration)
    {
        if (options.Problem() is { } problem) throw new InvalidOperationException($"fiqa serve: {problem}");
        options.LoadProfiles();
        options.LoadMappings();
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
                readiness.Failure = e;
                log.LogError("models failed to load: {Error}", e.Message);
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

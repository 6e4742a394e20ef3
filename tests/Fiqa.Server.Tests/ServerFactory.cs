using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Fiqa.Server.Tests;

/// <summary>The real service in process (TestServer), with the real models; settings are the service's configuration
/// keys (e.g. "Fiqa:MaxConcurrency").</summary>
public sealed class ServerFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public ServerFactory(Dictionary<string, string?>? settings = null) => _settings = settings ?? [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (k, v) in _settings) builder.UseSetting(k, v);
    }

    /// <summary>A client once /ready says yes (models loaded and warmed).</summary>
    public async Task<HttpClient> ReadyClientAsync()
    {
        var client = CreateClient();
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            using var r = await client.GetAsync("/ready");
            if (r.IsSuccessStatusCode) return client;
            await Task.Delay(100);
        }
        throw new TimeoutException("the service did not become ready within 60 s");
    }
}

/// <summary>One service with the default settings, shared by the tests of a class.</summary>
public sealed class DefaultServer : IAsyncLifetime
{
    public ServerFactory Factory { get; } = new();
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync() => Client = await Factory.ReadyClientAsync();

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

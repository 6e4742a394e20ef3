using System.Collections.Concurrent;
using System.Reflection;

namespace Fiqa.Server.Endpoints;

/// <summary>The web page (<c>GET /</c>, its script and style), embedded in the assembly so <c>fiqa serve</c> finds it
/// wherever the CLI is installed; left out of the API document.</summary>
internal static class PageEndpoints
{
    private static readonly ConcurrentDictionary<string, byte[]> Assets = new();

    public static RouteGroupBuilder MapPageEndpoints(this RouteGroupBuilder g)
    {
        g.MapGet("/", () => Page("index.html", "text/html; charset=utf-8")).ExcludeFromDescription();
        g.MapGet("/app.js", () => Page("app.js", "text/javascript; charset=utf-8")).ExcludeFromDescription();
        g.MapGet("/app.css", () => Page("app.css", "text/css; charset=utf-8")).ExcludeFromDescription();
        return g;
    }

    // The assets are the assembly's, the same for every app in the process: caching them statically shares nothing per app.
    private static IResult Page(string name, string type) => Results.Bytes(Assets.GetOrAdd(name, n =>
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Fiqa.Server.wwwroot.{n}")
            ?? throw new InvalidOperationException($"page asset {n} is not embedded");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }), type);
}

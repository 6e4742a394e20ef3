using System.Text;
using Fiqa.Quality.Records;

namespace Fiqa.Server;

/// <summary>Response helpers: errors are one JSON object <c>{"error": "…", "request_id": "…"}</c>; records are the
/// CLI's JSON Lines, byte for byte.</summary>
internal static class Api
{
    public const string NdJson = "application/x-ndjson; charset=utf-8";

    public static IResult Error(int status, string message) => new ErrorResult(status, message);

    public static IResult Lines(IEnumerable<string> lines, int status = 200)
    {
        var sb = new StringBuilder();
        foreach (var l in lines) sb.Append(l).Append('\n');
        return Results.Text(sb.ToString(), NdJson, Encoding.UTF8, status);
    }

    private sealed class ErrorResult(int status, string message) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var body = FaceJson.Write(w =>
            {
                w.WriteString("error", message);
                w.WriteString("request_id", httpContext.TraceIdentifier);
            });
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            return httpContext.Response.WriteAsync(body + "\n", Encoding.UTF8);
        }
    }
}

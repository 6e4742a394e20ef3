using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fiqa.Server;

/// <summary>Response helpers: JSON bodies are the records of <c>Contracts.cs</c>, written with <see cref="Configure"/>'s
/// settings; errors are one <see cref="ApiError"/>; records of the CLI are its JSON Lines, byte for byte.</summary>
internal static class Api
{
    public const string NdJson = "application/x-ndjson; charset=utf-8";

    /// <summary>The media type of the JSON Lines answers, as the OpenAPI document names it.</summary>
    public const string NdJsonType = "application/x-ndjson";

    private static readonly JsonSerializerOptions Json = Configure(new JsonSerializerOptions());

    /// <summary>How every JSON body is written, by the typed results (the host's JSON options) and by <see cref="Error"/>:
    /// snake_case names in declaration order, absent values left out, non-ASCII text as it is (as the JSON Lines).
    /// Numbers are written as numbers only, so the generated schemas do not offer strings for them.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.NumberHandling = JsonNumberHandling.Strict;
        // Makes the schema generator list the records' constructor parameters as required (nothing is read with these
        // options); ApiDocument drops the nullable ones again, since null values are left out.
        options.RespectRequiredConstructorParameters = true;
        return options;
    }

    public static ErrorHttpResult Error(int status, string message) => new(status, message);

    public static IResult Lines(IEnumerable<string> lines, int status = 200)
    {
        var sb = new StringBuilder();
        foreach (var l in lines) sb.Append(l).Append('\n');
        return Results.Text(sb.ToString(), NdJson, Encoding.UTF8, status);
    }

    /// <summary>An error answer: <see cref="ApiError"/> with the request's id, one line.</summary>
    internal sealed class ErrorHttpResult(int status, string message) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => status;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            var body = JsonSerializer.Serialize(new ApiError(message, httpContext.TraceIdentifier), Json);
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            return httpContext.Response.WriteAsync(body + "\n", Encoding.UTF8);
        }
    }
}

using Fiqa.Onnx;

namespace Fiqa.Server.Endpoints;

/// <summary>Runs a request's computation through the <see cref="WorkGate"/> (bounded concurrency and queue, the request's
/// deadline) while the models are in use (<see cref="AssessorPool.Use"/>), and turns each way it can end into the
/// answer: the result, 429 with Retry-After, 503 (deadline, a model that failed to load, stopping) or 499.</summary>
internal static class GatedWork
{
    public static async Task<IResult> RunAsync(HttpContext ctx, WorkGate gate, AssessorPool pool, DateTime deadline, Func<IResult> work)
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

    /// <summary>When the request must be answered: its arrival plus <see cref="ServerOptions.RequestTimeoutSeconds"/>.</summary>
    public static DateTime Deadline(ServerOptions options) => DateTime.UtcNow.AddSeconds(options.RequestTimeoutSeconds);
}

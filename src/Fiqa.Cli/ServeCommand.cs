using System.CommandLine;
using System.Globalization;
using Fiqa.Server;

namespace Fiqa.Cli;

/// <summary><c>fiqa serve</c>: the HTTP service and its web page (see docs/server.md). Options become the service's
/// configuration keys, so <c>--Fiqa:Key=value</c> arguments after <c>--</c> reach it too.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen, ';'-separated; off loopback an API key is required", DefaultValueFactory = _ => FiqaServer.DefaultUrl };
        var apiKey = new Option<string?>("--api-key") { Description = "Required in the X-Api-Key header of /v1 requests (default: $FIQA_API_KEY)" };
        var models = new Option<string?>("--models") { Description = "Models folder (default: $FIQA_MODELS, else the installation's models/)" };
        var concurrency = new Option<int?>("--max-concurrency") { Description = "Requests computed at once (default: one per core)" };
        var queue = new Option<int?>("--queue") { Description = "Requests waiting for a slot before 429 (default 64)" };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds a request may take, queueing included (default 60)" };
        var maxBytes = new Option<long?>("--max-bytes") { Description = "Largest request body, bytes (default 25 MiB)" };
        var maxPixels = new Option<long?>("--max-pixels") { Description = "Largest image, width x height" };
        var maxFaces = new Option<int?>("--max-faces") { Description = "Most faces in one image with all_faces (default 32)" };
        var intraOp = new Option<int?>("--intra-op-threads") { Description = "ONNX Runtime threads per session (default 1: requests run in parallel)" };
        var unified = new Option<string?>("--unified")
        {
            Description = "ONNX quality models clients may use, comma-separated onnx:MANIFEST (each offered as onnx:<manifest file name>; clients never name files)",
        };
        var profiles = new Option<string[]>("--profile") { Description = "A verdict profile file to serve besides the built-in ones, by its name (repeatable; e.g. from 'fiqa calibrate percentiles --profile-out')" };
        var mappings = MappingsCommand.Option();
        var command = new Command("serve", "Run the HTTP service and web page (POST /v1/assess …, OpenAPI at /openapi/v1.json, UI at /docs)")
        {
            urls, apiKey, models, concurrency, queue, timeout, maxBytes, maxPixels, maxFaces, intraOp, unified, profiles, mappings,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(p =>
        {
            var args = new List<string> { "--urls", p.GetValue(urls)! };
            void Add<T>(string key, T? value) where T : struct
            {
                if (value is T v) args.Add(string.Create(CultureInfo.InvariantCulture, $"--Fiqa:{key}={v}"));
            }
            if (p.GetValue(apiKey) is { Length: > 0 } key) args.Add($"--Fiqa:ApiKey={key}");
            if (p.GetValue(models) is { Length: > 0 } m) args.Add($"--Fiqa:Models={Path.GetFullPath(m)}");
            if (p.GetValue(unified) is { Length: > 0 } served) args.Add($"--Fiqa:OnnxModels={ServedManifests(served)}");
            if (p.GetValue(mappings) is { Length: > 0 } table) args.Add($"--Fiqa:Mappings={Path.GetFullPath(table)}");
            Add("MaxConcurrency", p.GetValue(concurrency));
            Add("QueueLimit", p.GetValue(queue));
            Add("RequestTimeoutSeconds", p.GetValue(timeout));
            Add("MaxBodyBytes", p.GetValue(maxBytes));
            Add("MaxPixels", p.GetValue(maxPixels));
            Add("MaxFaces", p.GetValue(maxFaces));
            Add("IntraOpThreads", p.GetValue(intraOp));
            var files = p.GetValue(profiles) ?? [];
            for (int i = 0; i < files.Length; i++) args.Add(string.Create(CultureInfo.InvariantCulture, $"--Fiqa:Profiles:{i}={Path.GetFullPath(files[i])}"));
            args.AddRange(p.UnmatchedTokens);
            // The host logs where it listens once it does (after the loopback / API key check); Ctrl+C drains in-flight requests.
            return FiqaServer.Run([.. args]);
        });
        return command;
    }

    // Full paths of the onnx:MANIFEST entries; anything else is a usage error (the built-in methods are always offered).
    private static string ServedManifests(string list) => string.Join(',', list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(m =>
    {
        if (!m.StartsWith("onnx:", StringComparison.OrdinalIgnoreCase) || m.Length == "onnx:".Length)
            throw new UsageException($"--unified takes onnx:MANIFEST entries (the built-in methods are always offered), got '{m}'");
        var path = Path.GetFullPath(m["onnx:".Length..]);
        if (!File.Exists(path)) throw new UsageException($"--unified: no manifest at {path}");
        return path;
    }));
}

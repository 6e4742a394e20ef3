using Fiqa.Imaging;

namespace Fiqa.Server;

/// <summary>Limits and settings of the service, bound from the configuration section <c>Fiqa</c> (command line
/// <c>--Fiqa:MaxConcurrency=4</c>, environment <c>Fiqa__MaxConcurrency=4</c>, or <c>fiqa serve</c>'s options).</summary>
public sealed record ServerOptions
{
    /// <summary>Models folder; null: $FIQA_MODELS, else the installation's models/.</summary>
    public string? Models { get; init; }
    /// <summary>Largest request body, bytes (413 beyond).</summary>
    public long MaxBodyBytes { get; init; } = 25L << 20;
    /// <summary>Largest accepted image, width × height (422 beyond, with the decoder's message).</summary>
    public long MaxPixels { get; init; } = DecodeOptions.Default.MaxPixels;
    /// <summary>Most faces one image may hold with <c>all_faces</c> (422 beyond).</summary>
    public int MaxFaces { get; init; } = 32;
    /// <summary>Most images in one batch request (400 beyond).</summary>
    public int MaxFiles { get; init; } = 16;
    /// <summary>Requests computed at once; default: one per core.</summary>
    public int MaxConcurrency { get; init; } = Environment.ProcessorCount;
    /// <summary>Requests allowed to wait for a slot; beyond, 429 with Retry-After.</summary>
    public int QueueLimit { get; init; } = 64;
    /// <summary>Seconds from arrival to answer, queueing included (503 beyond).</summary>
    public double RequestTimeoutSeconds { get; init; } = 60;
    /// <summary>ONNX Runtime intra-op threads per session; 1 suits concurrent requests (one core each).</summary>
    public int IntraOpThreads { get; init; } = 1;
    /// <summary>Distinct option sets (measures, unified, profile, …) whose assessors stay loaded; others are built per
    /// request and disposed.</summary>
    public int MaxAssessors { get; init; } = 8;
    /// <summary>Required in the <c>X-Api-Key</c> header when set; must be set when bound off loopback.</summary>
    public string? ApiKey { get; init; }
    /// <summary>ONNX quality models clients may ask for, as comma-separated manifest paths (<c>fiqa serve --unified
    /// onnx:PATH</c>); each is offered as <c>onnx:&lt;manifest file name&gt;</c>. Clients never name files.</summary>
    public string? OnnxModels { get; init; }
    /// <summary>Verdict profile files served besides the built-in ones (<c>fiqa serve --profile FILE</c>, e.g. one written by
    /// <c>fiqa calibrate percentiles --profile-out</c>), asked for by their <c>name</c>.</summary>
    public string[] Profiles { get; init; } = [];
    /// <summary>A mappings file laid over the built-in 0..100 mappings (<c>fiqa serve --mappings FILE</c>; see
    /// <c>fiqa mappings</c>); null: the built-in ones.</summary>
    public string? Mappings { get; init; }
    /// <summary>Seconds the host waits for in-flight requests on shutdown.</summary>
    public double ShutdownSeconds { get; init; } = 30;

    /// <summary>The first setting that makes no sense, or null.</summary>
    public string? Problem() =>
        MaxBodyBytes < 1 ? $"MaxBodyBytes must be positive, got {MaxBodyBytes}"
        : MaxPixels < 1 ? $"MaxPixels must be positive, got {MaxPixels}"
        : MaxFaces < 1 ? $"MaxFaces must be at least 1, got {MaxFaces}"
        : MaxFiles < 1 ? $"MaxFiles must be at least 1, got {MaxFiles}"
        : MaxConcurrency < 1 ? $"MaxConcurrency must be at least 1, got {MaxConcurrency}"
        : QueueLimit < 0 ? $"QueueLimit must be 0 or more, got {QueueLimit}"
        : RequestTimeoutSeconds <= 0 ? $"RequestTimeoutSeconds must be positive, got {RequestTimeoutSeconds}"
        : IntraOpThreads < 1 ? $"IntraOpThreads must be at least 1, got {IntraOpThreads}"
        : MaxAssessors < 1 ? $"MaxAssessors must be at least 1, got {MaxAssessors}"
        : null;

    /// <summary>The served profile files by lower-case name, each loaded once to check it; throws
    /// <see cref="InvalidOperationException"/> ("fiqa serve: …") naming the file and the reason.</summary>
    public IReadOnlyDictionary<string, string> LoadProfiles()
    {
        var served = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Profiles)
        {
            Quality.VerdictProfile profile;
            try
            {
                profile = Quality.VerdictProfile.Load(file);
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"fiqa serve: --profile {file}: {e.Message}", e);
            }
            var name = profile.Name.Trim().ToLowerInvariant();
            if (name.Length == 0) throw new InvalidOperationException($"fiqa serve: --profile {file}: the profile has no name (\"name\": \"…\")");
            if (Quality.VerdictProfile.BuiltIn.Contains(name, StringComparer.Ordinal) || served.ContainsKey(name))
                throw new InvalidOperationException($"fiqa serve: --profile {file}: the name '{profile.Name}' is already served; give the profile another name");
            served[name] = Path.GetFullPath(file);
        }
        return served;
    }

    /// <summary>The mappings every assessor of the service uses; throws <see cref="InvalidOperationException"/>
    /// ("fiqa serve: …") naming the file and the reason.</summary>
    public Quality.MappingTable LoadMappings()
    {
        if (Mappings is null) return Quality.MappingTable.Default;
        try
        {
            return Quality.MappingTable.Load(Mappings);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"fiqa serve: --mappings: {e.Message}", e);
        }
    }

    /// <summary>The decoder's limits.</summary>
    public DecodeOptions Decode => new() { MaxBytes = MaxBodyBytes, MaxPixels = MaxPixels };
}

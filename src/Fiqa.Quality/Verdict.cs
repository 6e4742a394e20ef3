using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fiqa.Quality;

/// <summary>Whether a face passes a profile, and what to fix in words a person can act on.</summary>
public sealed record Verdict(bool Pass, IReadOnlyList<string> Reasons);

/// <summary>A named set of minimum scalars. Built-in: <c>enrolment</c> (strict, ID issuance) and <c>verification</c>
/// (lenient, comparison against an enrolled reference); users pass their own JSON file of the same shape:
/// <c>{"name": "...", "description": "...", "minimum": {"EyesOpen": 60, ...}}</c>.</summary>
public sealed record VerdictProfile
{
    /// <summary>Profile name.</summary>
    public string Name { get; init; } = "";
    /// <summary>What the profile is for.</summary>
    public string? Description { get; init; }
    /// <summary>Minimum scalar (0..100) per measure id.</summary>
    public Dictionary<string, int> Minimum { get; init; } = [];

    /// <summary>Built-in profile names.</summary>
    public static IReadOnlyList<string> BuiltIn { get; } = ["enrolment", "verification"];

    /// <summary>Loads a built-in profile by name, or a JSON file by path; unknown measure ids are an error.</summary>
    public static VerdictProfile Load(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        string json;
        string origin;
        if (BuiltIn.Contains(nameOrPath, StringComparer.OrdinalIgnoreCase))
        {
            var resource = $"Fiqa.Quality.Profiles.{nameOrPath.ToLowerInvariant()}.json";
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"built-in profile resource {resource} missing");
            using var reader = new StreamReader(stream);
            json = reader.ReadToEnd();
            origin = $"built-in profile '{nameOrPath}'";
        }
        else if (File.Exists(nameOrPath))
        {
            json = File.ReadAllText(nameOrPath);
            origin = nameOrPath;
        }
        else
        {
            throw new ArgumentException($"profile '{nameOrPath}' is neither a built-in profile ({string.Join(", ", BuiltIn)}) nor an existing file");
        }
        VerdictProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize(json, ProfileJsonContext.Default.VerdictProfile);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{origin}: invalid profile JSON: {e.Message}", e);
        }
        // "minimum": null deserialises to null despite the initializer.
        if (profile?.Minimum is not { Count: > 0 })
            throw new ArgumentException($"{origin}: the profile sets no minimum (expected {{\"name\": \"…\", \"minimum\": {{\"EyesOpen\": 60, …}}}})");
        foreach (var (id, min) in profile.Minimum)
        {
            if (!MeasureCatalogue.Measures.Contains(id)) throw new ArgumentException($"{origin}: {MeasureCatalogue.Measures.Unknown(id).Message}");
            if (min is < 0 or > 100) throw new ArgumentException($"{origin}: minimum for {id} must be 0..100, got {min}");
        }
        return profile;
    }

    /// <summary>The verdict for one face's results. A required measure that failed to assess fails the verdict; a
    /// measure the run did not compute is reported as not assessed.</summary>
    public Verdict Judge(IReadOnlyDictionary<string, MeasureResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var reasons = new List<string>();
        foreach (var entry in MeasureCatalogue.Entries)
        {
            var id = entry.Descriptor.Id;
            if (!Minimum.TryGetValue(id, out int min)) continue;
            if (!results.TryGetValue(id, out var r))
                reasons.Add($"{id} not assessed (the profile requires ≥ {min}; add it to --measures)");
            else if (r.Status != MeasureStatus.Success)
                reasons.Add($"{id} could not be assessed: {r.Reason}");
            else if (r.Scalar < min)
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{entry.LowMeans}: {id} {r.Scalar} < {min}"));
        }
        return new Verdict(reasons.Count == 0, reasons);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(VerdictProfile))]
internal sealed partial class ProfileJsonContext : JsonSerializerContext;

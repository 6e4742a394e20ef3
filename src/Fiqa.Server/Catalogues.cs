using System.Text.Json;
using Fiqa.Iqa;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Server;

/// <summary>The catalogues as JSON, from their descriptors (<c>GET /v1/measures</c>, <c>/methods</c>, <c>/metrics</c>,
/// <c>/profiles</c>).</summary>
internal static class Catalogues
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // The mapping as the service applies it (fiqa serve --mappings).
    private static string MeasuresJson(MappingTable mappings) => JsonSerializer.Serialize(MeasureCatalogue.Entries.Select(e => new
    {
        id = e.Descriptor.Name, aspect = e.Descriptor.Aspect, native = e.Descriptor.Native, mapping = mappings.Measure(e.Name).Formula,
        method = e.Descriptor.Method, low_means = e.LowMeans,
    }), Json);

    // Methods whose parameter names a file are listed as the operator configured them, by name only (see ServedMethods);
    // mappings as the service applies them.
    private static string MethodsJson(ServedMethods served, MappingTable mappings) => JsonSerializer.Serialize(UnifiedCatalogue.Methods.Entries
        .Where(e => e.ContentDigest is null)
        .Select(e => new MethodJson(e.Name, e.Parameter, e.Descriptor.Kind == UnifiedMethodKind.Blind ? "blind" : "labelled_reference",
            e.Descriptor.Description, mappings.Method(e.Name).Formula, e.Descriptor.Source))
        .Concat(served.Configured.Select(name => new MethodJson(name, null, "blind",
            "an ONNX face quality model configured on this service (fiqa serve --unified)", mappings.Method(OnnxQualityModel.Info.Name).Formula, OnnxQualityModel.Info.Source))), Json);

    private sealed record MethodJson(string Name, string? Parameter, string Kind, string Description, string Mapping, string Source);

    private static readonly Lazy<string> MetricsJson = new(() => JsonSerializer.Serialize(IqaCatalogue.All.Select(d => new
    {
        name = d.Name, kind = d.Kind == MetricKind.FullReference ? "full_reference" : "no_reference", lower_better = d.LowerIsBetter,
        range = d.Range, reference = d.Reference,
    }), Json));

    private static readonly Lazy<string> BuiltInProfilesJson = new(() => ProfilesJson(VerdictProfile.BuiltIn.Select(VerdictProfile.Load)));

    private static string ProfilesJson(IEnumerable<VerdictProfile> profiles) => JsonSerializer.Serialize(profiles.Select(p => new
    {
        name = p.Name, description = p.Description, sources = p.Sources,
        requirements = p.Requirements.Select(r => new
        {
            code = r.Code, measure = r.Measure, quantity = r.Quantity, unit = r.Unit, min = r.Min, max = r.Max, max_abs = r.MaxAbs,
            min_scalar = r.MinScalar, requirement = r.Describe(), clause = r.Clause,
        }),
        // A calibrated profile says what it was calibrated on, as its verdicts do.
        calibration = p.Reference is { } c ? new { profile = c.Profile, file = c.File, sha256 = c.Sha256, population = c.Population, date = c.Date } : null,
        unified_threshold = p.UnifiedThreshold is { } u ? new { method = u.Method, min = u.Min, fnmr0 = u.Basis?.Fnmr0, fnmr = u.Basis?.Fnmr, fnmr_interval = u.Basis?.FnmrInterval, reject_rate = u.Basis?.RejectRate } : null,
    }), Json);

    public static string Measures(MappingTable mappings) => MeasuresJson(mappings);
    public static string Methods(ServedMethods served, MappingTable mappings) => MethodsJson(served, mappings);
    public static string Metrics() => MetricsJson.Value;
    public static string Profiles(IReadOnlyDictionary<string, string> served) => served.Count == 0
        ? BuiltInProfilesJson.Value
        : ProfilesJson(VerdictProfile.BuiltIn.Select(VerdictProfile.Load).Concat(served.Values.Select(VerdictProfile.Load)));
}

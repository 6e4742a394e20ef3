using Fiqa.Iqa;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Server;

/// <summary>The catalogues as records, from their descriptors (<c>GET /v1/measures</c>, <c>/methods</c>, <c>/metrics</c>,
/// <c>/profiles</c>).</summary>
internal static class Catalogues
{
    // The mapping as the service applies it (fiqa serve --mappings).
    public static MeasureInfo[] Measures(MappingTable mappings) => [.. MeasureCatalogue.Entries.Select(e => new MeasureInfo(
        e.Descriptor.Name, e.Descriptor.Aspect, e.Descriptor.Native, mappings.Measure(e.Name).Formula, e.Descriptor.Method, e.LowMeans))];

    // Methods whose parameter names a file are listed as the operator configured them, by name only (see ServedMethods);
    // mappings as the service applies them.
    public static UnifiedMethodInfo[] Methods(ServedMethods served, MappingTable mappings) => [.. UnifiedCatalogue.Methods.Entries
        .Where(e => e.ContentDigest is null)
        .Select(e => new UnifiedMethodInfo(e.Name, e.Parameter, e.Descriptor.Kind == UnifiedMethodKind.Blind ? "blind" : "labelled_reference",
            e.Descriptor.Description, mappings.Method(e.Name).Formula, e.Descriptor.Source))
        .Concat(served.Configured.Select(name => new UnifiedMethodInfo(name, null, "blind",
            "an ONNX face quality model configured on this service (fiqa serve --unified)", mappings.Method(OnnxQualityModel.Info.Name).Formula, OnnxQualityModel.Info.Source)))];

    private static readonly MetricInfo[] MetricList = [.. IqaCatalogue.All.Select(d => new MetricInfo(
        d.Name, d.Kind == MetricKind.FullReference ? "full_reference" : "no_reference", d.LowerIsBetter, d.Range, d.Reference))];

    public static MetricInfo[] Metrics() => MetricList;

    private static readonly Lazy<ProfileInfo[]> BuiltInProfiles = new(() => [.. VerdictProfile.BuiltIn.Select(VerdictProfile.Load).Select(Profile)]);

    public static ProfileInfo[] Profiles(IReadOnlyDictionary<string, string> served) => served.Count == 0
        ? BuiltInProfiles.Value
        : [.. BuiltInProfiles.Value, .. served.Values.Select(VerdictProfile.Load).Select(Profile)];

    private static ProfileInfo Profile(VerdictProfile p) => new(p.Name, p.Description, p.Sources,
        [.. p.Requirements.Select(r => new RequirementInfo(r.Code, r.Measure, r.Quantity, r.Unit, r.Min, r.Max, r.MaxAbs, r.MinScalar, r.Describe(), r.Clause))],
        // A calibrated profile says what it was calibrated on, as its verdicts do.
        p.Reference is { } c ? new CalibrationInfo(c.Profile, c.File, c.Sha256, c.Population, c.Date) : null,
        p.UnifiedThreshold is { } u ? new UnifiedThresholdInfo(u.Method, u.Min, u.Basis?.Fnmr0, u.Basis?.Fnmr, u.Basis?.FnmrInterval, u.Basis?.RejectRate) : null);
}

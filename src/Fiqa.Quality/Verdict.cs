using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fiqa.Quality;

/// <summary>One failed requirement, in a form a program can count and a person can act on.</summary>
/// <param name="Code">Stable identifier: the requirement's code and a suffix, <c>.low</c> (value below the minimum),
/// <c>.high</c> (above the maximum), <c>.not_assessed</c> (the measure could not be computed or was not run); or a file
/// code: <c>file.no_face</c>, <c>file.unreadable</c>, <c>image.rotated</c>.</param>
/// <param name="Measure">The measure the requirement reads, when there is one.</param>
/// <param name="Value">The measured value in <paramref name="Unit"/> (the raw value; the 0..100 scalar only for
/// requirements that are stated on it).</param>
/// <param name="Unit">Unit of value and threshold ("px", "°", "fraction", "probability", "scalar", …).</param>
/// <param name="Threshold">The limit the value broke.</param>
/// <param name="Direction"><c>below</c>, <c>above</c>, <c>not_assessed</c>, or <c>file</c> for file-level reasons.</param>
/// <param name="Clause">The standard's clause or the source the threshold comes from.</param>
/// <param name="Text">The reason in words, with value, threshold and unit.</param>
public sealed record VerdictReason(string Code, string? Measure, double? Value, string? Unit, double? Threshold, string Direction, string? Clause, string Text);

/// <summary>Whether a face (or a file) passes a profile, and why not, most important reason first.</summary>
public sealed record Verdict(bool Pass, IReadOnlyList<VerdictReason> Reasons)
{
    /// <summary>The calibrated profile the face was judged against (name, file, SHA-256, population, date); null for
    /// built-in and uncalibrated profiles.</summary>
    public ProfileReference? Calibration { get; init; }

    /// <summary>Every requirement of the profile as judged on this face, in the profile's order: what a record shows
    /// beside a component's scalar, so a bar cannot read "96" while its requirement fails.</summary>
    public IReadOnlyList<RequirementCheck> Checks { get; init; } = [];

    /// <summary>The reason codes, in order.</summary>
    public IEnumerable<string> Codes => Reasons.Select(r => r.Code);

    /// <summary>The verdict for a file in which no face was found.</summary>
    public static Verdict NoFace { get; } = new(false,
        [new VerdictReason("file.no_face", null, null, null, null, "file", null, "no face found in the image")]);

    /// <summary>The verdict for a file that could not be read or decoded.</summary>
    public static Verdict Unreadable(string? error) => new(false,
        [new VerdictReason("file.unreadable", null, null, null, null, "file", null, $"image could not be read: {error ?? "unknown error"}")]);
}

/// <summary>One requirement of a profile judged on one face.</summary>
/// <param name="Measure">The component it reads.</param>
/// <param name="Code">Its reason code.</param>
/// <param name="Requirement">The requirement in words (<c>|pitch| ≤ 5°</c>).</param>
/// <param name="Pass">Whether the face meets it (a component that could not be assessed does not).</param>
public sealed record RequirementCheck(string Measure, string Code, string Requirement, bool Pass);

/// <summary>The population and date that justify a calibrated number: what it was computed on and how.</summary>
public sealed record CalibrationBasis
{
    /// <summary>How the number was derived ("5th percentile of the raw values"; "lowest reject rate with FNMR ≤ 0.01").</summary>
    public string? Rule { get; init; }
    /// <summary>The percentile (0..100) the number is, for population percentiles.</summary>
    public double? Percentile { get; init; }
    /// <summary>The reference population in words (folder, selection).</summary>
    public string? Population { get; init; }
    /// <summary>Images in the population.</summary>
    public int? Images { get; init; }
    /// <summary>Values the number was computed from (faces assessed successfully on this measure, or comparisons).</summary>
    public int? Values { get; init; }
    /// <summary>Identities in the population.</summary>
    public int? Identities { get; init; }
    /// <summary>Date of the calibration run (ISO 8601, UTC).</summary>
    public string? Date { get; init; }
    /// <summary>For a unified threshold: the comparison threshold it was calibrated at, and how that was fixed.</summary>
    public double? ComparisonThreshold { get; init; }
    /// <summary>How the comparison threshold was fixed ("FMR 0.001 on 500000 non-mated comparisons").</summary>
    public string? ThresholdRule { get; init; }
    /// <summary>For a unified threshold: share of the samples it rejected on the population (0..1).</summary>
    public double? RejectRate { get; init; }
    /// <summary>For a unified threshold: FNMR before rejection (0..1).</summary>
    public double? Fnmr0 { get; init; }
    /// <summary>For a unified threshold: FNMR after rejection (0..1).</summary>
    public double? Fnmr { get; init; }
    /// <summary>For a unified threshold: bootstrap interval of the FNMR after rejection, [low, high].</summary>
    public double[]? FnmrInterval { get; init; }
}

/// <summary>A calibrated profile's provenance: the population and run it was generated from.</summary>
public sealed record ProfileCalibration
{
    /// <summary>The reference population in words (folder, selection).</summary>
    public string? Population { get; init; }
    /// <summary>Images in the population.</summary>
    public int? Images { get; init; }
    /// <summary>Images with an assessed face.</summary>
    public int? Faces { get; init; }
    /// <summary>Identities in the population.</summary>
    public int? Identities { get; init; }
    /// <summary>Date of the calibration run (ISO 8601, UTC).</summary>
    public string? Date { get; init; }
    /// <summary>The command that generated the file.</summary>
    public string? Command { get; init; }
}

/// <summary>A calibrated quality threshold on a unified method's raw score (<c>fiqa calibrate threshold</c>), judged like
/// any requirement: the face fails with <c>utility.unified_threshold.low</c> below <see cref="Min"/>. Only <c>distilled</c>,
/// the method behind UnifiedQualityScore, is judged by profiles.</summary>
public sealed record UnifiedThreshold
{
    /// <summary>Unified method the threshold is on (must be <c>distilled</c>).</summary>
    public string Method { get; init; } = "distilled";
    /// <summary>The raw score must be ≥ this.</summary>
    public double? Min { get; init; }
    /// <summary>What the number rests on.</summary>
    public CalibrationBasis? Basis { get; init; }
}

/// <summary>Which calibrated profile a verdict was judged against.</summary>
/// <param name="Profile">The profile's name.</param>
/// <param name="File">The file it was loaded from.</param>
/// <param name="Sha256">SHA-256 of the file's bytes (lower-case hex): the exact calibration, even if the file changes.</param>
/// <param name="Population">The reference population.</param>
/// <param name="Date">Date of the calibration run.</param>
public sealed record ProfileReference(string Profile, string File, string Sha256, string? Population, string? Date);

/// <summary>One requirement of a profile: a limit on one measure's raw value (in the measure's own unit) or, where no
/// standard gives a physical threshold, on its 0..100 scalar. A value must satisfy every limit given.</summary>
public sealed record ProfileRequirement
{
    /// <summary>Stable code stem of the reason ("pose.yaw", "exposure.luminance").</summary>
    public string Code { get; init; } = "";
    /// <summary>Measure id (see <c>fiqa measures</c>).</summary>
    public string Measure { get; init; } = "";
    /// <summary>What the value is, in words ("yaw", "face luminance").</summary>
    public string? Quantity { get; init; }
    /// <summary>Unit of the raw value ("°", "px", "fraction", "probability", "ratio", "bits").</summary>
    public string? Unit { get; init; }
    /// <summary>Raw value must be ≥ this.</summary>
    public double? Min { get; init; }
    /// <summary>Raw value must be ≤ this.</summary>
    public double? Max { get; init; }
    /// <summary>|raw value| must be ≤ this (angles).</summary>
    public double? MaxAbs { get; init; }
    /// <summary>The 0..100 scalar must be ≥ this (for measures without a physical threshold in any standard).</summary>
    public int? MinScalar { get; init; }
    /// <summary>What a value below the minimum means ("too dark").</summary>
    public string? Low { get; init; }
    /// <summary>What a value above the maximum means ("too bright").</summary>
    public string? High { get; init; }
    /// <summary>Where the threshold comes from: the standard's clause, or how it was chosen.</summary>
    public string? Clause { get; init; }
    /// <summary>For a calibrated requirement: the population and date that justify its numbers.</summary>
    public CalibrationBasis? Basis { get; init; }

    /// <summary>The requirement in words: "|yaw| ≤ 5 °".</summary>
    public string Describe()
    {
        var q = Quantity ?? Measure;
        var parts = new List<string>();
        if (MinScalar is int s) parts.Add($"{Measure} scalar ≥ {s}");
        if (Min is double min && Max is double max) parts.Add($"{Num(min)} ≤ {q} ≤ {Num(max)}{UnitSuffix}");
        else if (Min is double lo) parts.Add($"{q} ≥ {Num(lo)}{UnitSuffix}");
        else if (Max is double hi) parts.Add($"{q} ≤ {Num(hi)}{UnitSuffix}");
        if (MaxAbs is double a) parts.Add($"|{q}| ≤ {Num(a)}{UnitSuffix}");
        return string.Join("; ", parts);
    }

    // Physical units follow the number in the text; dimensionless ones (fraction, probability, ratio, quality, ×100) do
    // not, the quantity's name says what the number is.
    private static readonly HashSet<string> PhysicalUnits = ["px", "bits", "ΔE", "grey levels/px"];

    private string UnitSuffix => Unit is "°" ? "°" : Unit is not null && PhysicalUnits.Contains(Unit) ? $" {Unit}" : "";

    /// <summary>The failed limit for one result, or null when it is met.</summary>
    public VerdictReason? Check(MeasureResult? result)
    {
        var q = Quantity ?? Measure;
        if (result is null)
            return Reason(".not_assessed", null, null, "not_assessed", $"{q} not assessed ({Measure} was not run; the profile needs it)");
        if (result.Status != MeasureStatus.Success || result.Raw is not double raw)
            return Reason(".not_assessed", null, null, "not_assessed", $"{q} could not be assessed: {result.Reason}");
        if (MinScalar is int s && result.Scalar < s)
            return new VerdictReason(Code + ".low", Measure, result.Scalar, "scalar", s, "below", Clause,
                $"{Low ?? "too low"}: {Measure} scalar {result.Scalar} < {s}");
        if (Min is double min && raw < min) return Reason(".low", raw, min, "below", $"{Low ?? "too low"}: {q} {Num(raw)}{UnitSuffix} < {Num(min)}{UnitSuffix}");
        if (Max is double max && raw > max) return Reason(".high", raw, max, "above", $"{High ?? "too high"}: {q} {Num(raw)}{UnitSuffix} > {Num(max)}{UnitSuffix}");
        if (MaxAbs is double a && Math.Abs(raw) > a)
            return Reason(".high", raw, a, "above", $"{High ?? "too large"}: {q} {Num(raw)}{UnitSuffix}, |{q}| > {Num(a)}{UnitSuffix}");
        return null;
    }

    private VerdictReason Reason(string suffix, double? value, double? threshold, string direction, string text) =>
        new(Code + suffix, Measure, value is double v ? Math.Round(v, 4) : null, MinScalar is not null && value is null ? "scalar" : Unit, threshold, direction, Clause, text);

    internal static string Num(double v) => Math.Abs(v) >= 10
        ? Math.Round(v, 1).ToString("0.#", CultureInfo.InvariantCulture)
        : Math.Abs(v) >= 0.001 || v == 0
            ? Math.Round(v, 3).ToString("0.###", CultureInfo.InvariantCulture)
            // Calibrated limits can be tiny (a 5th percentile near 0): three significant digits, never "0 < 0".
            : Math.Round(v, 2 - (int)Math.Floor(Math.Log10(Math.Abs(v)))).ToString("0.###############", CultureInfo.InvariantCulture);
}

/// <summary>A named, ordered set of requirements. Built-in: <c>icao</c> (travel-document portraits, ISO/IEC 39794-5 and
/// ICAO 9303 thresholds, each citing its clause), <c>enrolment</c> (strict, ID issuance and reference databases) and
/// <c>verification</c> (lenient, probes compared against an enrolled reference). Users pass their own JSON file of the
/// same shape: <c>{"name": "...", "requirements": [{"code": "pose.yaw", "measure": "HeadPoseYaw", "max_abs": 10, "unit":
/// "°"}, ...]}</c>; the older <c>"minimum": {"EyesOpen": 60}</c> form (scalar minimums) is still read. Requirements are
/// listed most important first, and reasons come in that order.</summary>
public sealed record VerdictProfile
{
    /// <summary>Profile name.</summary>
    public string Name { get; init; } = "";
    /// <summary>What the profile is for.</summary>
    public string? Description { get; init; }
    /// <summary>The documents the thresholds come from.</summary>
    public string? Sources { get; init; }
    /// <summary>The requirements, most important first.</summary>
    public List<ProfileRequirement> Requirements { get; init; } = [];
    /// <summary>Legacy form: minimum scalar per measure id, appended after <see cref="Requirements"/>.</summary>
    public Dictionary<string, int>? Minimum { get; init; }
    /// <summary>For a generated profile: the population and run it was calibrated on (<c>fiqa calibrate percentiles</c>).</summary>
    public ProfileCalibration? Calibration { get; init; }
    /// <summary>A calibrated threshold on the unified score, appended to the requirements as
    /// <c>utility.unified_threshold</c>.</summary>
    public UnifiedThreshold? UnifiedThreshold { get; init; }
    /// <summary>Set on load for a calibrated profile file: what every verdict records it was judged against.</summary>
    [JsonIgnore]
    public ProfileReference? Reference { get; init; }

    /// <summary>Code of the requirement a <see cref="UnifiedThreshold"/> becomes.</summary>
    public const string UnifiedThresholdCode = "utility.unified_threshold";

    /// <summary>Built-in profile names.</summary>
    public static IReadOnlyList<string> BuiltIn { get; } = ["icao", "enrolment", "verification"];

    /// <summary>The measures the requirements read.</summary>
    [JsonIgnore]
    public IEnumerable<string> MeasureIds => Requirements.Select(r => r.Measure).Distinct(StringComparer.Ordinal);

    /// <summary>Loads a built-in profile by name, or a JSON file by path; unknown measure ids and limits that make no
    /// sense are an error naming the requirement.</summary>
    public static VerdictProfile Load(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        string json;
        string origin;
        string? sha = null;
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
            var bytes = File.ReadAllBytes(nameOrPath);
            json = new System.Text.UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');
            sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
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
        if (profile is null) throw new ArgumentException($"{origin}: empty profile");
        var requirements = (profile.Requirements ?? []).ToList();
        foreach (var (id, min) in profile.Minimum ?? [])
        {
            if (min is < 0 or > 100) throw new ArgumentException($"{origin}: minimum for {id} must be 0..100, got {min}");
            requirements.Add(new ProfileRequirement { Code = id, Measure = id, MinScalar = min, Low = LowMeans(id) });
        }
        if (profile.UnifiedThreshold is { } ut)
        {
            if (!string.Equals(ut.Method, "distilled", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"{origin}: unified_threshold: method '{ut.Method}' cannot be judged by a profile; only 'distilled' (the UnifiedQualityScore) can");
            if (ut.Min is not double min || !double.IsFinite(min)) throw new ArgumentException($"{origin}: unified_threshold sets no finite min");
            requirements.Add(new ProfileRequirement
            {
                Code = UnifiedThresholdCode, Measure = "UnifiedQualityScore", Quantity = "distilled quality score", Unit = "quality", Min = min,
                Low = "below the calibrated quality threshold", Clause = $"calibrated: {ut.Basis?.Rule ?? "fiqa calibrate threshold"}", Basis = ut.Basis,
            });
        }
        if (requirements.Count == 0)
            throw new ArgumentException($"{origin}: the profile sets no requirement (expected {{\"name\": \"…\", \"requirements\": [{{\"code\": \"pose.yaw\", \"measure\": \"HeadPoseYaw\", \"max_abs\": 10}}, …]}})");
        foreach (var r in requirements)
        {
            var where = $"{origin}: requirement '{r.Code}'";
            if (string.IsNullOrWhiteSpace(r.Code)) throw new ArgumentException($"{origin}: a requirement on '{r.Measure}' has no code");
            if (!MeasureCatalogue.Measures.Contains(r.Measure)) throw new ArgumentException($"{where}: {MeasureCatalogue.Measures.Unknown(r.Measure).Message}");
            if (r.Min is null && r.Max is null && r.MaxAbs is null && r.MinScalar is null)
                throw new ArgumentException($"{where} sets no limit (min, max, max_abs or min_scalar)");
            if (r.MinScalar is < 0 or > 100) throw new ArgumentException($"{where}: min_scalar must be 0..100, got {r.MinScalar}");
            if (r.Min > r.Max) throw new ArgumentException($"{where}: min {r.Min} is above max {r.Max}");
        }
        if (requirements.GroupBy(r => r.Code).FirstOrDefault(g => g.Count() > 1) is { } dup)
            throw new ArgumentException($"{origin}: requirement code '{dup.Key}' is used twice");
        // Canonical measure ids (a file may spell them in any case).
        requirements = requirements.Select(r => r with { Measure = MeasureCatalogue.Find(r.Measure).Descriptor.Name }).ToList();
        var reference = sha is not null && (profile.Calibration is not null || profile.UnifiedThreshold is not null)
            ? new ProfileReference(profile.Name, Path.GetFullPath(nameOrPath), sha, profile.Calibration?.Population ?? profile.UnifiedThreshold?.Basis?.Population,
                profile.Calibration?.Date ?? profile.UnifiedThreshold?.Basis?.Date)
            : null;
        return profile with { Requirements = requirements, Minimum = null, Reference = reference };
    }

    private static string LowMeans(string id) =>
        MeasureCatalogue.Measures.Contains(id) ? MeasureCatalogue.Find(id).LowMeans : "too low";

    /// <summary>The verdict for one face's results: every failed requirement, in profile order. A required measure
    /// that failed to assess, or was not run, fails the verdict with a <c>.not_assessed</c> reason.</summary>
    public Verdict Judge(IReadOnlyDictionary<string, MeasureResult> results, IReadOnlyList<VerdictReason>? preceding = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        var reasons = new List<VerdictReason>(preceding ?? []);
        var checks = new List<RequirementCheck>(Requirements.Count);
        foreach (var r in Requirements)
        {
            var reason = r.Check(results.GetValueOrDefault(r.Measure));
            if (reason is not null) reasons.Add(reason);
            checks.Add(new RequirementCheck(r.Measure, r.Code, r.Describe(), reason is null));
        }
        return new Verdict(reasons.Count == 0, reasons) { Calibration = Reference, Checks = checks };
    }

    /// <summary>The profile as a markdown table: code, requirement, clause.</summary>
    public string Markdown()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"### `{Name}`\n\n{Description}\n\n");
        if (Sources is not null) sb.Append(CultureInfo.InvariantCulture, $"Sources: {Sources}\n\n");
        sb.Append("| code | requirement | fails as | source |\n|---|---|---|---|\n");
        foreach (var r in Requirements)
        {
            var fails = string.Join(" / ", new[] { r.Min is not null || r.MinScalar is not null ? r.Low : null, r.Max is not null || r.MaxAbs is not null ? r.High : null }.Where(t => t is not null));
            sb.Append(CultureInfo.InvariantCulture, $"| `{r.Code}` | {r.Describe()} | {fails} | {r.Clause} |\n");
        }
        return sb.ToString();
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(VerdictProfile))]
internal sealed partial class ProfileJsonContext : JsonSerializerContext;

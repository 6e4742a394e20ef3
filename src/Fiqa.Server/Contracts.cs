namespace Fiqa.Server;

// The JSON bodies of the service as records: the endpoints return them through typed results, so the OpenAPI document's
// response schemas are generated from the same types that write the bytes (snake_case names in declaration order, nulls
// left out: Api.Configure), and the schemas' descriptions from these XML comments. The JSON Lines of /v1/assess are
// FaceJson's (Fiqa.Quality.Records), described in ApiDocument; those of /v1/compare and /v1/iqa are the libraries'
// records FaceComparison and IqaScore.

/// <summary>Every error answer: what went wrong (a 400 names the field first) and the request's X-Request-Id.</summary>
/// <param name="Error">The reason, e.g. <c>threshold: 'abc' is not a number</c>.</param>
/// <param name="RequestId">The request's X-Request-Id, as logged.</param>
internal sealed record ApiError(string Error, string RequestId);

/// <summary><c>GET /health</c>: the process answers.</summary>
/// <param name="Status">Always <c>live</c>.</param>
internal sealed record Liveness(string Status);

/// <summary><c>GET /ready</c>: whether the models are loaded and warmed.</summary>
/// <param name="Ready">True once every model is loaded and warmed.</param>
internal sealed record ReadyState(bool Ready);

/// <summary>One quality measure of <c>GET /v1/measures</c>.</summary>
/// <param name="Id">The measure's id, as <c>measures=</c> takes it.</param>
/// <param name="Aspect">ISO/IEC 29794-1 aspect: character, fidelity or utility.</param>
/// <param name="Native">The raw value's meaning and unit.</param>
/// <param name="Mapping">The raw → 0..100 mapping in force on this service (fiqa serve --mappings).</param>
/// <param name="Method">How the raw value is computed, with its source.</param>
/// <param name="LowMeans">What a low scalar means.</param>
internal sealed record MeasureInfo(string Id, string Aspect, string Native, string Mapping, string Method, string LowMeans);

/// <summary>One unified quality method of <c>GET /v1/methods</c>.</summary>
/// <param name="Name">The name <c>unified=</c> takes.</param>
/// <param name="Parameter">The syntax of the parameter written after a colon (<c>perturb:R</c>), or null.</param>
/// <param name="Kind"><c>blind</c> (one image) or <c>labelled_reference</c> (a labelled set, not served per image).</param>
/// <param name="Description">What the method scores.</param>
/// <param name="Mapping">The raw → 0..100 mapping in force on this service.</param>
/// <param name="Source">The publication the method follows.</param>
internal sealed record UnifiedMethodInfo(string Name, string? Parameter, string Kind, string Description, string Mapping, string Source);

/// <summary>One image quality metric of <c>GET /v1/metrics</c>.</summary>
/// <param name="Name">The name <c>metric=</c> takes (pyiqa's).</param>
/// <param name="Kind"><c>full_reference</c> (needs part <c>reference</c>) or <c>no_reference</c>.</param>
/// <param name="LowerBetter">Whether a lower score means better quality.</param>
/// <param name="Range">The score's range in words.</param>
/// <param name="Reference">The publication and official code the implementation follows.</param>
internal sealed record MetricInfo(string Name, string Kind, bool LowerBetter, string Range, string Reference);

/// <summary>One verdict profile of <c>GET /v1/profiles</c>.</summary>
/// <param name="Name">The name <c>profile=</c> takes.</param>
/// <param name="Description">What the profile is for.</param>
/// <param name="Sources">The standards its thresholds come from.</param>
/// <param name="Requirements">Its requirements, in the order verdicts list failures.</param>
/// <param name="Calibration">For a calibrated profile file: what it was calibrated on.</param>
/// <param name="UnifiedThreshold">For a profile with a unified-score threshold: the threshold and its basis.</param>
internal sealed record ProfileInfo(string Name, string? Description, string? Sources, RequirementInfo[] Requirements,
    CalibrationInfo? Calibration, UnifiedThresholdInfo? UnifiedThreshold);

/// <summary>One requirement of a profile: limits on one measure's raw value (its unit) or its 0..100 scalar.</summary>
/// <param name="Code">Stable reason-code stem, e.g. <c>pose.yaw</c>.</param>
/// <param name="Measure">The measure it reads.</param>
/// <param name="Quantity">What the value is, in words.</param>
/// <param name="Unit">The raw value's unit.</param>
/// <param name="Min">The raw value must be ≥ this.</param>
/// <param name="Max">The raw value must be ≤ this.</param>
/// <param name="MaxAbs">|raw value| must be ≤ this (angles).</param>
/// <param name="MinScalar">The 0..100 scalar must be ≥ this.</param>
/// <param name="Requirement">The requirement in words, e.g. <c>|yaw| ≤ 5°</c>.</param>
/// <param name="Clause">The standard's clause or how the threshold was chosen.</param>
internal sealed record RequirementInfo(string Code, string Measure, string? Quantity, string? Unit, double? Min, double? Max,
    double? MaxAbs, int? MinScalar, string Requirement, string? Clause);

/// <summary>The calibration a served profile file names.</summary>
/// <param name="Profile">The profile's name.</param>
/// <param name="File">The file it was loaded from.</param>
/// <param name="Sha256">SHA-256 of the file's bytes (lower-case hex).</param>
/// <param name="Population">The reference population.</param>
/// <param name="Date">Date of the calibration run (ISO 8601).</param>
internal sealed record CalibrationInfo(string Profile, string File, string Sha256, string? Population, string? Date);

/// <summary>A profile's threshold on a unified score, with the error rates it was calibrated at.</summary>
/// <param name="Method">The unified method judged (<c>distilled</c>).</param>
/// <param name="Min">The score must be ≥ this.</param>
/// <param name="Fnmr0">FNMR before rejection on the calibration set.</param>
/// <param name="Fnmr">FNMR after rejecting below the threshold.</param>
/// <param name="FnmrInterval">Its confidence interval [low, high].</param>
/// <param name="RejectRate">The fraction of the calibration set rejected.</param>
internal sealed record UnifiedThresholdInfo(string Method, double? Min, double? Fnmr0, double? Fnmr, double[]? FnmrInterval, double? RejectRate);

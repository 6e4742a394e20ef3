namespace Fiqa.Quality.Reports;

/// <summary>One reason of a failed verdict: its code (<c>exposure.luminance.low</c>) and, where the record format keeps
/// it, the sentence for people (JSON Lines and CSV do, Parquet keeps codes only).</summary>
public sealed record AssessReason(string Code, string? Text);

/// <summary>What a batch report needs of one <c>fiqa assess</c> record, whichever format it was written in (JSON Lines,
/// CSV or Parquet; see <c>AssessRecordFile</c> in Fiqa.Batch).</summary>
/// <param name="File">The input path as <c>fiqa assess</c> wrote it.</param>
/// <param name="Face">Face index (0: primary); null for <c>no_face</c> and <c>error</c> records.</param>
/// <param name="Status"><c>ok</c>, <c>no_face</c> or <c>error</c>.</param>
/// <param name="Error">Why the file could not be assessed (error records).</param>
/// <param name="Box">[x, y, width, height] in pixels of the upright image; null when the format has none (CSV) or there is no face.</param>
/// <param name="Rotation">Clockwise turn (0, 90, 180, 270) the image had before the face was found upright.</param>
/// <param name="Pass">The profile's verdict; null without <c>--profile</c>.</param>
/// <param name="Reasons">The verdict's reasons, most important first (empty when it passes or there is none).</param>
public sealed record AssessRecord(string File, int? Face, string Status, string? Error, double[]? Box, int Rotation, bool? Pass, IReadOnlyList<AssessReason> Reasons);

using System.Text.Json;
using Fiqa.Face;

namespace Fiqa.Quality.Records;

/// <summary>Writes <c>fiqa assess</c> records (one JSON object per line). Coordinates are rounded to 0.01 px,
/// angles to 0.01°, probabilities to 1e-4, so equal inputs give byte-identical lines.</summary>
public static class FaceJson
{
    /// <summary>The records for one file: one per face, or one no_face / error record; <paramref name="extra"/>
    /// appends fields to each (the batch writers' content hash and fingerprint).</summary>
    public static IEnumerable<string> Records(FaceAssessment assessment, bool includeEmbedding, Action<Utf8JsonWriter>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        var file = assessment.Analysis;
        if (file.Status != FileStatus.Ok)
        {
            yield return Write(w =>
            {
                w.WriteString("file", file.Path);
                w.WriteString("status", file.Status == FileStatus.NoFace ? "no_face" : "error");
                if (file.Error is not null) w.WriteString("error", file.Error);
                if (assessment.FileVerdict is { } verdict) WriteVerdict(w, verdict);
                extra?.Invoke(w);
            });
            yield break;
        }
        foreach (var face in assessment.Faces)
            yield return Write(w =>
            {
                WriteFace(w, file.Path, face, includeEmbedding, assessment.Rotation);
                extra?.Invoke(w);
            });
    }

    private static void WriteFace(Utf8JsonWriter w, string path, FaceQuality quality, bool includeEmbedding, int rotation)
    {
        var face = quality.Face;
        w.WriteString("file", path);
        w.WriteNumber("face", face.Index);
        w.WriteString("status", "ok");
        // Coordinates below refer to the image turned upright by this many degrees counter-clockwise.
        if (rotation != 0) w.WriteNumber("rotation", rotation);
        var b = face.Detection.Box;
        w.WriteStartArray("box");
        w.WriteNumberValue(Round(b.X, 2)); w.WriteNumberValue(Round(b.Y, 2)); w.WriteNumberValue(Round(b.Width, 2)); w.WriteNumberValue(Round(b.Height, 2));
        w.WriteEndArray();
        w.WriteNumber("score", Round(face.Detection.Score, 4));
        if (face.Landmarks is { } lm)
        {
            w.WriteStartArray("landmarks");
            foreach (var p in lm.Points)
            {
                w.WriteStartArray();
                w.WriteNumberValue(Round(p.X, 2)); w.WriteNumberValue(Round(p.Y, 2));
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
        if (face.Pose is { } pose)
        {
            w.WriteStartObject("pose");
            w.WriteNumber("yaw", Round(pose.Yaw, 2)); w.WriteNumber("pitch", Round(pose.Pitch, 2)); w.WriteNumber("roll", Round(pose.Roll, 2));
            w.WriteEndObject();
        }
        if (face.Eyes is { } eyes)
        {
            w.WriteStartObject("eyes");
            w.WriteNumber("left", Round(eyes.Left, 4)); w.WriteNumber("right", Round(eyes.Right, 4));
            w.WriteEndObject();
        }
        if (face.Liveness is { } live) w.WriteNumber("liveness", Round(live, 4));
        if (face.Embedding is { } e)
        {
            w.WriteNumber("embedding_norm", Round(e.Norm, 4));
            if (includeEmbedding)
            {
                w.WriteStartArray("embedding");
                foreach (var v in e.Vector) w.WriteNumberValue(v);
                w.WriteEndArray();
            }
        }
        if (quality.Quality.Count > 0)
        {
            w.WriteStartObject("quality");
            foreach (var d in MeasureCatalogue.All)
            {
                if (!quality.Quality.TryGetValue(d.Name, out var r)) continue;
                w.WriteStartObject(d.Name);
                if (r.Raw is double raw) w.WriteNumber("raw", Math.Round(raw, 6, MidpointRounding.AwayFromZero));
                else w.WriteNull("raw");
                w.WriteNumber("scalar", r.Scalar);
                w.WriteString("status", r.Status == MeasureStatus.Success ? "success" : "failure_to_assess");
                if (r.Reason is not null) w.WriteString("reason", r.Reason);
                if (quality.Verdict is { } judged && judged.Checks.Where(c => c.Measure == d.Name).ToList() is { Count: > 0 } checks)
                {
                    w.WriteStartObject("requirement");
                    w.WriteBoolean("pass", checks.All(c => c.Pass));
                    w.WriteString("text", string.Join("; ", checks.Select(c => c.Requirement)));
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        if (quality.UnifiedMethods.Count > 0)
        {
            w.WriteStartObject("unified");
            foreach (var (name, score) in quality.UnifiedMethods)
            {
                w.WriteStartObject(name);
                if (score.Raw is double raw) w.WriteNumber("raw", Math.Round(raw, 6, MidpointRounding.AwayFromZero));
                else w.WriteNull("raw");
                w.WriteNumber("scalar", score.Scalar);
                if (score.Status != MeasureStatus.Success)
                {
                    w.WriteString("status", "failure_to_assess");
                    w.WriteString("reason", score.Reason);
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        if (quality.Verdict is { } verdict) WriteVerdict(w, verdict);
    }

    /// <summary>"verdict": {"pass": false, "reasons": [{"code": "exposure.luminance.low", "measure": "LuminanceMean",
    /// "value": 0.09, "unit": "fraction", "threshold": 0.2, "direction": "below", "clause": "…", "text": "…"}]}.</summary>
    private static void WriteVerdict(Utf8JsonWriter w, Verdict verdict)
    {
        w.WriteStartObject("verdict");
        w.WriteBoolean("pass", verdict.Pass);
        w.WriteStartArray("reasons");
        foreach (var r in verdict.Reasons)
        {
            w.WriteStartObject();
            w.WriteString("code", r.Code);
            if (r.Measure is not null) w.WriteString("measure", r.Measure);
            if (r.Value is double v) w.WriteNumber("value", v);
            if (r.Unit is not null) w.WriteString("unit", r.Unit);
            if (r.Threshold is double t) w.WriteNumber("threshold", t);
            w.WriteString("direction", r.Direction);
            if (r.Clause is not null) w.WriteString("clause", r.Clause);
            w.WriteString("text", r.Text);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        // Which calibration the face was judged against: a verdict under a generated profile is traceable to its file.
        if (verdict.Calibration is { } c)
        {
            w.WriteStartObject("calibration");
            w.WriteString("profile", c.Profile);
            w.WriteString("file", c.File);
            w.WriteString("sha256", c.Sha256);
            if (c.Population is not null) w.WriteString("population", c.Population);
            if (c.Date is not null) w.WriteString("date", c.Date);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static double Round(double v, int digits) => Math.Round(v, digits, MidpointRounding.AwayFromZero);

    /// <summary>One compact JSON object built by <paramref name="body"/> (<see cref="JsonLine.Write"/>).</summary>
    public static string Write(Action<Utf8JsonWriter> body) => JsonLine.Write(body);
}

using System.Security.Cryptography;
using System.Text;
using Fiqa.Quality;

namespace Fiqa.Batch;

/// <summary>The model/options fingerprint carried by every batch record: SHA-256 over the fiqa version, the SHA-256 of
/// each model loaded, the mappings' digest, and every option that changes a record — never the thread count, which
/// changes nothing.
/// Equal fingerprints mean a record can be reused (resume, queue redelivery); different ones mean it must be redone.</summary>
public static class Fingerprint
{
    /// <summary>The fingerprint of <paramref name="assessor"/> (call after <see cref="FaceQualityAssessor.Warm"/> so
    /// the models are loaded) with the writer's own switches in <paramref name="extra"/>.</summary>
    public static string Of(FaceQualityAssessor assessor, params string[] extra)
    {
        ArgumentNullException.ThrowIfNull(assessor);
        var o = assessor.Options;
        var f = o.Face;
        var sb = new StringBuilder();
        sb.Append("fiqa-record/1\n");
        sb.Append("version=").Append(typeof(FaceQualityAssessor).Assembly.GetName().Version).Append('\n');
        foreach (var model in assessor.Registry.Loaded.Order(StringComparer.Ordinal))
            sb.Append("model ").Append(model).Append('=').Append(assessor.Registry.Manifest(model).Sha256 ?? "unverified").Append('\n');
        sb.Append("models=").AppendJoin(',', f.Detector, f.Landmarks, f.Embedder, f.HeadPose, f.EyeState, f.Liveness, f.Expression).Append('\n');
        sb.Append("detection=").Append(f.Detection).Append('\n');
        // A non-default run is written in full, the default as "int8" (the int8 graph became the default), so records made
        // while float was the default are redone.
        if (f.ExpressionRun != new Fiqa.Face.Onnx.ExpressionRunOptions())
            sb.Append("expression=").Append(f.ExpressionRun.InputSize).Append(',').Append(f.ExpressionRun.Mirror).Append(',').Append(f.ExpressionRun.Precision).Append('\n');
        else
            sb.Append("expression=int8\n");
        // The refined landmarks moved every landmark-based value, so records from before them are redone; without them a
        // run computes what those records hold.
        if (f.RefineLandmarks) sb.Append("landmarks=refined\n");
        sb.Append("faces=").Append(f.AllFaces).Append(",aligned=").Append(f.AlignedInput).Append(",parts=").Append(f.Parts).Append('\n');
        sb.Append("measures=").AppendJoin(',', assessor.Measures.Select(m => m.Name)).Append('\n');
        sb.Append("unified=").AppendJoin(',', o.UnifiedMethods).Append('\n');
        sb.Append("profile=").Append(ProfileIdentity(o.Profile)).Append('\n');
        sb.Append("rotate=").Append(o.AutoRotate).Append(',').Append(o.DetectRotation).Append('\n');
        sb.Append("decode=").Append(o.Decode).Append('\n');
        sb.Append("methods=").Append(o.Methods).Append('\n');
        sb.Append("mappings=").Append(o.Mappings.Sha256).Append('\n');
        foreach (var e in extra) sb.Append(e).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    // A profile file is identified by its content, a built-in by its name.
    private static string ProfileIdentity(string? profile) => profile is null ? "none"
        : File.Exists(profile) ? "file:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(profile))) : profile;
}

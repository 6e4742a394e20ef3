namespace Fiqa.Quality.Measures;

// Head pose (OFIQ v1.0.3 HeadPose.cpp: 3DDFAv2; ours: the HopeNet-style pose model). Mapping 100·max(0, cos θ)².

/// <summary>Shared mapping and descriptor shape of the three pose components.</summary>
internal static class PoseMapping
{
    public static QualityMapping CosineSquared { get; } =
        new FormulaMapping("100·max(0, cos x)²", x => 100 * Math.Pow(Math.Max(0, Math.Cos(x * Math.PI / 180)), 2));

    public static MeasureDescriptor Descriptor(string id, string angle) => new(id, "character", $"{angle}, degrees",
        MeasureNeeds.Pose, CosineSquared, "HopeNet-style 66-bin regression on the face box (OFIQ: 3DDFAv2); sign convention in the README.");
}

/// <summary>ISO/IEC 29794-5 HeadPoseYaw.</summary>
public sealed class HeadPoseYaw : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = PoseMapping.Descriptor("HeadPoseYaw", "yaw");
    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;
    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Descriptor.Result(face.Pose.Yaw);
}

/// <summary>ISO/IEC 29794-5 HeadPosePitch.</summary>
public sealed class HeadPosePitch : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = PoseMapping.Descriptor("HeadPosePitch", "pitch");
    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;
    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Descriptor.Result(face.Pose.Pitch);
}

/// <summary>ISO/IEC 29794-5 HeadPoseRoll.</summary>
public sealed class HeadPoseRoll : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = PoseMapping.Descriptor("HeadPoseRoll", "roll");
    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;
    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Descriptor.Result(face.Pose.Roll);
}

namespace Fiqa.Quality.Measures;

// Head pose (OFIQ v1.0.3 HeadPose.cpp: 3DDFAv2; ours: the HopeNet-style pose model averaged with the landmarks' yaw,
// Fiqa.Face.HeadPoseFusion). Mapping 100·max(0, cos θ)².

/// <summary>ISO/IEC 29794-5 HeadPoseYaw.</summary>
public sealed class HeadPoseYaw : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = PoseMapping.Descriptor("HeadPoseYaw", "yaw", PoseMapping.FusedYaw, MeasureNeeds.Pose);
    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;
    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Descriptor.Result(face.Pose.Yaw);
}

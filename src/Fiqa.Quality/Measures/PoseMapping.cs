namespace Fiqa.Quality.Measures;

// Head pose (OFIQ v1.0.3 HeadPose.cpp: 3DDFAv2; ours: the HopeNet-style pose model). Mapping 100·max(0, cos θ)²
// (mappings.json).

/// <summary>Shared descriptor shape of the three pose components.</summary>
internal static class PoseMapping
{
    public static MeasureDescriptor Descriptor(string id, string angle) => Descriptor(id, angle,
        "HopeNet-style 66-bin regression on the face box (OFIQ: 3DDFAv2); sign convention in the README.", MeasureNeeds.Pose);

    /// <summary>HeadPoseYaw's method: the network's yaw averaged with the landmarks' (<see cref="Fiqa.Face.HeadPoseFusion"/>).</summary>
    public const string FusedYaw = "Mean of the HopeNet-style network's yaw and the yaw from the nose tip's place between the outer eye corners (68 points), calibrated on the verdict benchmark's calibration half; sign convention in the README.";

    public static MeasureDescriptor Descriptor(string id, string angle, string method, MeasureNeeds needs = MeasureNeeds.Landmarks) =>
        new(id, "character", $"{angle}, degrees", needs, MappingTable.Default.Measure(id), method);
}

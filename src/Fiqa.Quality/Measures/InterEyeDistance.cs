namespace Fiqa.Quality.Measures;

// Geometric components (OFIQ v1.0.3 InterEyeDistance.cpp, HeadSize.cpp, CropOfTheFaceImage.cpp): distances from
// landmarks in original-image pixels. OFIQ uses ADNet's 98 points; we use the equivalent 68-point positions.
// IED = distance between the eye centres; T = distance from the eye midpoint to the chin (landmark 8).

/// <summary>ISO/IEC 29794-5 InterEyeDistance: IED corrected for yaw.</summary>
public sealed class InterEyeDistance : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("InterEyeDistance", "character",
        "IED / cos(yaw), original-image pixels", MeasureNeeds.Landmarks | MeasureNeeds.Pose, MappingTable.Default.Measure("InterEyeDistance"),
        "Eye centres = means of the 68-point eye contours; yaw from the pose model.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        double cos = Math.Cos(face.Pose.Yaw * Math.PI / 180);
        if (cos < 0.05) return MeasureResult.Failure("yaw too large to correct the inter-eye distance");
        return Descriptor.Result(face.Landmarks.InterEyeDistance / cos);
    }
}

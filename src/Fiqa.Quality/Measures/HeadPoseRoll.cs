namespace Fiqa.Quality.Measures;

/// <summary>ISO/IEC 29794-5 HeadPoseRoll: in-plane rotation of the head. Read from the landmarks' eye line rather than
/// the pose network (whose roll bins saturate on faces turned in the image plane), plus the turn the image needed to be
/// upright, so a face lying on its side reports about 90°.</summary>
public sealed class HeadPoseRoll : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = PoseMapping.Descriptor("HeadPoseRoll", "roll",
        "Angle of the line through the two eye centres (68-point contours), plus the image's detected 90°/180°/270° turn; > 0 clockwise.");
    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Descriptor.Result(Of(face.ImageRotation, face.EyeLineRoll));

    /// <summary>The roll a record and this component report: <paramref name="eyeLineRoll"/> in the upright image plus
    /// the clockwise <paramref name="imageRotation"/> it needed, in degrees, wrapped to (−180, 180].</summary>
    public static double Of(int imageRotation, double eyeLineRoll)
    {
        double roll = imageRotation + eyeLineRoll;
        return roll > 180 ? roll - 360 : roll <= -180 ? roll + 360 : roll;
    }
}

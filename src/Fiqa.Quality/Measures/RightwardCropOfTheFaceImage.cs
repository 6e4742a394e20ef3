namespace Fiqa.Quality.Measures;

// Geometric components (OFIQ v1.0.3 InterEyeDistance.cpp, HeadSize.cpp, CropOfTheFaceImage.cpp): distances from
// landmarks in original-image pixels. OFIQ uses ADNet's 98 points; we use the equivalent 68-point positions.
// IED = distance between the eye centres; T = distance from the eye midpoint to the chin (landmark 8).

/// <summary>ISO/IEC 29794-5 RightwardCropOfTheFaceImage: room right of the subject's left eye (image right).</summary>
public sealed class RightwardCropOfTheFaceImage : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("RightwardCropOfTheFaceImage", "character",
        "(image width − x of the image-right eye centre) / IED", MeasureNeeds.Landmarks, MappingTable.Default.Measure("RightwardCropOfTheFaceImage"), "As OFIQ.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) =>
        Descriptor.Result((face.Image.Width - face.Landmarks.ImageRightEyeCenter.X) / face.Landmarks.InterEyeDistance);
}

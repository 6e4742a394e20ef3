namespace Fiqa.Quality.Measures;

// Geometric components (OFIQ v1.0.3 InterEyeDistance.cpp, HeadSize.cpp, CropOfTheFaceImage.cpp): distances from
// landmarks in original-image pixels. OFIQ uses ADNet's 98 points; we use the equivalent 68-point positions.
// IED = distance between the eye centres; T = distance from the eye midpoint to the chin (landmark 8).

/// <summary>ISO/IEC 29794-5 LeftwardCropOfTheFaceImage: room left of the subject's right eye (image left).</summary>
public sealed class LeftwardCropOfTheFaceImage : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("LeftwardCropOfTheFaceImage", "character",
        "x of the image-left eye centre / IED", MeasureNeeds.Landmarks, MappingTable.Default.Measure("LeftwardCropOfTheFaceImage"), "As OFIQ.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) =>
        Descriptor.Result(face.Landmarks.ImageLeftEyeCenter.X / face.Landmarks.InterEyeDistance);
}

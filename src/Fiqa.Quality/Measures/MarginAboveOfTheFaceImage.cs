namespace Fiqa.Quality.Measures;

// Geometric components (OFIQ v1.0.3 InterEyeDistance.cpp, HeadSize.cpp, CropOfTheFaceImage.cpp): distances from
// landmarks in original-image pixels. OFIQ uses ADNet's 98 points; we use the equivalent 68-point positions.
// IED = distance between the eye centres; T = distance from the eye midpoint to the chin (landmark 8).

/// <summary>ISO/IEC 29794-5 MarginAboveOfTheFaceImage: room above the eyes, in face heights.</summary>
public sealed class MarginAboveOfTheFaceImage : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("MarginAboveOfTheFaceImage", "character",
        "y of the eye midpoint / T", MeasureNeeds.Landmarks, MappingTable.Default.Measure("MarginAboveOfTheFaceImage"), "As OFIQ.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Descriptor.Result(face.EyeMidpoint.Y / face.EyeToChin);
}

namespace Fiqa.Quality.Measures;

// Geometric components (OFIQ v1.0.3 InterEyeDistance.cpp, HeadSize.cpp, CropOfTheFaceImage.cpp): distances from
// landmarks in original-image pixels. OFIQ uses ADNet's 98 points; we use the equivalent 68-point positions.
// IED = distance between the eye centres; T = distance from the eye midpoint to the chin (landmark 8).

/// <summary>ISO/IEC 29794-5 MarginBelowOfTheFaceImage: room below the eyes, in face heights.</summary>
public sealed class MarginBelowOfTheFaceImage : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("MarginBelowOfTheFaceImage", "character",
        "(image height − y of the eye midpoint) / T", MeasureNeeds.Landmarks, MappingTable.Default.Measure("MarginBelowOfTheFaceImage"), "As OFIQ.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Descriptor.Result((face.Image.Height - face.EyeMidpoint.Y) / face.EyeToChin);
}

namespace Fiqa.Quality.Measures;

// Geometric components (OFIQ v1.0.3 InterEyeDistance.cpp, HeadSize.cpp, CropOfTheFaceImage.cpp): distances from
// landmarks in original-image pixels. OFIQ uses ADNet's 98 points; we use the equivalent 68-point positions.
// IED = distance between the eye centres; T = distance from the eye midpoint to the chin (landmark 8).

/// <summary>ISO/IEC 29794-5 HeadSize: face height relative to the image height.</summary>
public sealed class HeadSize : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("HeadSize", "character",
        "T / image height", MeasureNeeds.Landmarks,
        MappingTable.Default.Measure("HeadSize"),
        "As OFIQ; note OFIQ issues #60/#76: the ideal 0.45 conflicts with the margin components for some layouts.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Descriptor.Result(face.EyeToChin / face.Image.Height);
}

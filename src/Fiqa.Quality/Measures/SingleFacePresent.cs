namespace Fiqa.Quality.Measures;

// Geometric components (OFIQ v1.0.3 InterEyeDistance.cpp, HeadSize.cpp, CropOfTheFaceImage.cpp): distances from
// landmarks in original-image pixels. OFIQ uses ADNet's 98 points; we use the equivalent 68-point positions.
// IED = distance between the eye centres; T = distance from the eye midpoint to the chin (landmark 8).

/// <summary>ISO/IEC 29794-5 SingleFacePresent: how much a second face competes with the first.</summary>
public sealed class SingleFacePresent : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("SingleFacePresent", "character",
        "0 with one face, else area of the second-largest box / area of the largest", MeasureNeeds.AllFaces,
        MappingTable.Default.Measure("SingleFacePresent"), "As OFIQ, with our detector's boxes.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        var faces = face.AllFaces;
        return Descriptor.Result(faces.Count < 2 ? 0 : faces[1].Box.Area / faces[0].Box.Area);
    }
}

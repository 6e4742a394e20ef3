using System.Numerics;

namespace Fiqa.Quality.Measures;

// Eyes and mouth (OFIQ v1.0.3 EyesOpen.cpp, MouthClosed.cpp use ADNet's 98 points). MouthClosed uses the 68-point
// inner-lip pairs 61–67, 62–66, 63–65.

/// <summary>ISO/IEC 29794-5 MouthClosed: inner-lip gap relative to the face height.</summary>
public sealed class MouthClosed : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("MouthClosed", "character",
        "largest inner-lip gap / T", MeasureNeeds.Landmarks, MappingTable.Default.Measure("MouthClosed"), "As OFIQ with 68-point inner lips.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        var p = face.Landmarks.Points;
        double gap = Math.Max(Vector2.Distance(p[61], p[67]), Math.Max(Vector2.Distance(p[62], p[66]), Vector2.Distance(p[63], p[65])));
        return Descriptor.Result(gap / face.EyeToChin);
    }
}

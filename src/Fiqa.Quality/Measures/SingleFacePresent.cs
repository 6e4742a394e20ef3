using Fiqa.Face;

namespace Fiqa.Quality.Measures;

// Geometric components (OFIQ v1.0.3 InterEyeDistance.cpp, HeadSize.cpp, CropOfTheFaceImage.cpp): distances from
// landmarks in original-image pixels. OFIQ uses ADNet's 98 points; we use the equivalent 68-point positions.
// IED = distance between the eye centres; T = distance from the eye midpoint to the chin (landmark 8).

/// <summary>ISO/IEC 29794-5 SingleFacePresent: how much a second face competes with the primary (largest) one.</summary>
public sealed class SingleFacePresent : IQualityMeasure
{
    /// <summary>A detection counts as a second face from this detector score (0..1) up. On the verdict benchmark's
    /// calibration half, 6 of the 8 photos with a box between the detector's own threshold (0.65) and 0.8 are labelled
    /// without a second face (a sub-box of the subject's glasses, faint partial faces at the frame's edge), while every
    /// labelled second face but one has a box scoring 0.84 or more (docs/measures.md, "Verdicts against labelled photos").</summary>
    public const float MinScore = 0.8f;

    /// <summary>A box with at least this share of its area inside the primary face's box is part of that face or an
    /// object in front of it (a second box on the same face, a statuette held up), not another person's face.</summary>
    public const float MaxShareInsidePrimary = 0.5f;

    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("SingleFacePresent", "character",
        "0 with one face, else area of the largest other face box / area of the primary (largest) box", MeasureNeeds.AllFaces,
        MappingTable.Default.Measure("SingleFacePresent"),
        "As OFIQ, with our detector's boxes; a box counts as another face when its score is ≥ 0.8 and less than half of it lies inside the primary box.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Descriptor.Result(SecondFaceRatio(face.AllFaces));

    /// <summary>Area of the largest detection that counts as another face (<see cref="MinScore"/>,
    /// <see cref="MaxShareInsidePrimary"/>) over the area of <paramref name="faces"/>[0], the primary face; 0 when none
    /// counts. <paramref name="faces"/> is ordered largest first.</summary>
    public static double SecondFaceRatio(IReadOnlyList<FaceDetection> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        if (faces.Count < 2 || faces[0].Box.Area <= 0) return 0;
        var primary = faces[0].Box;
        for (int i = 1; i < faces.Count; i++)
        {
            var other = faces[i];
            if (other.Score < MinScore || other.Box.Area <= 0) continue;
            if (Intersection(primary, other.Box) / other.Box.Area >= MaxShareInsidePrimary) continue;
            return other.Box.Area / primary.Area; // largest first: the first that counts is the largest
        }
        return 0;
    }

    private static float Intersection(FaceBox a, FaceBox b)
    {
        float w = Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X), h = Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y);
        return w <= 0 || h <= 0 ? 0 : w * h;
    }
}

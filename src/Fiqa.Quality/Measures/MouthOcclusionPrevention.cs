namespace Fiqa.Quality.Measures;

// Occlusion components. OFIQ v1.0.3 segments occlusions with a dedicated network (and BiSeNet parsing for head
// coverings); neither is available here, so these are analytic estimates on the canonical portrait:
// - eyes: the band a lens covers under each eye, against the cheek below it (EyesVisible.cs);
// - mouth, face, forehead: pixels whose chroma is not skin or lip (masks, hands, hats, scarves).
// Chroma-based estimates need colour: on greyscale images they report failure to assess.

/// <summary>ISO/IEC 29794-5 MouthOcclusionPrevention: occluded share of the mouth zone.</summary>
public sealed class MouthOcclusionPrevention : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("MouthOcclusionPrevention", "character",
        "fraction of the mouth zone that is neither the face's skin nor lip colour", MeasureNeeds.Landmarks,
        MappingTable.Default.Measure("MouthOcclusionPrevention"),
        "Mouth zone = outer-lip contour grown 1.3×; chroma against the face's own skin (cheek statistics) with a lip allowance, teeth and cavity inside the inner lips exempt (OFIQ: occlusion segmentation).");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Zones.NonSkinShare(face, Descriptor, () => Zones.Mouth(face), mouth: true);
}

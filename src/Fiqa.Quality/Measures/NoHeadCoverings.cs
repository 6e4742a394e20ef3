namespace Fiqa.Quality.Measures;

// Occlusion components. OFIQ v1.0.3 segments occlusions with a dedicated network (and BiSeNet parsing for head
// coverings); neither is available here, so these are analytic estimates on the canonical portrait:
// - eyes: the band a lens covers under each eye, against the cheek below it (EyesVisible.cs);
// - mouth, face, forehead: pixels whose chroma is not skin or lip (masks, hands, hats, scarves).
// Chroma-based estimates need colour: on greyscale images they report failure to assess.

/// <summary>ISO/IEC 29794-5 NoHeadCoverings: non-skin share of the forehead band.</summary>
public sealed class NoHeadCoverings : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("NoHeadCoverings", "character",
        "fraction of the forehead band that is not the face's skin colour", MeasureNeeds.Landmarks,
        MappingTable.Default.Measure("NoHeadCoverings"),
        "Band from the eyebrows up by 0.35 T; chroma against the face's own skin (OFIQ: parsing classes cloth and hat above the face, piecewise mapping). Hair over the forehead counts as covering.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Zones.NonSkinShare(face, Descriptor, () => Zones.Forehead(face));
}

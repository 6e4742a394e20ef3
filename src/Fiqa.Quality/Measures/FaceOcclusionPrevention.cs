using Fiqa.Imaging;

namespace Fiqa.Quality.Measures;

// Occlusion components. OFIQ v1.0.3 segments occlusions with a dedicated network (and BiSeNet parsing for head
// coverings); neither is available here, so these are analytic estimates on the canonical portrait:
// - eyes: the band a lens covers under each eye, against the cheek below it (EyesVisible.cs);
// - mouth, face, forehead: pixels whose chroma is not skin or lip (masks, hands, hats, scarves).
// Chroma-based estimates need colour: on greyscale images they report failure to assess.

/// <summary>ISO/IEC 29794-5 FaceOcclusionPrevention: occluded share of the face outside eyes and mouth.</summary>
public sealed class FaceOcclusionPrevention : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("FaceOcclusionPrevention", "character",
        "fraction of the face region (without eye and mouth zones) that is not the face's skin colour", MeasureNeeds.Landmarks,
        MappingTable.Default.Measure("FaceOcclusionPrevention"),
        "Landmark face outline minus the eye and mouth zones; chroma against the face's own skin, learnt from its cheeks (OFIQ: occlusion segmentation). Beards read as occlusion.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Zones.NonSkinShare(face, Descriptor, () =>
    {
        var region = (bool[])face.FaceRegion.Clone();
        foreach (var zone in new[] { Zones.Eye(face, true), Zones.Eye(face, false), Zones.Mouth(face) })
        {
            var (from, to) = PolygonMask.Extent(zone);
            for (int i = from; i < to; i++) region[i] &= !zone[i];
        }
        return region;
    });
}

using System.Numerics;

namespace Fiqa.Quality.Measures;

// Occlusion components. OFIQ v1.0.3 segments occlusions with a dedicated network (and BiSeNet parsing for head
// coverings); neither is available here, so these are analytic estimates on the canonical portrait:
// - eyes: the band a lens covers under each eye, against the cheek below it (EyesVisible.cs);
// - mouth, face, forehead: pixels whose chroma is not the face's own skin (SkinModel) or lips (masks, hands, hats,
//   scarves); teeth and the cavity inside the inner lips are not cover.
// Chroma-based estimates need colour: on greyscale images they report failure to assess.

internal static class Zones
{
    private static readonly int[] FirstEye = [36, 37, 38, 39, 40, 41];
    private static readonly int[] SecondEye = [42, 43, 44, 45, 46, 47];
    private static readonly int[] OuterLips = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59];
    private static readonly int[] InnerLips = [60, 61, 62, 63, 64, 65, 66, 67];

    // Zones are computed once per face and shared (EyesOpen and FaceOcclusionPrevention read the same eye zones);
    // callers only read them.
    public static bool[] Eye(FaceContext face, bool first) =>
        face.Memo(first ? "zone.eye.first" : "zone.eye.second", () => face.Region(face.PortraitPolygon(first ? FirstEye : SecondEye, 1.5f)));

    /// <summary>Mouth zone: the outer lips grown 1.3×, united with an ellipse where the mouth belongs in the canonical
    /// portrait (centre (308, 402), the template's mouth, half-axes 70 × 32 px). The landmark model, shown a covered
    /// mouth, often places the lips off the cover; the template position still looks at it.</summary>
    public static bool[] Mouth(FaceContext face) => face.Memo("zone.mouth", () => BuildMouth(face));

    private static bool[] BuildMouth(FaceContext face)
    {
        var zone = face.Region(face.PortraitPolygon(OuterLips, 1.3f));
        int size = FaceContext.PortraitSize;
        for (int y = 402 - 32; y <= 402 + 32; y++)
            for (int x = 308 - 70; x <= 308 + 70; x++)
            {
                double dx = (x - 308) / 70.0, dy = (y - 402) / 32.0;
                if (dx * dx + dy * dy <= 1) zone[y * size + x] |= face.Portrait.Inside[y * size + x];
            }
        return zone;
    }

    /// <summary>The mouth opening (inner lips, grown a little): teeth and the mouth cavity are not cover.</summary>
    public static bool[] MouthOpening(FaceContext face) => face.Memo("zone.mouth_opening", () => face.Region(face.PortraitPolygon(InnerLips, 1.2f)));

    /// <summary>Forehead band: between the eyebrow line and 0.35 T above it, eyebrow ends to eyebrow ends.</summary>
    public static bool[] Forehead(FaceContext face)
    {
        var lm = face.Portrait.Landmarks;
        float top = Enumerable.Range(17, 10).Min(i => lm[i].Y);
        float t = Vector2.Distance((lm[36] + lm[45]) / 2, lm[8]);
        float x0 = lm[17].X, x1 = lm[26].X;
        return face.Region([new(x0, top - 0.35f * t), new(x1, top - 0.35f * t), new(x1, top - 0.05f * t), new(x0, top - 0.05f * t)]);
    }

    /// <summary>The non-skin share of a zone as the descriptor's result, or the reason it cannot be measured.</summary>
    public static MeasureResult NonSkinShare(FaceContext face, MeasureDescriptor descriptor, Func<bool[]> zone, bool mouth = false)
    {
        if (face.IsGreyscale) return GreyscaleFailure;
        double f = SkinModel.Of(face).NonSkinFraction(face.Portrait.Image, zone(), lips: mouth, exempt: mouth ? MouthOpening(face) : null);
        return double.IsNaN(f) ? EmptyZone : descriptor.Result(f);
    }

    public static MeasureResult GreyscaleFailure { get; } = MeasureResult.Failure("greyscale image: the chroma-based occlusion estimate needs colour");
    public static MeasureResult EmptyZone { get; } = MeasureResult.Failure("the zone lies outside the image");
}

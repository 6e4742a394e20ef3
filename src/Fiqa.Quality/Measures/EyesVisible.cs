using Fiqa.Imaging;
using System.Numerics;

namespace Fiqa.Quality.Measures;

// OFIQ v1.0.3 segments occlusions with a dedicated network; none is available here, so EyesVisible is an analytic
// estimate on the canonical portrait, built on what a lens does that an eye does not. An open eye's iris, pupil and
// lashes are dark, and deep-set eyes sit in shadow, so "dark pixels near the eye" fires on clean eyes (the previous
// estimate, dark share of the eye contour grown 1.5×, fired on 44 of 217 clean LFW controls). A lens is wider and
// lower than the eye: it covers the lower lid and the skin below it, out to the temple. So the measure looks at a band
// under the eye line, from the eye line to 0.3 IED below it and from 0.4 IED towards the nose to 0.5 IED towards the
// temple, and compares it with the cheek right under the lens (0.4–0.5 IED below the eye line), which shares the
// face's light: a pixel is covered when it is darker than 0.3× the cheek's median, or, for a tinted lens, off the
// face's own skin colour (SkinModel) and darker than 0.7× the cheek. Sunglasses cover both eyes, while the light of a
// press photo often leaves one eye socket in deep shadow, so the raw value is the covered share of the LESS covered
// eye (a profile's limit of 0.5 reads "more than half of both bands covered"); the ratios and the band were chosen on
// the calibration half of benchmarks/verdicts only (docs/measures.md).

/// <summary>ISO/IEC 29794-5 EyesVisible: covered share (0..1) of the band a lens occupies under each eye, the less
/// covered eye.</summary>
public sealed class EyesVisible : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("EyesVisible", "character",
        "covered share of the lens band under the eyes, the less covered eye, 0..1", MeasureNeeds.Landmarks,
        MappingTable.Default.Measure("EyesVisible"),
        "Lens band = eye line to 0.3 IED below, 0.4 IED nasal to 0.5 IED temporal, in the portrait; covered = darker than 0.3× the cheek under it, or off the face's skin colour and darker than 0.7× (OFIQ: occlusion segmentation network).");

    /// <summary>Band under each eye centre, in inter-eye distances: nasal and temporal reach, top and bottom.</summary>
    public const float Nasal = 0.4f, Temporal = 0.5f, BandTop = 0f, BandBottom = 0.3f;
    /// <summary>The cheek reference under the band, in inter-eye distances below the eye centre.</summary>
    public const float CheekTop = 0.4f, CheekBottom = 0.5f;
    /// <summary>A band pixel darker than this share of the cheek's median luminance is covered (a dark lens).</summary>
    public const double DarkRatio = 0.3;
    /// <summary>A band pixel off the skin colour and darker than this share of the cheek's median is covered (a tinted lens).</summary>
    public const double TintRatio = 0.7;

    private static readonly int[] FirstEye = [36, 37, 38, 39, 40, 41];
    private static readonly int[] SecondEye = [42, 43, 44, 45, 46, 47];

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        var first = Share(face, imageLeft: true);
        var second = Share(face, imageLeft: false);
        if (first is not { } a || second is not { } b) return Zones.EmptyZone;
        return Descriptor.Result(Math.Min(a, b));
    }

    /// <summary>The covered share of one eye's band; null when the band or its cheek lies outside the image.</summary>
    private static double? Share(FaceContext face, bool imageLeft)
    {
        var lm = face.Portrait.Landmarks;
        var centre = Centre(lm, imageLeft ? FirstEye : SecondEye);
        var other = Centre(lm, imageLeft ? SecondEye : FirstEye);
        float ied = Vector2.Distance(centre, other);
        // The portrait is rolled level, so "towards the temple" is away from the other eye along x.
        float outward = centre.X < other.X ? -1 : 1;
        float x0 = centre.X + outward * Temporal * ied, x1 = centre.X - outward * Nasal * ied;
        var band = Box(face, Math.Min(x0, x1), Math.Max(x0, x1), centre.Y + BandTop * ied, centre.Y + BandBottom * ied);
        var cheek = Box(face, Math.Min(x0, x1), Math.Max(x0, x1), centre.Y + CheekTop * ied, centre.Y + CheekBottom * ied);
        var lum = face.PortraitLuminance.Values;
        var cheekValues = new List<float>();
        var (cheekFrom, cheekTo) = PolygonMask.Extent(cheek);
        for (int i = cheekFrom; i < cheekTo; i++)
            if (cheek[i]) cheekValues.Add(lum[i]);
        if (cheekValues.Count == 0) return null;
        // Floor of one linear level: against a black cheek (a shadow or a cover over the lower face) a black band still counts.
        double reference = Math.Max(1, RankStatistics.Select(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(cheekValues), cheekValues.Count / 2));
        // The tint cue needs the face's own skin colour; on greyscale or a cheek that is not skin it stays off.
        var skin = face.IsGreyscale ? null : SkinModel.Of(face);
        if (skin is { Learnt: false }) skin = null;
        var px = face.Portrait.Image.Pixels;
        long n = 0, covered = 0;
        var (bandFrom, bandTo) = PolygonMask.Extent(band);
        for (int i = bandFrom; i < bandTo; i++)
        {
            if (!band[i]) continue;
            n++;
            double v = lum[i];
            if (v < DarkRatio * reference) covered++;
            else if (skin is not null && v < TintRatio * reference && !skin.IsSkin(px[3 * i], px[3 * i + 1], px[3 * i + 2])) covered++;
        }
        return n == 0 ? null : (double)covered / n;
    }

    private static Vector2 Centre(IReadOnlyList<Vector2> lm, int[] indices)
    {
        var c = Vector2.Zero;
        foreach (var i in indices) c += lm[i];
        return c / indices.Length;
    }

    private static bool[] Box(FaceContext face, float x0, float x1, float y0, float y1) =>
        face.Region([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1)]);
}

using System.Numerics;
using Fiqa.Imaging;

namespace Fiqa.Quality.Measures;

// Occlusion components. OFIQ v1.0.3 segments occlusions with a dedicated network (and BiSeNet parsing for head
// coverings); neither is available here, so these are analytic estimates on the canonical portrait:
// - eye zones: pixels far darker than the face's median luminance (dark bars, sunglasses) or saturated (glare);
// - mouth, face, forehead: pixels whose chroma is not skin or lip (masks, hands, hats, scarves).
// Chroma-based estimates need colour: on greyscale images they report failure to assess.

internal static class Zones
{
    private static readonly int[] FirstEye = [36, 37, 38, 39, 40, 41];
    private static readonly int[] SecondEye = [42, 43, 44, 45, 46, 47];
    private static readonly int[] OuterLips = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59];

    public static bool[] Eye(FaceContext face, bool first) => face.Region(face.PortraitPolygon(first ? FirstEye : SecondEye, 1.5f));

    public static bool[] Mouth(FaceContext face) => face.Region(face.PortraitPolygon(OuterLips, 1.3f));

    /// <summary>Forehead band: between the eyebrow line and 0.35 T above it, eyebrow ends to eyebrow ends.</summary>
    public static bool[] Forehead(FaceContext face)
    {
        var lm = face.Portrait.Landmarks;
        float top = Enumerable.Range(17, 10).Min(i => lm[i].Y);
        float t = Vector2.Distance((lm[36] + lm[45]) / 2, lm[8]);
        float x0 = lm[17].X, x1 = lm[26].X;
        return face.Region([new(x0, top - 0.35f * t), new(x1, top - 0.35f * t), new(x1, top - 0.05f * t), new(x0, top - 0.05f * t)]);
    }

    /// <summary>True when the face region has practically no chroma (a greyscale image).</summary>
    public static bool IsGreyscale(FaceContext face)
    {
        var px = face.Portrait.Image.Pixels;
        var mask = face.FaceRegion;
        double chroma = 0;
        long n = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            if (!mask[i]) continue;
            int r = px[3 * i], g = px[3 * i + 1], b = px[3 * i + 2];
            chroma += Math.Abs(r - g) + Math.Abs(g - b);
            n++;
        }
        return n == 0 || chroma / n < 3;
    }

    public static MeasureResult GreyscaleFailure { get; } = MeasureResult.Failure("greyscale image: the chroma-based occlusion estimate needs colour");
    public static MeasureResult EmptyZone { get; } = MeasureResult.Failure("the zone lies outside the image");
}

/// <summary>ISO/IEC 29794-5 EyesVisible: occluded share of the eye zones.</summary>
public sealed class EyesVisible : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("EyesVisible", "character",
        "largest occluded fraction of the two eye zones", MeasureNeeds.Landmarks,
        new FormulaMapping("100·(1 − x)", x => 100 * (1 - x)),
        "Eye zone = eye contour grown 1.5× in the portrait; occluded = luminance below 0.1× the face median or above 250 (OFIQ: occlusion segmentation network).");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        if (face.FaceLuminanceHistogram is not { } h) return Zones.EmptyZone;
        double cumulative = 0;
        int median = 0;
        while (median < 255 && (cumulative += h[median]) < 0.5) median++;
        float dark = 0.1f * median;
        double worst = 0;
        foreach (var first in new[] { true, false })
        {
            var zone = Zones.Eye(face, first);
            long n = 0, occluded = 0;
            var lum = face.PortraitLuminance.Values;
            for (int i = 0; i < zone.Length; i++)
            {
                if (!zone[i]) continue;
                n++;
                if (lum[i] < dark || lum[i] > 250) occluded++;
            }
            if (n == 0) return Zones.EmptyZone;
            worst = Math.Max(worst, (double)occluded / n);
        }
        return Descriptor.Result(worst);
    }
}

/// <summary>ISO/IEC 29794-5 MouthOcclusionPrevention: occluded share of the mouth zone.</summary>
public sealed class MouthOcclusionPrevention : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("MouthOcclusionPrevention", "character",
        "fraction of the mouth zone that is not skin- or lip-coloured", MeasureNeeds.Landmarks,
        new FormulaMapping("100·(1 − x)", x => 100 * (1 - x)),
        "Mouth zone = outer-lip contour grown 1.3×; YCbCr skin/lip chroma test. Visible teeth count as occlusion (open mouths are MouthClosed's concern).");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        if (Zones.IsGreyscale(face)) return Zones.GreyscaleFailure;
        double f = RegionStatistics.NonSkinFraction(face.Portrait.Image, Zones.Mouth(face));
        return double.IsNaN(f) ? Zones.EmptyZone : Descriptor.Result(f);
    }
}

/// <summary>ISO/IEC 29794-5 FaceOcclusionPrevention: occluded share of the face outside eyes and mouth.</summary>
public sealed class FaceOcclusionPrevention : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("FaceOcclusionPrevention", "character",
        "fraction of the face region (without eye and mouth zones) that is not skin-coloured", MeasureNeeds.Landmarks,
        new FormulaMapping("100·(1 − x)", x => 100 * (1 - x)),
        "Landmark face outline minus the eye and mouth zones; YCbCr skin chroma test (OFIQ: occlusion segmentation). Beards and heavy make-up read as occlusion.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        if (Zones.IsGreyscale(face)) return Zones.GreyscaleFailure;
        var region = (bool[])face.FaceRegion.Clone();
        foreach (var zone in new[] { Zones.Eye(face, true), Zones.Eye(face, false), Zones.Mouth(face) })
            for (int i = 0; i < region.Length; i++) region[i] &= !zone[i];
        double f = RegionStatistics.NonSkinFraction(face.Portrait.Image, region);
        return double.IsNaN(f) ? Zones.EmptyZone : Descriptor.Result(f);
    }
}

/// <summary>ISO/IEC 29794-5 NoHeadCoverings: non-skin share of the forehead band.</summary>
public sealed class NoHeadCoverings : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("NoHeadCoverings", "character",
        "fraction of the forehead band that is not skin-coloured", MeasureNeeds.Landmarks,
        new FormulaMapping("100·(1 − x)", x => 100 * (1 - x)),
        "Band from the eyebrows up by 0.35 T (OFIQ: parsing classes cloth and hat above the face, piecewise mapping). Hair over the forehead counts as covering.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        if (Zones.IsGreyscale(face)) return Zones.GreyscaleFailure;
        double f = RegionStatistics.NonSkinFraction(face.Portrait.Image, Zones.Forehead(face));
        return double.IsNaN(f) ? Zones.EmptyZone : Descriptor.Result(f);
    }
}

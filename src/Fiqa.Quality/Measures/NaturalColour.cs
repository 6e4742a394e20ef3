using Fiqa.Imaging;

namespace Fiqa.Quality.Measures;

// Cheek-based components (OFIQ v1.0.3 IlluminationUniformity.cpp, NaturalColour.cpp). OFIQ's cheek zones come from
// its 98 landmarks; ours are the 68-point polygons below the eyes, between the jaw and the nose.

/// <summary>ISO/IEC 29794-5 NaturalColour: distance of the cheeks' mean CIELAB a*, b* from the natural-skin box.</summary>
public sealed class NaturalColour : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("NaturalColour", "fidelity",
        "√(max(0, 5 − a, a − 25)² + max(0, 5 − b, b − 35)²) of the cheeks' mean a*, b*", MeasureNeeds.Landmarks,
        MappingTable.Default.Measure("NaturalColour"), "As OFIQ (sRGB → CIELAB D65) with 68-point cheek zones.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    private static readonly MeasureResult Greyscale = MeasureResult.Failure("greyscale image: skin colour cannot be judged");

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        // A greyscale image has no skin colour to judge; reading a* = b* = 0 as "unnatural" or "natural" would both be guesses.
        if (face.IsGreyscale) return Greyscale;
        var px = face.Portrait.Image.Pixels;
        double sa = 0, sb = 0;
        long n = 0;
        foreach (var side in new[] { true, false })
        {
            var zone = Cheeks.Zone(face, side);
            var (zoneFrom, zoneTo) = PolygonMask.Extent(zone);
            for (int i = zoneFrom; i < zoneTo; i++)
            {
                if (!zone[i]) continue;
                var (_, a, b) = Imaging.Colour.ToLab(px[3 * i], px[3 * i + 1], px[3 * i + 2]);
                sa += a;
                sb += b;
                n++;
            }
        }
        if (n == 0) return MeasureResult.Failure("the cheek zones lie outside the image");
        return Descriptor.Result(Distance(sa / n, sb / n));
    }

    /// <summary>The native value for mean a*, b* (OFIQ's formula).</summary>
    public static double Distance(double a, double b)
    {
        double da = Math.Max(0, Math.Max(5 - a, a - 25)), db = Math.Max(0, Math.Max(5 - b, b - 35));
        return Math.Sqrt(da * da + db * db);
    }
}

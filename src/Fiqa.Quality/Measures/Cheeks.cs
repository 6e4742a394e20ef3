using Fiqa.Imaging;

namespace Fiqa.Quality.Measures;

// Cheek-based components (OFIQ v1.0.3 IlluminationUniformity.cpp, NaturalColour.cpp). OFIQ's cheek zones come from
// its 98 landmarks; ours are the 68-point polygons below the eyes, between the jaw and the nose.

internal static class Cheeks
{
    private static readonly int[] ImageLeft = [36, 1, 2, 3, 48, 31, 39, 40, 41];
    private static readonly int[] ImageRight = [45, 15, 14, 13, 54, 35, 42, 47, 46];

    // Shared: IlluminationUniformity, NaturalColour and the skin model each read both zones (read-only), which were
    // filled three times over before the work counters showed it.
    public static bool[] Zone(FaceContext face, bool imageLeft) =>
        face.Memo(imageLeft ? "zone.cheek.image_left" : "zone.cheek.image_right", () => face.Region(face.PortraitPolygon(imageLeft ? ImageLeft : ImageRight)));
}

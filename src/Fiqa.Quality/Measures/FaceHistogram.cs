namespace Fiqa.Quality.Measures;

// The luminance family (OFIQ v1.0.3 Luminance.cpp, UnderExposurePrevention.cpp, OverExposurePrevention.cpp,
// DynamicRange.cpp): statistics of the luminance histogram inside the face region of the canonical portrait.
// OFIQ's face region comes from its BiSeNet parsing; ours is the landmark outline (jaw line and eyebrows).

internal static class FaceHistogram
{
    public static MeasureResult Empty { get; } = MeasureResult.Failure("the face region lies outside the image");

    public static double[]? Of(FaceContext face) => face.FaceLuminanceHistogram;
}

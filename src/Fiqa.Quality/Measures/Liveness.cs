namespace Fiqa.Quality.Measures;

/// <summary>Presentation-attack detection as a quality component (not part of ISO/IEC 29794-5; reported beside it).
/// The liveness model is screening only, and it reads "live" wherever it sees no print or screen cue — also where it
/// cannot see them. Where the input is outside what it can judge, the result is failure to assess with the reason
/// (as OFIQ reports a component it cannot compute), not a probability: a greyscale image (the model judges colour
/// camera captures; line art and scanned black-and-white prints are greyscale), or a face narrower than
/// <see cref="MinFaceWidth"/> (its crop would be up-sampled, so the texture of paper or a screen is not in the pixels).</summary>
public sealed class Liveness : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("Liveness", "character",
        "probability that the capture is live, 0..1", MeasureNeeds.Liveness | MeasureNeeds.Landmarks,
        MappingTable.Default.Measure("Liveness"),
        "Silent-Face-style liveness model on the face box grown 2.7×; not assessed on greyscale images and faces under 48 px.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <summary>Narrowest face box, in pixels, the model judges: its 128-px input spans 2.7 face widths (fr_liveness
    /// manifest), so a face narrower than 128 / 2.7 ≈ 47 px reaches it up-sampled.</summary>
    public const float MinFaceWidth = 48;

    private static readonly MeasureResult Greyscale =
        MeasureResult.Failure("greyscale image: the liveness model judges colour captures, not line art or black-and-white prints");

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        var box = face.Detection.Box;
        float width = Math.Min(box.Width, box.Height);
        if (width < MinFaceWidth)
            return MeasureResult.Failure(FormattableString.Invariant(
                $"face too small for the liveness model ({width:F0} px < {MinFaceWidth} px): print or screen texture is not resolved"));
        if (face.IsGreyscale) return Greyscale;
        return Descriptor.Result(face.Liveness);
    }
}

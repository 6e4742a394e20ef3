namespace Fiqa.Quality.Measures;

// Eyes and mouth (OFIQ v1.0.3 EyesOpen.cpp, MouthClosed.cpp use ADNet's 98 points). MouthClosed uses the 68-point
// inner-lip pairs 61–67, 62–66, 63–65.

/// <summary>ISO/IEC 29794-5 EyesOpen. OFIQ measures eyelid gaps on ADNet's 98 points; our 68-point model (64×64 input)
/// cannot resolve the lids (a shut eye still shows a gap of 0.04 T), so the native value is the eye-state model's
/// open probability of the less open eye.</summary>
public sealed class EyesOpen : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("EyesOpen", "character",
        "min over both eyes of P(open) from the eye-state model, 0..1", MeasureNeeds.Eyes,
        new FormulaMapping("100·x", x => 100 * x),
        "Eye-state CNN on 24×24 eye crops instead of OFIQ's eyelid distance / T with 98 landmarks (68-point lids are too coarse).");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Descriptor.Result(Math.Min(face.Eyes.Left, face.Eyes.Right));
}

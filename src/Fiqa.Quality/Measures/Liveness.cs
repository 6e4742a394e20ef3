namespace Fiqa.Quality.Measures;

/// <summary>Presentation-attack detection as a quality component (not part of ISO/IEC 29794-5; reported beside it).</summary>
public sealed class Liveness : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("Liveness", "character",
        "probability that the capture is live, 0..1", MeasureNeeds.Liveness,
        MappingTable.Default.Measure("Liveness"), "Silent-Face-style liveness model on the face box grown 2.7×.");

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face) => Descriptor.Result(face.Liveness);
}

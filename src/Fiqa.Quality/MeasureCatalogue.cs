using Fiqa.Quality.Measures;

namespace Fiqa.Quality;

/// <summary>A catalogue entry: the descriptor, what a low scalar means in words, and how to create the measure from the
/// assessor's settings.</summary>
public sealed record MeasureEntry(MeasureDescriptor Descriptor, string LowMeans, Func<QualitySettings, IQualityMeasure> Create) : ICatalogueEntry
{
    /// <summary>Creates an entry for a measure that needs no settings.</summary>
    public MeasureEntry(MeasureDescriptor descriptor, string lowMeans, Func<IQualityMeasure> create) : this(descriptor, lowMeans, _ => create()) { }

    /// <inheritdoc />
    public string Name => Descriptor.Name;
    /// <inheritdoc />
    public string? Parameter => null;
}

/// <summary>Every quality measure, in OFIQ's order, created by name.</summary>
public static class MeasureCatalogue
{
    /// <summary>The catalogue.</summary>
    public static Catalogue<MeasureEntry> Measures { get; } = new("quality measure",
    [
        new(UnifiedQualityScore.Descriptor, "low recognition utility", s => new UnifiedQualityScore(s)),
        new(BackgroundUniformity.Descriptor, "busy background", () => new BackgroundUniformity()),
        new(IlluminationUniformity.Descriptor, "uneven lighting across the face", () => new IlluminationUniformity()),
        new(LuminanceMean.Descriptor, "face too dark or too bright", () => new LuminanceMean()),
        new(LuminanceVariance.Descriptor, "flat or harsh contrast on the face", () => new LuminanceVariance()),
        new(UnderExposurePrevention.Descriptor, "under-exposed face", () => new UnderExposurePrevention()),
        new(OverExposurePrevention.Descriptor, "over-exposed (clipped) face", () => new OverExposurePrevention()),
        new(DynamicRange.Descriptor, "low dynamic range", () => new DynamicRange()),
        new(Sharpness.Descriptor, "blurred face", () => new Sharpness()),
        new(CompressionArtifacts.Descriptor, "compression artefacts", () => new CompressionArtifacts()),
        new(NaturalColour.Descriptor, "unnatural skin colour", () => new NaturalColour()),
        new(SingleFacePresent.Descriptor, "more than one face", () => new SingleFacePresent()),
        new(EyesOpen.Descriptor, "eyes closed", () => new EyesOpen()),
        new(MouthClosed.Descriptor, "mouth open", () => new MouthClosed()),
        new(EyesVisible.Descriptor, "eyes covered", () => new EyesVisible()),
        new(MouthOcclusionPrevention.Descriptor, "mouth covered", () => new MouthOcclusionPrevention()),
        new(FaceOcclusionPrevention.Descriptor, "face partly covered", () => new FaceOcclusionPrevention()),
        new(InterEyeDistance.Descriptor, "face too small (too few pixels between the eyes)", () => new InterEyeDistance()),
        new(HeadSize.Descriptor, "head too small or too large in the frame", () => new HeadSize()),
        new(LeftwardCropOfTheFaceImage.Descriptor, "face too close to the left edge", () => new LeftwardCropOfTheFaceImage()),
        new(RightwardCropOfTheFaceImage.Descriptor, "face too close to the right edge", () => new RightwardCropOfTheFaceImage()),
        new(MarginAboveOfTheFaceImage.Descriptor, "too little room above the head", () => new MarginAboveOfTheFaceImage()),
        new(MarginBelowOfTheFaceImage.Descriptor, "too little room below the chin", () => new MarginBelowOfTheFaceImage()),
        new(HeadPoseYaw.Descriptor, "head turned sideways", () => new HeadPoseYaw()),
        new(HeadPosePitch.Descriptor, "head tilted up or down", () => new HeadPosePitch()),
        new(HeadPoseRoll.Descriptor, "head tilted to the side", () => new HeadPoseRoll()),
        new(ExpressionNeutrality.Descriptor, "expression not neutral", () => new ExpressionNeutrality()),
        new(NoHeadCoverings.Descriptor, "head covering or hair over the forehead", () => new NoHeadCoverings()),
        new(Liveness.Descriptor, "possible presentation attack (print or screen)", () => new Liveness()),
    ]);

    /// <summary>All entries, in catalogue order.</summary>
    public static IReadOnlyList<MeasureEntry> Entries => Measures.Entries;

    /// <summary>Every descriptor, in catalogue order.</summary>
    public static IReadOnlyList<MeasureDescriptor> All { get; } = Measures.Entries.Select(e => e.Descriptor).ToList();

    /// <summary>The entry for an id (case-insensitive); the error lists the valid ids and the closest one.</summary>
    public static MeasureEntry Find(string id) => Measures.Find(id);

    /// <summary>The entries named (catalogue order, duplicates removed), or all of them when null.</summary>
    public static IReadOnlyList<MeasureEntry> Select(IEnumerable<string>? ids)
    {
        if (ids is null) return Entries;
        var wanted = ids.Select(Find).ToHashSet();
        return Entries.Where(wanted.Contains).ToList();
    }
}

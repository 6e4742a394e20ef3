using Fiqa.Quality.Measures;

namespace Fiqa.Quality;

/// <summary>A catalogue entry: the descriptor, what a low scalar means in words, and how to create the measure.</summary>
public sealed record CatalogueEntry(MeasureDescriptor Descriptor, string LowMeans, Func<IQualityMeasure> Create);

/// <summary>Every quality measure, in OFIQ's order, created by name.</summary>
public static class MeasureCatalogue
{
    /// <summary>All entries.</summary>
    public static IReadOnlyList<CatalogueEntry> Entries { get; } =
    [
        new(UnifiedQualityScore.Descriptor, "low recognition utility", () => new UnifiedQualityScore()),
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
    ];

    /// <summary>Every descriptor, in catalogue order.</summary>
    public static IReadOnlyList<MeasureDescriptor> All { get; } = Entries.Select(e => e.Descriptor).ToList();

    /// <summary>The entry for an id (case-insensitive); the error lists the valid ids.</summary>
    public static CatalogueEntry Find(string id) =>
        Entries.FirstOrDefault(e => string.Equals(e.Descriptor.Id, id, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown quality measure '{id}'; known: {string.Join(", ", All.Select(d => d.Id))}", nameof(id));

    /// <summary>Creates one measure by id.</summary>
    public static IQualityMeasure Create(string id) => Find(id).Create();

    /// <summary>Creates the measures named (catalogue order, duplicates removed), or all of them when null.</summary>
    public static IReadOnlyList<IQualityMeasure> Create(IEnumerable<string>? ids)
    {
        if (ids is null) return Entries.Select(e => e.Create()).ToList();
        var wanted = ids.Select(Find).Distinct().ToHashSet();
        return Entries.Where(wanted.Contains).Select(e => e.Create()).ToList();
    }
}

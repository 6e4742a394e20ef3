namespace Fiqa.Quality.Unified;

/// <summary><c>norm</c>: the L2 norm of the raw embedding — MagFace's quality with a MagFace model (Meng et al.,
/// CVPR 2021), a proxy otherwise (AdaFace uses it so).</summary>
public sealed class EmbeddingNorm : IUnifiedQualityMethod
{
    /// <summary>The descriptor.</summary>
    public static UnifiedMethodDescriptor Info { get; } = new("norm", "L2 norm of the raw embedding",
        MappingTable.Default.Method("norm"), "Meng et al. 2021 (MagFace); Kim et al. 2022 (AdaFace)");

    /// <summary>The method with the settings' mapping.</summary>
    public EmbeddingNorm(QualitySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Descriptor = settings.Mapped(Info);
    }

    /// <inheritdoc />
    public UnifiedMethodDescriptor Descriptor { get; }

    /// <inheritdoc />
    public MeasureResult Score(FaceContext face)
    {
        ArgumentNullException.ThrowIfNull(face);
        double raw = face.Embedding.Norm;
        return Descriptor.Result(raw);
    }
}

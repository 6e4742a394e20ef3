using Fiqa.Imaging;

namespace Fiqa.Quality.Unified;

/// <summary><c>perturb</c>: forward-only perturbation robustness, the training-free part of DifFIQA (Babnik et al.,
/// IJCB 2023) and FROQ's pseudo-labels: the mean cosine similarity between a face's embedding and the embeddings of
/// perturbed copies of its aligned crop — mirrored, Gaussian noise (σ = 5 grey levels), and a regular grid of occluding
/// squares. Useful faces keep their identity under small perturbations. With <c>repeats</c> R (name <c>perturb:R</c>)
/// the noise and the grid are drawn R times (new noise seed, shifted grid), as DifFIQA repeats its perturbations:
/// 1 + 2R embeddings. One draw is a noisy label (docs/unified.md has the agreement between draws), which is why the
/// distilled head's teacher uses R = 4.</summary>
public sealed class PerturbationRobustness : IUnifiedQualityMethod
{
    /// <summary>The descriptor.</summary>
    public static UnifiedMethodDescriptor Info { get; } = new("perturb",
        "mean cosine between the embedding and those of the mirrored, noised and grid-occluded aligned crop",
        MappingTable.Default.Method("perturb"), "Babnik et al. 2023 (DifFIQA), Babnik et al. 2024 (FROQ)") { Parameter = "R" };

    /// <summary>Most draws of noise and grid.</summary>
    public const int MaxRepeats = 16;

    private const double NoiseSigma = 5;
    private const int NoiseSeed = 29794;
    private const int GridPeriod = 16, GridSquare = 4;

    /// <summary>Draws of the noise and the grid (1 = the method's default: three perturbed embeddings).</summary>
    public int Repeats { get; }

    /// <summary>Creates the method with <paramref name="repeats"/> draws (1..<see cref="MaxRepeats"/>) and the settings'
    /// mapping.</summary>
    public PerturbationRobustness(QualitySettings settings, int repeats = 1)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (repeats is < 1 or > MaxRepeats) throw new UnknownNameException($"perturb:R needs R in 1..{MaxRepeats}, got {repeats}");
        Repeats = repeats;
        var mapped = settings.Mapped(Info);
        Descriptor = repeats == 1 ? mapped : mapped with { Name = $"{Info.Name}:{repeats}" };
    }

    /// <summary>The catalogue's factory: <c>perturb</c>, or <c>perturb:R</c>.</summary>
    public static IQualityMethod Create(QualitySettings settings, string? parameter) => new PerturbationRobustness(settings, parameter is null ? 1 : ParseRepeats(parameter));

    /// <summary>The name of <c>perturb:R</c> for a parameter, checked.</summary>
    public static string NameFor(string parameter) => $"{Info.Name}:{ParseRepeats(parameter)}";

    private static int ParseRepeats(string parameter) => UnifiedCatalogue.ParseCount(parameter, MaxRepeats, "perturb:R needs R");

    /// <summary>The descriptor: named <c>perturb</c>, or <c>perturb:R</c> with R draws.</summary>
    public UnifiedMethodDescriptor Descriptor { get; }

    /// <inheritdoc />
    public MeasureResult Score(FaceContext face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var reference = face.Embedding;
        double sum = 0;
        int count = 0;
        foreach (var copy in Perturbations(face.Aligned.Image, Repeats))
        {
            sum += reference.CosineSimilarity(face.EmbedOther(copy));
            count++;
        }
        double raw = sum / count;
        return Descriptor.Result(raw);
    }

    /// <summary>The perturbed copies (deterministic): the mirror, then per draw r a noised copy (seed + r) and a grid
    /// copy shifted by half a period per draw (then by a quarter), 1 + 2·<paramref name="repeats"/> in all.</summary>
    public static IEnumerable<RgbImage> Perturbations(RgbImage crop, int repeats = 1)
    {
        ArgumentNullException.ThrowIfNull(crop);
        yield return Orientation.FlipHorizontal(crop);
        for (int r = 0; r < repeats; r++)
        {
            var noisy = crop.Clone();
            Degradation.AddGaussianNoise(noisy.Pixels, NoiseSigma, NoiseSeed + r);
            yield return noisy;

            // Shifts (0,0), (8,8), (8,0), (0,8), then the same four moved by 4 px.
            int quarter = GridPeriod / 4 * (r / 4 % 4), half = GridPeriod / 2;
            int dx = (r % 4 is 1 or 2 ? half : 0) + quarter, dy = (r % 4 is 1 or 3 ? half : 0) + quarter;
            var occluded = crop.Clone();
            for (int y = 0; y < occluded.Height; y++)
                for (int x = 0; x < occluded.Width; x++)
                    if ((y + dy) % GridPeriod < GridSquare && (x + dx) % GridPeriod < GridSquare)
                        occluded.Pixels.AsSpan((y * occluded.Width + x) * 3, 3).Clear();
            yield return occluded;
        }
    }
}

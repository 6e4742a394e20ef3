using Fiqa.Imaging;

namespace Fiqa.Quality.Unified;

/// <summary><c>perturb</c>: forward-only perturbation robustness, the training-free part of DifFIQA (Babnik et al.,
/// IJCB 2023) and FROQ's pseudo-labels: the mean cosine similarity between a face's embedding and the embeddings of
/// three perturbed copies of its aligned crop — mirrored, Gaussian noise (σ = 12 grey levels, fixed seed), and a
/// regular grid of occluding squares. Useful faces keep their identity under small perturbations.</summary>
public sealed class PerturbationRobustness : IUnifiedQualityMethod
{
    /// <summary>The descriptor.</summary>
    public static UnifiedMethodDescriptor Info { get; } = new("perturb",
        "mean cosine between the embedding and those of the mirrored, noised and grid-occluded aligned crop",
        new SigmoidMapping(0.75, 0.06), "Babnik et al. 2023 (DifFIQA), Babnik et al. 2024 (FROQ)");

    private const double NoiseSigma = 5;
    private const int NoiseSeed = 29794;
    private const int GridPeriod = 16, GridSquare = 4;

    /// <inheritdoc />
    public UnifiedMethodDescriptor Descriptor => Info;

    /// <inheritdoc />
    public UnifiedScore Score(FaceContext face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var crop = face.Aligned.Image;
        var reference = face.Embedding;
        var embedder = face.Embedder;
        double sum = 0;
        foreach (var copy in Perturbations(crop)) sum += reference.CosineSimilarity(embedder.Embed(copy));
        double raw = sum / 3;
        return new UnifiedScore(raw, Info.Mapping.ToScalar(raw));
    }

    /// <summary>The three perturbed copies (deterministic).</summary>
    public static IEnumerable<RgbImage> Perturbations(RgbImage crop)
    {
        ArgumentNullException.ThrowIfNull(crop);
        yield return Orientation.FlipHorizontal(crop);

        var noisy = crop.Clone();
        Degradation.AddGaussianNoise(noisy.Pixels, NoiseSigma, NoiseSeed);
        yield return noisy;

        var occluded = crop.Clone();
        for (int y = 0; y < occluded.Height; y++)
            for (int x = 0; x < occluded.Width; x++)
                if (y % GridPeriod < GridSquare && x % GridPeriod < GridSquare)
                    occluded.Pixels.AsSpan((y * occluded.Width + x) * 3, 3).Clear();
        yield return occluded;
    }
}

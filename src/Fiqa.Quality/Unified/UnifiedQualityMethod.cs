namespace Fiqa.Quality.Unified;

/// <summary>A unified (FR-utility) quality method described as data.</summary>
/// <param name="Name">Name used on the command line (e.g. "perturb").</param>
/// <param name="Description">What the raw value is.</param>
/// <param name="Mapping">Raw value → 0..100 scalar.</param>
/// <param name="Source">The publication the method follows.</param>
public sealed record UnifiedMethodDescriptor(string Name, string Description, QualityMapping Mapping, string Source);

/// <summary>A unified score: raw value in the method's units and its 0..100 scalar (higher = more useful for recognition).</summary>
public sealed record UnifiedScore(double Raw, int Scalar);

/// <summary>One unified quality method. Deterministic: the same face gives the same score.</summary>
public interface IUnifiedQualityMethod
{
    /// <summary>What the method is.</summary>
    UnifiedMethodDescriptor Descriptor { get; }

    /// <summary>Scores one face (its aligned crop and embedding come from the shared context).</summary>
    UnifiedScore Score(FaceContext face);
}

/// <summary>A scorer whose embedder pass (through <see cref="FaceContext.Observe"/>) also provides the face's embedding:
/// the assessor then leaves the embedding to the context and runs such scorers first, so the face costs one pass.</summary>
public interface IProvidesEmbedding;

/// <summary>The unified methods, created by name.</summary>
public static class UnifiedCatalogue
{
    /// <summary>All methods.</summary>
    public static IReadOnlyList<UnifiedMethodDescriptor> All { get; } = [DistilledQuality.Info, EmbeddingNorm.Info, PerturbationRobustness.Info, SerFiq.Info, Froq.Info];

    /// <summary>Creates a method by name (<c>perturb:R</c>: <c>perturb</c> with R draws); the error lists the known names.</summary>
    public static IUnifiedQualityMethod Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.Trim().ToLowerInvariant();
        if (key.StartsWith("perturb:", StringComparison.Ordinal))
        {
            return int.TryParse(key["perturb:".Length..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int repeats)
                && repeats is >= 1 and <= PerturbationRobustness.MaxRepeats
                ? new PerturbationRobustness(repeats)
                : throw new ArgumentException($"'{name}': perturb:R needs R in 1..{PerturbationRobustness.MaxRepeats}", nameof(name));
        }
        return CreateByName(key, name);
    }

    private static IUnifiedQualityMethod CreateByName(string key, string name) => key switch
    {
        "norm" => new EmbeddingNorm(),
        "perturb" => new PerturbationRobustness(),
        "serfiq" => new SerFiq(),
        "distilled" => new DistilledQuality(),
        "froq" => new Froq(),
        _ => throw new ArgumentException($"unknown unified method '{name}'; known: {string.Join(", ", All.Select(d => d.Name))}", nameof(name)),
    };
}

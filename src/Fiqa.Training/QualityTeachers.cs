using System.Numerics.Tensors;
using Fiqa.Quality.Unified;

namespace Fiqa.Training;

/// <summary>The labels a quality head can learn from: <see cref="Reference"/> (needs the degraded set's sources), the
/// labelled unified methods (<c>sdd</c>, <c>crfiqa</c>: identity labels) and every blind unified method but
/// <c>distilled</c>. Definitions: docs/quality-head.md.</summary>
public static class QualityTeachers
{
    /// <summary>Cosine similarity to the identity's clean reference: the mean unit embedding of the identity's
    /// undegraded originals, re-normalised. It is the mated comparison score the sample would get against an enrolment
    /// made from the identity's clean images, so it measures the recognition utility a degradation costs.</summary>
    public const string Reference = "reference";

    /// <summary>Every teacher name, for help and errors.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [Reference, .. UnifiedCatalogue.Methods.Syntax.Where(n => n != DistilledQuality.Info.Name)];

    /// <summary>The canonical name; an unknown one is an <see cref="ArgumentException"/> listing the valid ones.</summary>
    public static string Normalise(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (string.Equals(name.Trim(), Reference, StringComparison.OrdinalIgnoreCase)) return Reference;
        string canonical;
        try
        {
            canonical = UnifiedCatalogue.Normalise(name.Trim());
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"unknown teacher '{name}'; teachers: {string.Join(", ", Names)} ({e.Message})", e);
        }
        if (canonical == DistilledQuality.Info.Name) throw new ArgumentException("the distilled head cannot be its own teacher; use any other unified method (see 'fiqa methods') or reference");
        return canonical;
    }

    /// <summary>Whether the teacher scores one image on its own (run in the image's embedder pass).</summary>
    public static bool IsBlind(string name) => name != Reference && UnifiedCatalogue.Describe(name).Kind == UnifiedMethodKind.Blind;

    /// <summary>Scores of a teacher that needs the whole set: unit embeddings, identities, which samples are undegraded
    /// originals and each sample's source id.</summary>
    public static double[] ScoreLabelled(string name, IReadOnlyList<float[]> units, IReadOnlyList<string> identities, IReadOnlyList<bool> original,
        IReadOnlyList<string> sources)
    {
        ArgumentNullException.ThrowIfNull(units);
        if (name == Reference) return ReferenceSimilarity(units, identities, original);
        // Labelled methods are built from nothing but their parameter (they read no model).
        var (entry, parameter) = UnifiedCatalogue.Methods.Resolve(name);
        var method = entry.Create(null!, parameter) as ILabelledQualityMethod ?? throw new ArgumentException($"'{name}' is not a labelled method");
        return [.. method.Score(units, identities)];
    }

    /// <summary>The <see cref="Reference"/> teacher (NaN for identities without an undegraded sample).</summary>
    public static double[] ReferenceSimilarity(IReadOnlyList<float[]> units, IReadOnlyList<string> identities, IReadOnlyList<bool> original)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(identities);
        ArgumentNullException.ThrowIfNull(original);
        if (identities.Count != units.Count || original.Count != units.Count) throw new ArgumentException("one identity and flag per embedding");
        var centres = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < units.Count; i++)
        {
            if (!original[i]) continue;
            if (!centres.TryGetValue(identities[i], out var c)) centres[identities[i]] = c = new float[units[i].Length];
            TensorPrimitives.Add(c, units[i], c);
        }
        foreach (var c in centres.Values)
        {
            float norm = TensorPrimitives.Norm(c);
            if (norm > 0) TensorPrimitives.Divide(c, norm, c);
        }
        return units.Select((u, i) => centres.TryGetValue(identities[i], out var c) ? TensorPrimitives.Dot(u, c) : double.NaN).ToArray();
    }
}

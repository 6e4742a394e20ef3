using System.Numerics.Tensors;

namespace Fiqa.Quality.Unified;

/// <summary><c>crfiqa</c>: CR-FIQA's certainty ratio (Boutros et al., CVPR 2023; fdbtrs/CR-FIQA) computed from a
/// labelled gallery: CCS = cosine to the sample's own class centre, NNCCS = the largest cosine to another class centre,
/// CR = CCS / (NNCCS + 1 + ε). It needs identity labels, so it serves as a teacher label and an evaluation reference,
/// not as a method for unlabelled images.</summary>
public sealed class CertaintyRatio : ILabelledQualityMethod
{
    private const double Epsilon = 1e-9;

    /// <summary>The descriptor.</summary>
    public static UnifiedMethodDescriptor Info { get; } = new("crfiqa",
        "certainty ratio CCS / (NNCCS + 1) from the identity labels (≈0..1)", MappingTable.Default.Method("crfiqa"),
        "Boutros et al. 2023 (CR-FIQA)") { Kind = UnifiedMethodKind.LabelledReference };

    /// <inheritdoc />
    public UnifiedMethodDescriptor Descriptor => Info;

    /// <inheritdoc />
    public IReadOnlyList<double> Score(IReadOnlyList<float[]> unitEmbeddings, IReadOnlyList<string> identities) => Compute(unitEmbeddings, identities);

    /// <summary>CR for every sample, from unit embeddings and identity labels (class centres are the mean unit
    /// embeddings of each identity, re-normalised). Identities with a single sample still have a centre (the sample).</summary>
    public static double[] Compute(IReadOnlyList<float[]> unitEmbeddings, IReadOnlyList<string> identities)
    {
        ArgumentNullException.ThrowIfNull(unitEmbeddings);
        ArgumentNullException.ThrowIfNull(identities);
        if (unitEmbeddings.Count != identities.Count) throw new ArgumentException("one identity per embedding");
        var names = identities.Distinct().ToList();
        if (names.Count < 2) throw new ArgumentException("CR-FIQA needs at least two identities");
        int d = unitEmbeddings[0].Length;
        var centres = names.ToDictionary(n => n, _ => new float[d]);
        for (int i = 0; i < unitEmbeddings.Count; i++)
            TensorPrimitives.Add(centres[identities[i]], unitEmbeddings[i], centres[identities[i]]);
        foreach (var c in centres.Values)
        {
            float norm = TensorPrimitives.Norm(c);
            if (norm > 0) TensorPrimitives.Divide(c, norm, c);
        }
        var cr = new double[unitEmbeddings.Count];
        for (int i = 0; i < cr.Length; i++)
        {
            double ccs = TensorPrimitives.Dot(unitEmbeddings[i], centres[identities[i]]);
            double nnccs = names.Where(n => n != identities[i]).Max(n => (double)TensorPrimitives.Dot(unitEmbeddings[i], centres[n]));
            cr[i] = ccs / (nnccs + 1 + Epsilon);
        }
        return cr;
    }
}

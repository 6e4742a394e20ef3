using System.Numerics.Tensors;

namespace Fiqa.Quality.Unified;

/// <summary><c>sdd</c>: SDD-FIQA's pseudo-label (Ou et al., CVPR 2021; Tencent/TFace, SDD-FIQA): the Wasserstein-1
/// distance between a sample's mated similarity distribution (cosines to the other samples of its identity) and its
/// non-mated one (cosines to every sample of the other identities). A sample that sits close to its own identity and far
/// from the others is useful to the recogniser. The paper averages the distance over random equal-size subsets of the
/// two sets; here the full empirical distributions are compared, which is the limit of that average and needs no seed.
/// Needs identity labels (a teacher and an evaluation reference, like <c>crfiqa</c>); a sample whose identity has no
/// other sample has no mated distribution and scores NaN.</summary>
public sealed class SddFiqa : ILabelledQualityMethod
{
    /// <summary>The descriptor.</summary>
    public static UnifiedMethodDescriptor Info { get; } = new("sdd",
        "Wasserstein-1 distance between the mated and non-mated cosine distributions, from the identity labels (≈0..1)",
        MappingTable.Default.Method("sdd"), "Ou et al. 2021 (SDD-FIQA)") { Kind = UnifiedMethodKind.LabelledReference };

    /// <inheritdoc />
    public UnifiedMethodDescriptor Descriptor => Info;

    /// <inheritdoc />
    public IReadOnlyList<double> Score(IReadOnlyList<float[]> unitEmbeddings, IReadOnlyList<string> identities) => Compute(unitEmbeddings, identities);

    /// <summary>The distance for every sample (independent of the order of the samples).</summary>
    public static double[] Compute(IReadOnlyList<float[]> unitEmbeddings, IReadOnlyList<string> identities)
    {
        ArgumentNullException.ThrowIfNull(unitEmbeddings);
        ArgumentNullException.ThrowIfNull(identities);
        int n = unitEmbeddings.Count;
        if (identities.Count != n) throw new ArgumentException("one identity per embedding");
        if (identities.Distinct().Count() < 2) throw new ArgumentException("SDD-FIQA needs at least two identities");
        var scores = new double[n];
        Parallel.For(0, n, () => (Mated: new List<double>(), NonMated: new List<double>()), (i, _, lists) =>
        {
            lists.Mated.Clear();
            lists.NonMated.Clear();
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                double s = TensorPrimitives.Dot(unitEmbeddings[i], unitEmbeddings[j]);
                (identities[j] == identities[i] ? lists.Mated : lists.NonMated).Add(s);
            }
            scores[i] = lists.Mated.Count == 0 ? double.NaN : Wasserstein1(lists.Mated, lists.NonMated);
            return lists;
        }, _ => { });
        return scores;
    }

    /// <summary>W₁ between two empirical distributions: ∫|F_a(x) − F_b(x)| dx over the merged sorted values.</summary>
    public static double Wasserstein1(List<double> a, List<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 || b.Count == 0) return double.NaN;
        a.Sort();
        b.Sort();
        int i = 0, j = 0;
        double distance = 0, previous = Math.Min(a[0], b[0]);
        while (i < a.Count || j < b.Count)
        {
            double next = j >= b.Count || (i < a.Count && a[i] <= b[j]) ? a[i] : b[j];
            distance += Math.Abs((double)i / a.Count - (double)j / b.Count) * (next - previous);
            previous = next;
            while (i < a.Count && a[i] == next) i++;
            while (j < b.Count && b[j] == next) j++;
        }
        return distance;
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Fiqa.Training;

/// <summary>Distillation's split stage: identities, not images, are held out, so the held-out figures measure
/// generalisation to new people; every order is seeded and independent of the input order.</summary>
public static class IdentitySplit
{
    /// <summary>The held-out identities: the first ⌈fraction·n⌉ by a seeded hash order (1 ≤ count ≤ n − 1).</summary>
    public static IReadOnlyList<string> HeldOutIdentities(IEnumerable<string> identities, double fraction, int seed)
    {
        var all = identities.Distinct(StringComparer.Ordinal).ToList();
        if (all.Count < 2) throw new ArgumentException("distillation needs at least two identities (one to train, one to hold out)");
        int count = Math.Clamp((int)Math.Ceiling(fraction * all.Count), 1, all.Count - 1);
        return SeededOrder(all, id => id, seed).Take(count).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A seeded shuffle that does not depend on the input order: items sorted by SHA-256 of "seed|key".</summary>
    public static IEnumerable<T> SeededOrder<T>(IEnumerable<T> items, Func<T, string> key, int seed) =>
        items.OrderBy(item => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}|{key(item)}"))), StringComparer.Ordinal);
}

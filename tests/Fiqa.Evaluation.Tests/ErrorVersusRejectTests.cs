using Fiqa.Evaluation;

namespace Fiqa.Evaluation.Tests;

public class ErrorVersusRejectTests
{
    [Fact]
    public void Compute_HandComputed_RecomputesThresholdPerStep()
    {
        // In quality order: m .2, n .3, m .9, n .1, m .8, n .0, m .7, n .25.
        Comparison[] c =
        [
            new("a", "b", 0.2, true), new("a", "c", 0.3, false), new("d", "e", 0.9, true), new("d", "f", 0.1, false),
            new("g", "h", 0.8, true), new("g", "i", 0.0, false), new("j", "k", 0.7, true), new("j", "l", 0.25, false),
        ];
        double[] q = [1, 2, 3, 4, 5, 6, 7, 8];
        var erc = ErrorVersusReject.Compute(c, q, targetFmr: 0.25, step: 0.5, maxReject: 0.5)!;
        Assert.Equal([0.0, 0.5], erc.RejectFractions);
        // r = 0: FMR 0.25 of 4 non-mated allows one → threshold between .3 and .25; mated .2 fails → FNMR 1/4.
        // r = 0.5: the four lowest are gone; none of the two non-mated may match → threshold just above .25; no mated fails.
        Assert.Equal([0.25, 0.0], erc.Fnmr);
        Assert.Equal(0.5 * 0.25 / 2, erc.Area, 12);
    }

    [Fact]
    public void Compute_DefaultGrid_Is0To95PercentInFiveSteps()
    {
        var rng = new Random(9);
        var c = Enumerable.Range(0, 400).Select(i => new Comparison($"s{i}", $"t{i}", rng.NextDouble(), i % 2 == 0)).ToList();
        var erc = ErrorVersusReject.Compute(c, c.Select(_ => rng.NextDouble()).ToList(), 1e-2)!;
        Assert.Equal(20, erc.RejectFractions.Count);
        Assert.Equal(0.95, erc.RejectFractions[^1], 12);
    }
}

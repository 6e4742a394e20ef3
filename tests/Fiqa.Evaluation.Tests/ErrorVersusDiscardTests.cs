using Fiqa.Evaluation;

namespace Fiqa.Evaluation.Tests;

public class ErrorVersusDiscardTests
{
    private static EdcCurve Fnmr(double[] similarity, double[] quality, double threshold) =>
        ErrorVersusDiscard.Compute(EdcErrorType.Fnmr, similarity, quality, threshold);

    [Fact]
    public void Compute_HandComputed_FourPairs()
    {
        // Qualities 1..4; errors (similarity < 0.5) at quality 1 and 3.
        var c = Fnmr([0.1, 0.9, 0.2, 0.8], [1, 2, 3, 4], 0.5);
        Assert.Equal([0, 0.25, 0.5, 0.75, 1], c.DiscardFractions);
        AssertSequence([0.5, 1 / 3.0, 0.5, 0, 0], c.ErrorFractions);
        // pAUC(0.3) = 0.5·0.25 + (1/3)·0.05
        Assert.Equal(0.125 + 0.05 / 3, c.PartialArea(0.3), 12);
        // pAUC(1) = 0.5·0.25 + (1/3)·0.25 + 0.5·0.25
        Assert.Equal(0.25 + 1 / 12.0, c.PartialArea(1), 12);
        // Theoretical best up to 0.3 with e0 = 0.5: 0.25/2 − 0.04/2 = 0.105
        Assert.Equal(0.105, c.TheoreticalBestArea(0.3), 12);
        Assert.Equal((0.125 + 0.05 / 3) / (0.5 * 0.3), c.NormalizedPartialArea(0.3), 12);
    }

    [Fact]
    public void Compute_TiesAcrossTheThreshold_AreDiscardedTogether()
    {
        // Two pairs share quality 1: one error, one not. Discarding must remove both at once (no point at 1/4).
        var c = Fnmr([0.1, 0.9, 0.9, 0.2], [1, 1, 2, 3], 0.5);
        Assert.Equal([0, 0.5, 0.75, 1], c.DiscardFractions);
        // After discarding both quality-1 pairs, one of the two remaining pairs is an error; then the last one alone.
        Assert.Equal([0.5, 0.5, 1.0, 0], c.ErrorFractions);
    }

    [Fact]
    public void Compute_AllEqualQuality_IsFlatThenEnds()
    {
        var c = Fnmr([0.1, 0.9, 0.2, 0.8], [7, 7, 7, 7], 0.5);
        Assert.Equal([0, 1], c.DiscardFractions);
        Assert.Equal([0.5, 0], c.ErrorFractions);
        Assert.Equal(0.5 * 0.3, c.PartialArea(0.3), 12);
        Assert.Equal(1.0, c.NormalizedPartialArea(0.3), 12);
    }

    [Fact]
    public void Compute_NoErrors_ZeroArea_NormalisedIsNaN()
    {
        var c = Fnmr([0.9, 0.8, 0.7], [1, 2, 3], 0.5);
        Assert.All(c.ErrorFractions, e => Assert.Equal(0, e));
        Assert.Equal(0, c.PartialArea(0.3));
        Assert.True(double.IsNaN(c.NormalizedPartialArea(0.3)));
    }

    [Fact]
    public void Compute_AllErrors_StaysAtOneUntilTheEnd()
    {
        var c = Fnmr([0.1, 0.2, 0.3], [1, 2, 3], 0.5);
        Assert.Equal([1.0, 1.0, 1.0, 0.0], c.ErrorFractions);
        Assert.Equal(0.3, c.PartialArea(0.3), 12);
    }

    [Fact]
    public void Compute_OneSample()
    {
        var c = Fnmr([0.1], [1], 0.5);
        Assert.Equal([0, 1], c.DiscardFractions);
        Assert.Equal([1.0, 0], c.ErrorFractions);
    }

    [Fact]
    public void Compute_FmrType_CountsScoresAtOrAboveThresholdAsErrors()
    {
        var c = ErrorVersusDiscard.Compute(EdcErrorType.Fmr, [0.5, 0.4, 0.6], [1, 2, 3], 0.5);
        Assert.Equal(2 / 3.0, c.StartingError, 12);
        Assert.Equal([2 / 3.0, 0.5, 1.0, 0.0], c.ErrorFractions);
    }

    [Fact]
    public void Compute_InvariantUnderStrictlyIncreasingQualityTransform()
    {
        var rng = new Random(3);
        var sim = Enumerable.Range(0, 500).Select(_ => rng.NextDouble()).ToArray();
        var q = Enumerable.Range(0, 500).Select(_ => Math.Round(rng.NextDouble(), 2)).ToArray(); // with ties
        var a = Fnmr(sim, q, 0.3);
        var b = Fnmr(sim, q.Select(v => Math.Exp(3 * v) - 7).ToArray(), 0.3);
        Assert.Equal(a.DiscardFractions, b.DiscardFractions);
        Assert.Equal(a.ErrorFractions, b.ErrorFractions);
    }

    [Fact]
    public void Oracle_PartialArea_EqualsTheoreticalBestWithinOneStep()
    {
        var rng = new Random(5);
        int n = 2000;
        var sim = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        var oracle = Fnmr(sim, sim, 0.1);
        foreach (var d in new[] { 0.05, 0.2, 0.3 })
            Assert.InRange(oracle.PartialArea(d) - oracle.TheoreticalBestArea(d), -1.0 / n, 1.0 / n);
    }

    [Fact]
    public void SeededRandomQuality_GivesNearFlatCurve()
    {
        // Quality independent of the comparison outcome: the EDC stays at e0 on average, normalised pAUC ≈ 1.
        var rng = new Random(42);
        int n = 20000;
        var sim = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        var q = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        var c = Fnmr(sim, q, 0.1);
        Assert.InRange(c.NormalizedPartialArea(0.3), 0.95, 1.05);
    }

    [Fact]
    public void Quantile_MatchesNumpyLinear()
    {
        double[] v = [4, 1, 3, 2];
        Assert.Equal(1.0, ErrorVersusDiscard.Quantile(v, 0), 12);
        Assert.Equal(2.5, ErrorVersusDiscard.Quantile(v, 0.5), 12);
        Assert.Equal(1.3, ErrorVersusDiscard.Quantile(v, 0.1), 12); // h = 0.3
        Assert.Equal(4.0, ErrorVersusDiscard.Quantile(v, 1), 12);
    }

    private static void AssertSequence(double[] expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 12);
    }

    [Fact]
    public void Compute_Mismatch_IsAnError()
    {
        Assert.Throws<ArgumentException>(() => Fnmr([0.1, 0.2], [1], 0.5));
        Assert.Throws<ArgumentException>(() => Fnmr([], [], 0.5));
    }
}

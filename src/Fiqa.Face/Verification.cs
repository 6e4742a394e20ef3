namespace Fiqa.Face;

/// <summary>Decision thresholds for 1:1 comparison by cosine similarity.</summary>
public static class Verification
{
    /// <summary>Cosine threshold of the default embedder (fr_feature) at FMR ≈ 1e-3, calibrated on the installed
    /// data: every non-mated pair among the dlib johns (5 identities × 11) and between the johns and every face
    /// detected in the dlib VOC and face-api photos. Reproduced by the test
    /// <c>DefaultThreshold_MatchesCalibrationOnInstalledData</c>; README, <c>fiqa compare</c>.</summary>
    public const float DefaultThreshold = 0.31f;

    /// <summary>Why <paramref name="threshold"/> cannot be a cosine decision threshold, or null when it can (−1..1);
    /// the CLI and the service give users the same reason after the name of their field.</summary>
    public static string? ThresholdProblem(double threshold) => threshold is >= -1 and <= 1
        ? null
        : FormattableString.Invariant($"{threshold} is outside -1..1 (a cosine similarity)");

    /// <summary>The smallest threshold t with FMR(t) = #{non-mated ≥ t} / n ≤ <paramref name="targetFmr"/>, placed halfway
    /// between the two non-mated scores it separates so that it does not sit exactly on a sample.</summary>
    public static double ThresholdAtFalseMatchRate(IReadOnlyList<double> nonMatedScores, double targetFmr)
    {
        ArgumentNullException.ThrowIfNull(nonMatedScores);
        if (nonMatedScores.Count == 0) throw new ArgumentException("no non-mated scores");
        if (targetFmr is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(targetFmr), "target FMR must be in (0, 1)");
        var sorted = nonMatedScores.OrderDescending().ToArray();
        int allowed = (int)Math.Floor(targetFmr * sorted.Length); // false matches we may accept
        if (allowed >= sorted.Length) return sorted[^1];
        // Accept the `allowed` highest scores: the threshold lies above sorted[allowed].
        double above = allowed == 0 ? sorted[0] + 1e-3 : sorted[allowed - 1];
        return (above + sorted[allowed]) / 2 + (above == sorted[allowed] ? 1e-9 : 0);
    }
}

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

/// <summary>The outcome of one 1:1 comparison: the cosine similarity of two faces and the decision at a threshold.</summary>
/// <param name="Similarity">Cosine similarity of the two embeddings, −1..1.</param>
/// <param name="Threshold">Similarity at or above which the faces match, −1..1.</param>
public sealed record FaceComparison(float Similarity, float Threshold)
{
    /// <summary>Whether the faces match: the similarity reaches the threshold.</summary>
    public bool Match => Similarity >= Threshold;

    /// <summary>Compares two faces' embeddings at <paramref name="threshold"/>.</summary>
    public static FaceComparison Of(FaceEmbedding a, FaceEmbedding b, float threshold)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new FaceComparison(a.CosineSimilarity(b), threshold);
    }

    /// <summary>The record <c>fiqa compare</c> prints and <c>POST /v1/compare</c> answers:
    /// <c>{"similarity", "threshold", "match"}</c>, numbers to 1e-4.</summary>
    public string ToJsonLine() => JsonLine.Write(w =>
    {
        w.WriteNumber("similarity", Math.Round(Similarity, 4));
        w.WriteNumber("threshold", Math.Round(Threshold, 4));
        w.WriteBoolean("match", Match);
    });
}

using Fiqa.Face;

namespace Fiqa.Quality;

/// <summary>P(neutral expression) as a logistic model over six cues from one face: the expression network's log-odds of
/// "neutral" and five from the 68 landmarks — the mouth's width (<see cref="FaceLandmarks.MouthWidthOverEyes"/>), how far
/// its corners are raised (<see cref="FaceLandmarks.MouthCornerLift"/>), how far it is open (<see
/// cref="FaceLandmarks.LipGapOverEyes"/>, <see cref="FaceLandmarks.LipHeightOverEyes"/>) and how far the jaw has dropped
/// (<see cref="FaceLandmarks.ChinDropOverEyes"/>). On the labelled verdict benchmark the network alone separates the
/// faces a person calls not neutral poorly and reads darker neutral faces as less neutral; a smile widens the mouth and
/// lifts its corners, laughter and speech open it, which the landmarks see on faces of every skin tone (figures in
/// docs/measures.md, "Verdicts against labelled photos"). The weights are fitted by <c>fiqa calibrate expression</c> on
/// the benchmark's calibration half only (<c>ExpressionFusionFit</c> in Fiqa.Evaluation).</summary>
/// <param name="Intercept">Constant term of the log-odds of "not neutral".</param>
/// <param name="NetworkLogOdds">Weight of ln(p / (1 − p)), p the network's P(neutral) clamped to [1e-4, 1 − 1e-4].</param>
/// <param name="MouthWidth">Weight of <see cref="FaceLandmarks.MouthWidthOverEyes"/>.</param>
/// <param name="CornerLift">Weight of <see cref="FaceLandmarks.MouthCornerLift"/>.</param>
/// <param name="LipGap">Weight of <see cref="FaceLandmarks.LipGapOverEyes"/>.</param>
/// <param name="LipHeight">Weight of <see cref="FaceLandmarks.LipHeightOverEyes"/>.</param>
/// <param name="ChinDrop">Weight of <see cref="FaceLandmarks.ChinDropOverEyes"/>.</param>
public sealed record ExpressionFusion(double Intercept, double NetworkLogOdds, double MouthWidth, double CornerLift, double LipGap, double LipHeight, double ChinDrop)
{
    /// <summary>Fitted on the verdict benchmark's calibration half: <c>fiqa calibrate expression
    /// --labels benchmarks/verdicts/lfw-labels.csv --images ../shared/datasets/lfw/lfw-deepfunneled</c>.</summary>
    public static ExpressionFusion Default { get; } = new(-11.37452, -0.03608892, 13.83223, 8.840595, 7.181312, -0.5002226, -1.284185);

    /// <summary>Number of cues (<see cref="Cues"/>).</summary>
    public const int CueCount = 6;

    /// <summary>The weights in cue order (a method, so that the record's printed form stays its named weights).</summary>
    public double[] Weights() => [NetworkLogOdds, MouthWidth, CornerLift, LipGap, LipHeight, ChinDrop];

    /// <summary>The model with <paramref name="intercept"/> and <paramref name="weights"/> in cue order.</summary>
    public static ExpressionFusion FromWeights(double intercept, ReadOnlySpan<double> weights)
    {
        if (weights.Length != CueCount) throw new ArgumentException($"expected {CueCount} weights, got {weights.Length}", nameof(weights));
        return new(intercept, weights[0], weights[1], weights[2], weights[3], weights[4], weights[5]);
    }

    /// <summary>The network's P(neutral) as log-odds, clamped so that 0 and 1 stay finite.</summary>
    public static double LogOdds(double p)
    {
        p = Math.Clamp(p, 1e-4, 1 - 1e-4);
        return Math.Log(p / (1 - p));
    }

    /// <summary>The cues in weight order: network log-odds, mouth width, corner lift, lip gap, lip height, chin drop.</summary>
    public static double[] Cues(double networkNeutral, FaceLandmarks landmarks)
    {
        ArgumentNullException.ThrowIfNull(landmarks);
        return [LogOdds(networkNeutral), landmarks.MouthWidthOverEyes, landmarks.MouthCornerLift, landmarks.LipGapOverEyes,
            landmarks.LipHeightOverEyes, landmarks.ChinDropOverEyes];
    }

    /// <summary>P(neutral) from <paramref name="networkNeutral"/> and the landmarks; NaN when the landmarks are
    /// degenerate (eyes on one point).</summary>
    public double NeutralProbability(double networkNeutral, FaceLandmarks landmarks) => NeutralProbability(Cues(networkNeutral, landmarks));

    /// <summary>P(neutral) from the cues of <see cref="Cues"/>.</summary>
    public double NeutralProbability(ReadOnlySpan<double> cues)
    {
        if (cues.Length != CueCount) throw new ArgumentException($"expected {CueCount} cues, got {cues.Length}", nameof(cues));
        double notNeutral = Intercept + NetworkLogOdds * cues[0] + MouthWidth * cues[1] + CornerLift * cues[2]
            + LipGap * cues[3] + LipHeight * cues[4] + ChinDrop * cues[5];
        return 1 / (1 + Math.Exp(notNeutral));
    }
}

using Fiqa.Face;

namespace Fiqa.Quality;

/// <summary>P(neutral expression) as a logistic model over three cues from one face: the expression network's log-odds
/// of "neutral" and two from the 68 landmarks, the mouth's width (<see cref="FaceLandmarks.MouthWidthOverEyes"/>) and
/// how far its corners are raised (<see cref="FaceLandmarks.MouthCornerLift"/>). On the labelled verdict benchmark the
/// network alone separates the faces a person calls not neutral poorly and reads darker neutral faces as less neutral; a
/// smile widens the mouth and lifts its corners, which the landmarks see on faces of every skin tone (figures in
/// docs/measures.md, "Verdicts against labelled photos"). The weights are fitted by <c>fiqa calibrate expression</c>
/// on the benchmark's calibration half only (<c>ExpressionFusionFit</c> in Fiqa.Evaluation).</summary>
/// <param name="Intercept">Constant term of the log-odds of "not neutral".</param>
/// <param name="NetworkLogOdds">Weight of ln(p / (1 − p)), p the network's P(neutral) clamped to [1e-4, 1 − 1e-4].</param>
/// <param name="MouthWidth">Weight of <see cref="FaceLandmarks.MouthWidthOverEyes"/>.</param>
/// <param name="CornerLift">Weight of <see cref="FaceLandmarks.MouthCornerLift"/>.</param>
public sealed record ExpressionFusion(double Intercept, double NetworkLogOdds, double MouthWidth, double CornerLift)
{
    /// <summary>Fitted on the verdict benchmark's calibration half: <c>fiqa calibrate expression
    /// --labels benchmarks/verdicts/lfw-labels.csv --images ../shared/datasets/lfw/lfw-deepfunneled</c>.</summary>
    public static ExpressionFusion Default { get; } = new(-14.61037, -0.1169861, 14.78413, 8.552698);

    /// <summary>The network's P(neutral) as log-odds, clamped so that 0 and 1 stay finite.</summary>
    public static double LogOdds(double p)
    {
        p = Math.Clamp(p, 1e-4, 1 - 1e-4);
        return Math.Log(p / (1 - p));
    }

    /// <summary>The three inputs in weight order: network log-odds, mouth width, corner lift.</summary>
    public static double[] Cues(double networkNeutral, FaceLandmarks landmarks)
    {
        ArgumentNullException.ThrowIfNull(landmarks);
        return [LogOdds(networkNeutral), landmarks.MouthWidthOverEyes, landmarks.MouthCornerLift];
    }

    /// <summary>P(neutral) from <paramref name="networkNeutral"/> and the landmarks; NaN when the landmarks are
    /// degenerate (eyes on one point).</summary>
    public double NeutralProbability(double networkNeutral, FaceLandmarks landmarks) => NeutralProbability(Cues(networkNeutral, landmarks));

    /// <summary>P(neutral) from the three cues of <see cref="Cues"/>.</summary>
    public double NeutralProbability(ReadOnlySpan<double> cues)
    {
        if (cues.Length != 3) throw new ArgumentException($"expected 3 cues, got {cues.Length}", nameof(cues));
        double notNeutral = Intercept + NetworkLogOdds * cues[0] + MouthWidth * cues[1] + CornerLift * cues[2];
        return 1 / (1 + Math.Exp(notNeutral));
    }
}

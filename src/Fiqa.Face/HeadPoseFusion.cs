namespace Fiqa.Face;

/// <summary>The one head pose of a record and of the pose components: roll from the landmarks' eye line, yaw as the mean
/// of the pose network's and the landmarks' estimate, pitch from the network. Measured on the verdict benchmark's
/// calibration half (benchmarks/verdicts; docs/measures.md, "Verdicts against labelled photos"): the eye line separates
/// the photos a person calls tilted better than any other landmark line or the network (AUC 0.999); for yaw the
/// network alone spreads with sd 7.8° over the photos a person calls not turned, the mean with the landmark estimate
/// 6.8° (AUC 0.948 → 0.973); for pitch, landmark cues (jaw ends or nose tip against the eye line) correlate 0.85 with the
/// network and averaging them gained little (AUC 0.878 → 0.897) while widening the skin-tone gap, so the network's
/// pitch stands alone.</summary>
public static class HeadPoseFusion
{
    /// <summary><see cref="FaceLandmarks.NoseTipAcrossEyes"/> of a face turned by 0°: the median over the 182 photos of
    /// the calibration half a person labels not turned (fr_landmark's points sit slightly off the middle).</summary>
    public const double NoseTipFrontal = 0.4935;

    /// <summary>Change of <see cref="FaceLandmarks.NoseTipAcrossEyes"/> per unit tan(yaw): the nose tip stands in front
    /// of the eye corners, so under a turn ψ its offset from their midpoint grows as sin ψ while their span shrinks as
    /// cos ψ (orthographic projection). Fitted on the calibration half as the ratio of standard deviations against the
    /// network's tan(yaw) (|yaw| &lt; 45°, correlation −0.96; a ratio of spreads rather than a regression, which noise in
    /// the network's angle would shrink). Negative: yaw &gt; 0 moves the nose towards the image's left.</summary>
    public const double NoseTipPerTanYaw = -0.5362;

    /// <summary>Yaw in degrees from the nose tip's place between the outer eye corners (<see cref="NoseTipFrontal"/>,
    /// <see cref="NoseTipPerTanYaw"/>); NaN when the corners coincide.</summary>
    public static double LandmarkYaw(FaceLandmarks landmarks)
    {
        ArgumentNullException.ThrowIfNull(landmarks);
        double t = (landmarks.NoseTipAcrossEyes - NoseTipFrontal) / NoseTipPerTanYaw;
        return Math.Atan(t) * 180 / Math.PI;
    }

    /// <summary>The pose a record carries and the components judge: <paramref name="network"/>'s pitch; yaw the mean of
    /// the network's and <see cref="LandmarkYaw"/>; roll the eye line (<see cref="FaceLandmarks.EyeLineRoll"/>). Without
    /// landmarks (or with degenerate ones) the network's angles as they are.</summary>
    public static HeadPose Combine(HeadPose network, FaceLandmarks? landmarks)
    {
        if (landmarks is null) return network;
        double landmarkYaw = LandmarkYaw(landmarks);
        float yaw = double.IsFinite(landmarkYaw) ? (float)((network.Yaw + landmarkYaw) / 2) : network.Yaw;
        return network with { Yaw = yaw, Roll = (float)landmarks.EyeLineRoll };
    }
}

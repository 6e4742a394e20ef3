namespace Fiqa.Iqa;

/// <summary>Pieces of Kovesi-style log-Gabor filter banks shared by FSIM's phase congruency and MAD's appearance stage.</summary>
internal static class LogGabor
{
    /// <summary>The angular component exp(−Δθ²/(2σ_θ²)) for every frequency sample, Δθ the absolute angular distance of the
    /// sample's polar angle (theta) from the filter's orientation.</summary>
    public static double[] AngularSpread(ReadOnlySpan<double> theta, double orientation, double thetaSigma)
    {
        double ca = Math.Cos(orientation), sa = Math.Sin(orientation);
        var spread = new double[theta.Length];
        for (int k = 0; k < spread.Length; k++)
        {
            double st = Math.Sin(theta[k]), ct = Math.Cos(theta[k]);
            double dTheta = Math.Abs(Math.Atan2(st * ca - ct * sa, ct * ca + st * sa));
            spread[k] = Math.Exp(-dTheta * dTheta / (2 * thetaSigma * thetaSigma));
        }
        return spread;
    }
}

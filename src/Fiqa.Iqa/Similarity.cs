namespace Fiqa.Iqa;

/// <summary>The SSIM-style similarity of two feature values, (2xy + c)/(x² + y² + c), that GMSD, VSI and FSIM pool.</summary>
internal static class Similarity
{
    public static double Of(double x, double y, double c) => (2 * x * y + c) / (x * x + y * y + c);
}

using System.Numerics.Tensors;
using Fiqa.Imaging;

namespace Fiqa.Quality.Measures;

/// <summary>ISO/IEC 29794-5 Sharpness. OFIQ v1.0.3 feeds 26 Laplacian/Sobel/blur statistics to a random forest we do
/// not have; ours is a Laplacian-energy focus measure (Pertuz et al. 2013, "LAP"-family) on the portrait luminance
/// inside the face region, with the noise floor removed so that sensor noise does not read as detail. The floor is the
/// energy a Gaussian field with the region's median |Laplacian| would have ((median / 0.6745)²): on a face most pixels
/// are smooth skin whose Laplacian is noise, while edges (eyes, brows, lips, hair line) form the heavy tail that blur
/// removes. Estimating the floor on the Laplacian itself, after the portrait's resampling, keeps it right for the
/// correlated noise of an up-sampled face.
/// <para>The Laplacian is taken of log luminance, ln(Y / μ + 0.06) with Y the linear luminance and μ its mean over the
/// face region, so each edge counts by its contrast ratio (Weber contrast) rather than by its step in light: exposure
/// does not read as blur, and a light face is not read softer than a dark one. Dividing the linear energy by μ, as an
/// earlier version did, weighed the same features of a light face less (on the labelled LFW benchmark's calibration
/// half, clean light faces were rejected as blurred 31 points more often than dark ones; 8 points now).</para>
/// <para>Motion blur smears detail along one direction only, and the isotropic Laplacian keeps the detail across it
/// (a 6-px horizontal smear of a sharp portrait lost only a third of it). So the noise-corrected energy of the linear
/// luminance is also taken of the second difference along each of 0°, 45°, 90° and 135° (each with its own floor),
/// and their anisotropy A = weakest / strongest direction scales the contrast by min(1, A / 0.45)²: clean faces lie at
/// A 0.41–0.63 (10th to 90th percentile, calibration identities), a 6-px smear takes them to 0.17–0.40, and noise,
/// JPEG and exposure do not lower A (noise raises it). Blur and down-scaling stay isotropic and read as before.
/// Choosing the weakest direction against the strongest, rather than taking it alone, keeps the raw scale (and the
/// profiles' limits) of the isotropic measure.</para></summary>
public sealed class Sharpness : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("Sharpness", "fidelity",
        "√(mean Laplacian² − (median |Laplacian| / 0.6745)²) of ln(Y / μ + 0.06) (Y: linear luminance, μ: its mean) over the face outline of the canonical portrait shrunk to 0.9 about its centroid, ×100, times min(1, A / 0.45)² where A is the weakest over the strongest contrast of Y along 0°, 45°, 90°, 135°",
        MeasureNeeds.Landmarks, MappingTable.Default.Measure("Sharpness"),
        "Laplacian energy above the noise floor, with a directional anisotropy term for motion blur, instead of OFIQ's random forest; mapping from the blur/motion ladders (docs/measures.md).");

    // median |x| of a zero-mean Gaussian is 0.6745 σ.
    private const double GaussianMedianAbs = 0.6745;

    /// <summary>Offset c of the log luminance ln(Y / μ + c), μ the face region's mean: keeps the darkest pixels' noise
    /// from dominating; the value that balances the labelled LFW benchmark's calibration half against the motion
    /// ladder's target (docs/measures.md).</summary>
    public const float LogOffset = 0.06f;

    /// <summary>Anisotropy (weakest / strongest directional contrast) below which the contrast is scaled down: the
    /// calibration identities' clean portraits lie at or above it in nine cases of ten (docs/measures.md).</summary>
    public const double IsotropicAnisotropy = 0.45;

    /// <summary>The face outline shrunk about its centroid to this scale is the region measured: the refined landmarks
    /// put the jaw on the face's silhouette, whose contrast with the neck and background survives a sideways smear, so
    /// the whole outline read motion-blurred faces as sharp. 0.9 among 1, 0.9 and 0.8 on the calibration identities'
    /// ladders (docs/measures.md, "Capture components on degradation ladders").</summary>
    public const float RegionScale = 0.9f;

    MeasureDescriptor IQualityMeasure.Descriptor => Descriptor;

    /// <inheritdoc />
    public MeasureResult Assess(FaceContext face)
    {
        if (face.FaceRegion.AsSpan().IndexOf(true) < 0) return MeasureResult.Failure("the face region lies outside the image");
        return Contrast(face) is double raw ? Descriptor.Result(raw) : MeasureResult.Failure("face region practically black");
    }

    /// <summary>The raw value, or null when the face region is empty or practically black (computed once per face).</summary>
    internal static double? Contrast(FaceContext face) => face.Memo(nameof(Sharpness), () => Compute(face));

    private static double? Compute(FaceContext face)
    {
        var lum = face.PortraitLuminance;
        var mask = face.Region(face.PortraitPolygon(FaceContext.FaceOutlineIndices, RegionScale));
        int width = lum.Width, height = lum.Height;
        var v = lum.Values;
        double brightness = 0;
        int n = 0;
        var (maskFrom, maskTo) = PolygonMask.Extent(mask);
        for (int i = maskFrom; i < maskTo; i++)
            if (mask[i]) { brightness += v[i]; n++; }
        if (n == 0) return null;
        double mean = brightness / n;
        if (mean < 2) return null;
        var logLuminance = new FloatPlane(width, height);
        var logValues = logLuminance.Values;
        TensorPrimitives.Multiply(v, (float)(1 / mean), logValues);
        TensorPrimitives.Add(logValues, LogOffset, logValues);
        TensorPrimitives.Log(logValues, logValues);
        var magnitudes = new float[n];
        double isotropic = AboveFloor(Filters.Laplacian(logLuminance).Values, mask, maskFrom, maskTo, magnitudes);
        // Second differences along 0°, 90°, 45° and 135° (pixel offsets), border pixels replicated.
        Span<(int Dx, int Dy)> directions = [(1, 0), (0, 1), (1, 1), (1, -1)];
        double weakest = double.MaxValue, strongest = 0;
        var response = new float[v.Length];
        foreach (var (dx, dy) in directions)
        {
            int step = dy * width + dx;
            for (int y = maskFrom / width; y < (maskTo + width - 1) / width; y++)
            {
                bool interiorRow = y > 0 && y < height - 1;
                for (int x = 0; x < width; x++)
                {
                    int i = y * width + x;
                    if (!mask[i]) continue;
                    // Away from the border the neighbours are plain offsets; at it, replicated pixels.
                    response[i] = interiorRow && x > 0 && x < width - 1
                        ? v[i - step] + v[i + step] - 2 * v[i]
                        : lum.At(x - dx, y - dy) + lum.At(x + dx, y + dy) - 2 * v[i];
                }
            }
            double c = AboveFloor(response, mask, maskFrom, maskTo, magnitudes);
            weakest = Math.Min(weakest, c);
            strongest = Math.Max(strongest, c);
        }
        double anisotropy = strongest > 0 ? weakest / strongest : 1;
        double factor = Math.Min(1, anisotropy / IsotropicAnisotropy);
        return 100 * isotropic * factor * factor;
    }

    /// <summary>√(mean r² − floor²) over the masked pixels of a filter response r, the floor being the σ of a Gaussian
    /// whose median |r| is the region's.</summary>
    /// <param name="response">The filter response.</param>
    /// <param name="mask">The pixels to use.</param>
    /// <param name="from">The mask's first set index (<see cref="PolygonMask.Extent"/>).</param>
    /// <param name="to">Just past its last set index.</param>
    /// <param name="magnitudes">Scratch space, one entry per masked pixel.</param>
    private static double AboveFloor(float[] response, bool[] mask, int from, int to, float[] magnitudes)
    {
        double energy = 0;
        int count = magnitudes.Length;
        for (int i = from, k = 0; i < to; i++)
        {
            if (!mask[i]) continue;
            energy += response[i] * (double)response[i];
            magnitudes[k++] = Math.Abs(response[i]);
        }
        double floor = RankStatistics.Select(magnitudes, count / 2) / GaussianMedianAbs;
        return Math.Sqrt(Math.Max(0, energy / count - floor * floor));
    }
}

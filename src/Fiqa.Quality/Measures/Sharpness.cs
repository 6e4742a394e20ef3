using Fiqa.Imaging;

namespace Fiqa.Quality.Measures;

/// <summary>ISO/IEC 29794-5 Sharpness. OFIQ v1.0.3 feeds 26 Laplacian/Sobel/blur statistics to a random forest we do
/// not have; ours is a Laplacian-energy focus measure (Pertuz et al. 2013, "LAP"-family) on the portrait luminance
/// inside the face region, with the noise floor removed so that sensor noise does not read as detail. The floor is the
/// energy a Gaussian field with the region's median |Laplacian| would have ((median / 0.6745)²): on a face most pixels
/// are smooth skin whose Laplacian is noise, while edges (eyes, brows, lips, hair line) form the heavy tail that blur
/// removes. Estimating the floor on the Laplacian itself, after the portrait's resampling, keeps it right for the
/// correlated noise of an up-sampled face. The remainder is divided by the region's mean luminance so that exposure
/// does not read as blur.</summary>
public sealed class Sharpness : IQualityMeasure
{
    /// <summary>The descriptor.</summary>
    public static MeasureDescriptor Descriptor { get; } = new("Sharpness", "fidelity",
        "√(mean Laplacian² − (median |Laplacian| / 0.6745)²) / mean luminance over the face region of the canonical portrait, ×100",
        MeasureNeeds.Landmarks, MappingTable.Default.Measure("Sharpness"),
        "Laplacian energy above the noise floor instead of OFIQ's random forest; mapping from the blur/motion ladders (docs/measures.md).");

    // median |x| of a zero-mean Gaussian is 0.6745 σ.
    private const double GaussianMedianAbs = 0.6745;

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
        var lap = Filters.Laplacian(lum).Values;
        var mask = face.FaceRegion;
        double energy = 0, brightness = 0;
        var magnitudes = new List<float>(lap.Length / 2);
        for (int i = 0; i < lap.Length; i++)
        {
            if (!mask[i]) continue;
            energy += lap[i] * (double)lap[i];
            brightness += lum.Values[i];
            magnitudes.Add(Math.Abs(lap[i]));
        }
        int n = magnitudes.Count;
        if (n == 0) return null;
        double mean = brightness / n;
        if (mean < 2) return null;
        var sorted = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(magnitudes);
        sorted.Sort();
        double floor = sorted[n / 2] / GaussianMedianAbs;
        double signal = Math.Sqrt(Math.Max(0, energy / n - floor * floor));
        return 100 * signal / mean;
    }
}

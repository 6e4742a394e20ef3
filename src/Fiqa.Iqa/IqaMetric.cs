using Fiqa.Imaging;

namespace Fiqa.Iqa;

/// <summary>Whether a metric compares against a reference.</summary>
public enum MetricKind
{
    /// <summary>Full-reference: needs the pristine image.</summary>
    FullReference,
    /// <summary>No-reference: judges the image alone.</summary>
    NoReference,
}

/// <summary>A metric described as data, with pyiqa's name so users can switch.</summary>
/// <param name="Name">pyiqa name (e.g. "ssim").</param>
/// <param name="Kind">FR or NR.</param>
/// <param name="LowerIsBetter">True when smaller scores mean better quality (GMSD, NIQE, BRISQUE, PIQE…).</param>
/// <param name="Range">The score range in words.</param>
/// <param name="Reference">The publication and official code the implementation follows.</param>
public sealed record MetricDescriptor(string Name, MetricKind Kind, bool LowerIsBetter, string Range, string Reference);

/// <summary>An image quality metric: scores an image, against a reference for full-reference metrics (no-reference
/// metrics ignore one). Implementations are created once and are safe to share across threads.</summary>
public interface IIqaMetric
{
    /// <summary>What the metric is.</summary>
    MetricDescriptor Descriptor { get; }

    /// <summary>Score of <paramref name="image"/>; full-reference metrics compare it with <paramref name="reference"/>
    /// (same size; an error says when it is missing or differs).</summary>
    double Score(RgbImage image, RgbImage? reference = null);
}

/// <summary>A metric's score as the result record every scorer returns.</summary>
public static class IqaMetricResults
{
    /// <summary>The score as <see cref="MeasureResult"/> (IQA metrics define no 0..100 scalar, so it is
    /// <see cref="MeasureResult.NoScalar"/>); inputs the metric refuses (no reference, sizes differ, an image too small)
    /// give a failure with the metric's reason instead of an exception, so one metric never stops the others.</summary>
    public static MeasureResult Assess(this IIqaMetric metric, RgbImage image, RgbImage? reference = null)
    {
        ArgumentNullException.ThrowIfNull(metric);
        try
        {
            return MeasureResult.Unmapped(metric.Score(image, reference));
        }
        catch (ArgumentException e)
        {
            var suffix = e.ParamName is { } name ? $" (Parameter '{name}')" : null;
            return MeasureResult.Failure(suffix is not null && e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message);
        }
    }
}

/// <summary>The input checks every full-reference metric makes.</summary>
internal static class IqaInput
{
    /// <summary>The reference, after checking it is there and the same size as the image.</summary>
    public static RgbImage Pair(MetricDescriptor metric, RgbImage image, RgbImage? reference)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (reference is null) throw new ArgumentException($"{metric.Name} is a full-reference metric: it needs a reference image");
        if (reference.Width != image.Width || reference.Height != image.Height)
            throw new ArgumentException($"the reference is {reference.Width}x{reference.Height} but the image is {image.Width}x{image.Height}; {metric.Name} compares images of the same size");
        return reference;
    }
}

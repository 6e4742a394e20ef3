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

/// <summary>A full-reference metric.</summary>
public interface IFullReferenceMetric
{
    /// <summary>What the metric is.</summary>
    MetricDescriptor Descriptor { get; }

    /// <summary>Score of <paramref name="distorted"/> against <paramref name="reference"/> (same size).</summary>
    double Score(RgbImage reference, RgbImage distorted);
}

/// <summary>A no-reference metric.</summary>
public interface INoReferenceMetric
{
    /// <summary>What the metric is.</summary>
    MetricDescriptor Descriptor { get; }

    /// <summary>Score of the image alone.</summary>
    double Score(RgbImage image);
}

internal static class SizeCheck
{
    public static void Same(RgbImage a, RgbImage b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Width != b.Width || a.Height != b.Height)
            throw new ArgumentException($"reference is {a.Width}x{a.Height} but the distorted image is {b.Width}x{b.Height}");
    }
}

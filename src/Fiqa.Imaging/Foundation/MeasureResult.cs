namespace Fiqa;

/// <summary>Whether a score could be computed.</summary>
public enum MeasureStatus
{
    /// <summary>Computed.</summary>
    Success,
    /// <summary>Could not be computed for this input (see the reason); OFIQ reports scalar −1.</summary>
    FailureToAssess,
}

/// <summary>What everything that scores returns — a quality component, a unified method, an IQA metric — as OFIQ reports
/// a component (ISO/IEC 29794-5): native value, 0..100 scalar, status, reason. One failing scorer yields a failure with
/// its reason and never takes the others down.</summary>
/// <param name="Raw">Native value in the scorer's own units (null on failure).</param>
/// <param name="Scalar">0..100, higher is better, where the scorer defines a mapping; −1 on failure and for IQA metrics,
/// which define none (<see cref="NoScalar"/>).</param>
/// <param name="Status">Success or failure to assess.</param>
/// <param name="Reason">Why the scorer failed, in words.</param>
public sealed record MeasureResult(double? Raw, int Scalar, MeasureStatus Status, string? Reason = null)
{
    /// <summary>The scalar of a failure, and of a scorer that defines no 0..100 mapping.</summary>
    public const int NoScalar = -1;

    /// <summary>A computed value and its scalar (<paramref name="toScalar"/>: the scorer's mapping); a non-finite value is a
    /// failure that says so.</summary>
    public static MeasureResult Mapped(double raw, Func<double, int> toScalar)
    {
        ArgumentNullException.ThrowIfNull(toScalar);
        return double.IsFinite(raw) ? new(raw, toScalar(raw), MeasureStatus.Success) : Failure($"native value is {raw}");
    }

    /// <summary>A computed value of a scorer without a 0..100 mapping (IQA metrics). Infinities are kept, since some
    /// metrics define them (PSNR of identical images is +∞); NaN is a failure that says the input gave the scorer nothing
    /// to measure (ratios of zero energies on a blank image).</summary>
    public static MeasureResult Unmapped(double raw) => double.IsNaN(raw)
        ? Failure("not defined for this image (NaN): it has nothing to measure, e.g. no texture or structure")
        : new(raw, NoScalar, MeasureStatus.Success);

    /// <summary>A failure with its reason.</summary>
    public static MeasureResult Failure(string reason) => new(null, NoScalar, MeasureStatus.FailureToAssess, reason);

    /// <summary>The native value, NaN on failure (for statistics over many results).</summary>
    public double RawOrNaN => Raw ?? double.NaN;
}

namespace Fiqa.Quality;

/// <summary>Whether a measure could be computed.</summary>
public enum MeasureStatus
{
    /// <summary>Computed.</summary>
    Success,
    /// <summary>Could not be computed for this image (see the reason); OFIQ reports scalar −1.</summary>
    FailureToAssess,
}

/// <summary>One quality component for one face, as OFIQ reports it: native value, 0..100 scalar, status, reason.</summary>
/// <param name="Raw">Native value in the measure's own units (null on failure).</param>
/// <param name="Scalar">0..100, higher is better; −1 on failure.</param>
/// <param name="Status">Success or failure to assess.</param>
/// <param name="Reason">Why the measure failed, in words.</param>
public sealed record MeasureResult(double? Raw, int Scalar, MeasureStatus Status, string? Reason = null)
{
    /// <summary>A computed value mapped by the descriptor's mapping.</summary>
    public static MeasureResult From(MeasureDescriptor descriptor, double raw)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (double.IsNaN(raw) || double.IsInfinity(raw)) return Failure($"native value is {raw}");
        return new MeasureResult(raw, descriptor.Mapping.ToScalar(raw), MeasureStatus.Success);
    }

    /// <summary>A failure with its reason.</summary>
    public static MeasureResult Failure(string reason) => new(null, -1, MeasureStatus.FailureToAssess, reason);
}

/// <summary>What a measure needs from the per-image context; only the models these imply are loaded.</summary>
[Flags]
public enum MeasureNeeds
{
    /// <summary>The decoded image only.</summary>
    Image = 0,
    /// <summary>68 landmarks (and the canonical portrait derived from them).</summary>
    Landmarks = 1,
    /// <summary>Every face in the image.</summary>
    AllFaces = 2,
    /// <summary>The identity embedding.</summary>
    Embedding = 4 | Landmarks,
    /// <summary>Head pose.</summary>
    Pose = 8,
    /// <summary>Eye-state model.</summary>
    Eyes = 16 | Landmarks,
    /// <summary>Liveness model.</summary>
    Liveness = 32,
    /// <summary>Expression model (on the landmarks' square, steadier than the detector box).</summary>
    Expression = 64 | Landmarks,
}

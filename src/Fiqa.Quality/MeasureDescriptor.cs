namespace Fiqa.Quality;

/// <summary>A quality measure described as data: the catalogue, CLI listings, CSV headers and docs come from these.</summary>
/// <param name="Name">Name as OFIQ spells it (e.g. "EyesOpen"); also the CSV column stem.</param>
/// <param name="Aspect">ISO/IEC 29794-1 aspect: character, fidelity or utility.</param>
/// <param name="Native">What the native value is, with units.</param>
/// <param name="Needs">What the measure reads from the face context.</param>
/// <param name="Mapping">Native → 0..100 scalar.</param>
/// <param name="Method">How Fiqa computes it, and how that differs from OFIQ.</param>
public sealed record MeasureDescriptor(string Name, string Aspect, string Native, MeasureNeeds Needs, QualityMapping Mapping, string Method)
{
    /// <summary>Success with the native value mapped.</summary>
    public MeasureResult Result(double raw) => MeasureResult.Mapped(raw, Mapping.ToScalar);
}

/// <summary>One quality component. Implementations are stateless apart from their descriptor and are safe to share.</summary>
public interface IQualityMeasure
{
    /// <summary>What the measure is.</summary>
    MeasureDescriptor Descriptor { get; }

    /// <summary>What the measure reads from the face's embedder pass besides the embedding (most read nothing).</summary>
    IReadOnlyList<Face.TensorObservation> Observations => [];

    /// <summary>Computes the component for one face. Throws only on programming errors; the assessor turns any
    /// exception into a failure-to-assess result so the other measures still run.</summary>
    MeasureResult Assess(FaceContext face);
}

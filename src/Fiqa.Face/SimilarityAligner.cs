using System.Numerics;
using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Face;

/// <summary>Five-point least-squares similarity alignment (rotation, uniform scale, translation — no shear) to a
/// template, then a bilinear warp with a black border.</summary>
public sealed class SimilarityAligner : IFaceAligner
{
    private readonly AlignmentSpec _spec;
    private readonly Vector2[] _template;

    /// <summary>Aligns to <paramref name="spec"/>'s template (default: ArcFace 112×112).</summary>
    public SimilarityAligner(AlignmentSpec? spec = null)
    {
        _spec = spec ?? new AlignmentSpec();
        if (_spec.Template.Length != 5 || _spec.Template.Any(p => p.Length != 2))
            throw new ModelConfigurationException("an alignment template needs five (x, y) points");
        _template = _spec.Template.Select(p => new Vector2(p[0], p[1])).ToArray();
    }

    /// <inheritdoc />
    public AlignedFace Align(RgbImage image, ReadOnlySpan<Vector2> fivePoints)
    {
        ArgumentNullException.ThrowIfNull(image);
        var transform = AffineTransform.FitSimilarity(fivePoints, _template);
        return new AlignedFace(Warp.Affine(image, transform, _spec.Width, _spec.Height), transform);
    }
}

using System.Numerics;
using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Face.Onnx;

/// <summary>68-point regressor on a face-box crop; its outputs are (x, y) fractions of the crop.</summary>
public sealed class OnnxLandmarkDetector : ILandmarkDetector
{
    private readonly OnnxModel _model;
    private readonly float _cropScale;

    /// <summary>The landmark <paramref name="model"/> of a registry.</summary>
    public OnnxLandmarkDetector(SessionRegistry registry, string model)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _model = registry.Open(model);
        _cropScale = _model.Manifest.Crop?.Scale ?? 1f;
    }

    /// <inheritdoc />
    public FaceLandmarks Detect(RgbImage image, FaceBox box) => Detect(image, box, mirrorAveraged: false);

    /// <summary>The points of <paramref name="box"/>; with <paramref name="mirrorAveraged"/> the mean of the crop's and
    /// its mirror image's (the mirror's points flipped back and renumbered), so that a mirrored face gets mirrored points:
    /// the model alone is not mirror-equivariant.</summary>
    public FaceLandmarks Detect(RgbImage image, FaceBox box, bool mirrorAveraged)
    {
        ArgumentNullException.ThrowIfNull(image);
        var spec = _model.Manifest.Input;
        var (tensor, region) = FaceCrop.Input(image, box, _cropScale, spec);
        var xy = Fractions(tensor);
        if (mirrorAveraged)
        {
            FlipRows(tensor, spec.Width);
            var mirrored = Fractions(tensor);
            for (int i = 0; i < FaceLandmarks.Count; i++)
            {
                int j = MirrorIndex[i];
                xy[2 * i] = (xy[2 * i] + 1 - mirrored[2 * j]) / 2;
                xy[2 * i + 1] = (xy[2 * i + 1] + mirrored[2 * j + 1]) / 2;
            }
        }
        var points = new Vector2[FaceLandmarks.Count];
        for (int i = 0; i < points.Length; i++)
            points[i] = new Vector2(region.X + xy[2 * i] * region.Width, region.Y + xy[2 * i + 1] * region.Height);
        return new FaceLandmarks(points);
    }

    private float[] Fractions(float[] tensor)
    {
        var xy = _model.Run(tensor)[0];
        if (xy.Length != 2 * FaceLandmarks.Count)
            throw new ModelConfigurationException($"{_model.Manifest.Name}: expected {2 * FaceLandmarks.Count} outputs, got {xy.Length}");
        return xy.ToArray();
    }

    private static void FlipRows(float[] tensor, int width)
    {
        for (int row = 0; row < tensor.Length; row += width) tensor.AsSpan(row, width).Reverse();
    }

    /// <summary>The iBUG 300-W point that point i becomes in the mirror image: jaw, brows, nostrils, eyes and lips swap
    /// sides, the nose bridge and the lips' middle stay.</summary>
    private static readonly int[] MirrorIndex = BuildMirrorIndex();

    private static int[] BuildMirrorIndex()
    {
        var map = new int[FaceLandmarks.Count];
        for (int i = 0; i < map.Length; i++) map[i] = i;
        void Swap(int a, int b) { map[a] = b; map[b] = a; }
        for (int i = 0; i < 8; i++) Swap(i, 16 - i);
        for (int i = 0; i < 5; i++) Swap(17 + i, 26 - i);
        Swap(31, 35); Swap(32, 34);
        Swap(36, 45); Swap(37, 44); Swap(38, 43); Swap(39, 42); Swap(40, 47); Swap(41, 46);
        Swap(48, 54); Swap(49, 53); Swap(50, 52); Swap(55, 59); Swap(56, 58);
        Swap(60, 64); Swap(61, 63); Swap(65, 67);
        return map;
    }
}

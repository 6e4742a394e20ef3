using Fiqa.Face.Models;
using Fiqa.Imaging;

namespace Fiqa.Face.Onnx;

/// <summary>ArcFace-style embedder: aligned face in, one embedding vector out (raw norm kept).</summary>
public sealed class OnnxFaceEmbedder : IFaceEmbedder, IDisposable
{
    private readonly OnnxModel _model;

    /// <summary>Opens the embedder a manifest describes.</summary>
    public OnnxFaceEmbedder(ModelManifest manifest, OnnxSessionOptions? session = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        _model = new OnnxModel(manifest, session);
        Alignment = manifest.Alignment ?? new AlignmentSpec { Width = manifest.Input.Width, Height = manifest.Input.Height };
        if (Alignment.Width != manifest.Input.Width || Alignment.Height != manifest.Input.Height)
            throw new ModelConfigurationException($"{manifest.Name}: alignment size differs from the model input size");
    }

    /// <inheritdoc />
    public AlignmentSpec Alignment { get; }

    /// <inheritdoc />
    public FaceEmbedding Embed(RgbImage alignedFace) =>
        new(_model.Run(InputTensor.FromImage(alignedFace, _model.Manifest.Input))[0]);

    /// <inheritdoc />
    public void Dispose() => _model.Dispose();
}

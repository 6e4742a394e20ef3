using Fiqa.Face.Models;
using Fiqa.Imaging;

namespace Fiqa.Face.Onnx;

/// <summary>The embedder with its penultimate tensor exposed (manifest <c>embedder.penultimate_tensor</c>) and its final
/// linear layer read from the model's own weights, so the last layer can be re-run in C# — e.g. many times under
/// dropout, as SER-FIQ does. Supports a final 1×1 Conv or Gemm.</summary>
public sealed class OnnxPenultimateEmbedder : IDisposable
{
    private readonly OnnxModel _model;

    /// <summary>Opens the embedder a manifest describes, with the extra output.</summary>
    public OnnxPenultimateEmbedder(ModelManifest manifest, OnnxSessionOptions? session = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var tensor = manifest.Embedder?.PenultimateTensor
            ?? throw new ModelConfigurationException($"{manifest.Name}: the manifest names no embedder.penultimate_tensor (needed for SER-FIQ)");
        var bytes = File.ReadAllBytes(manifest.ModelPath);
        var last = OnnxGraph.Nodes(bytes).FirstOrDefault(n => n.Inputs.Count >= 2 && n.Inputs[0] == tensor)
            ?? throw new ModelConfigurationException($"{manifest.Name}: no node consumes '{tensor}'");
        if (last.OpType is not ("Conv" or "Gemm"))
            throw new ModelConfigurationException($"{manifest.Name}: '{tensor}' feeds a {last.OpType}; SER-FIQ needs a final Conv 1×1 or Gemm");
        var w = OnnxGraph.FloatInitializer(bytes, last.Inputs[1]);
        if (last.OpType == "Conv" && (w.Dims.Length != 4 || w.Dims[2] != 1 || w.Dims[3] != 1))
            throw new ModelConfigurationException($"{manifest.Name}: the final Conv is not 1×1 ([{string.Join(",", w.Dims)}])");
        OutputSize = (int)w.Dims[0];
        InputSize = (int)w.Dims[1];
        Weights = w.Values;
        Bias = last.Inputs.Count > 2 ? OnnxGraph.FloatInitializer(bytes, last.Inputs[2]).Values : new float[OutputSize];
        _model = new OnnxModel(manifest, session, [manifest.Outputs[0], tensor], modelBytes: OnnxGraph.WithExtraOutput(bytes, tensor));
    }

    /// <summary>Penultimate width.</summary>
    public int InputSize { get; }
    /// <summary>Embedding width.</summary>
    public int OutputSize { get; }
    /// <summary>Final-layer weights, row-major [OutputSize, InputSize].</summary>
    public float[] Weights { get; }
    /// <summary>Final-layer bias.</summary>
    public float[] Bias { get; }

    /// <summary>The model's embedding and its penultimate activations for an aligned face.</summary>
    public (float[] Embedding, float[] Penultimate) Run(RgbImage alignedFace)
    {
        var outputs = _model.Run(InputTensor.FromImage(alignedFace, _model.Manifest.Input));
        return (outputs[0], outputs[1]);
    }

    /// <summary>The final layer applied to (possibly masked) penultimate activations: y = W·x + b.</summary>
    public void LastLayer(ReadOnlySpan<float> penultimate, Span<float> embedding)
    {
        for (int o = 0; o < OutputSize; o++)
            embedding[o] = System.Numerics.Tensors.TensorPrimitives.Dot(Weights.AsSpan(o * InputSize, InputSize), penultimate) + Bias[o];
    }

    /// <inheritdoc />
    public void Dispose() => _model.Dispose();
}

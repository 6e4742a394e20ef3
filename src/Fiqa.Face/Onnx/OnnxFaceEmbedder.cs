using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Face.Onnx;

/// <summary>ArcFace-style embedder: aligned face in, one embedding vector out (raw norm kept). Built with observations, its
/// session is the embedder graph with the observed tensors as extra outputs (statistics reduced in the graph), so one run
/// yields the embedding and everything the requested quality methods read.</summary>
public sealed class OnnxFaceEmbedder : IFaceEmbedder
{
    private readonly OnnxModel _model;
    private readonly TensorObservation[] _observations;
    private readonly int _firstObservationOutput;

    /// <summary>The embedder <paramref name="model"/> of a registry, observing <paramref name="observations"/> (none: the
    /// plain model). Unknown tensor names are a configuration error naming them.</summary>
    public OnnxFaceEmbedder(SessionRegistry registry, string model, IReadOnlyCollection<TensorObservation>? observations = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(model);
        var manifest = registry.Manifest(model);
        _observations = (observations ?? []).Distinct().OrderBy(o => o.Tensor, StringComparer.Ordinal).ThenBy(o => o.Statistic).ToArray();
        _model = registry.Open(model, Variant(manifest, _observations));
        _firstObservationOutput = manifest.Outputs.Length;
        Alignment = manifest.Alignment ?? new AlignmentSpec { Width = manifest.Input.Width, Height = manifest.Input.Height };
        if (Alignment.Width != manifest.Input.Width || Alignment.Height != manifest.Input.Height)
            throw new ModelConfigurationException($"{manifest.Name}: alignment size differs from the model input size");
    }

    /// <inheritdoc />
    public AlignmentSpec Alignment { get; }

    /// <summary>What each pass observes besides the embedding.</summary>
    public IReadOnlyList<TensorObservation> Observations => _observations;

    /// <inheritdoc />
    public FaceEmbedding Embed(RgbImage alignedFace) => Pass(alignedFace).Embedding;

    /// <summary>One run: the embedding and every observation.</summary>
    public EmbedderPass Pass(RgbImage alignedFace)
    {
        var outputs = _model.Run(InputTensor.FromImage(alignedFace, _model.Manifest.Input));
        var observed = new Dictionary<TensorObservation, float[]>(_observations.Length);
        for (int i = 0; i < _observations.Length; i++) observed[_observations[i]] = outputs[_firstObservationOutput + i];
        return new EmbedderPass(outputs[0], observed);
    }

    // Added nodes and extra outputs come out in the order of the sorted observations: reductions as nodes, raw tensors as
    // outputs, interleaved by position so output i + first always belongs to observation i.
    private static SessionVariant Variant(ModelManifest manifest, TensorObservation[] observations)
    {
        if (observations.Length == 0) return SessionVariant.Plain;
        var known = ActivationGraph.TensorNames(manifest);
        var missing = observations.Select(o => o.Tensor).Where(t => !known.Contains(t)).Distinct().ToList();
        if (missing.Count > 0)
            throw new ModelConfigurationException($"{manifest.Name}: no tensor named {string.Join(", ", missing.Select(m => $"'{m}'"))} (made for another model?)");
        // Every observation is emitted as one added node (Identity for raw values) so the outputs keep the observations' order.
        var nodes = observations.Select(o => new OnnxGraph.AddedNode(o.Statistic switch
        {
            TensorStatistic.L1 => "ReduceL1",
            TensorStatistic.L2 => "ReduceL2",
            _ => "Identity",
        }, o.Tensor, $"{o.Tensor}__fiqa_{o.Statistic}")).ToList();
        return new SessionVariant(string.Join("|", observations), nodes, []);
    }
}

/// <summary>The embedder's final linear layer, read from the model's own weights (manifest
/// <c>embedder.penultimate_tensor</c> names its input), so it can be re-run in C# — many times under dropout, as SER-FIQ
/// does. Supports a final 1×1 Conv or Gemm.</summary>
public sealed class PenultimateLayer
{
    private PenultimateLayer(string tensor, int inputSize, int outputSize, float[] weights, float[] bias)
    {
        Tensor = tensor;
        InputSize = inputSize;
        OutputSize = outputSize;
        Weights = weights;
        Bias = bias;
    }

    /// <summary>The penultimate tensor (the layer's input).</summary>
    public string Tensor { get; }
    /// <summary>Penultimate width.</summary>
    public int InputSize { get; }
    /// <summary>Embedding width.</summary>
    public int OutputSize { get; }
    /// <summary>Weights, row-major [OutputSize, InputSize].</summary>
    public float[] Weights { get; }
    /// <summary>Bias.</summary>
    public float[] Bias { get; }

    /// <summary>The observation that yields this layer's input from the embedder pass.</summary>
    public TensorObservation Input => new(Tensor, TensorStatistic.Values);

    /// <summary>Reads the layer of an embedder.</summary>
    public static PenultimateLayer Read(ModelManifest manifest)
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
        int output = (int)w.Dims[0], input = (int)w.Dims[1];
        var bias = last.Inputs.Count > 2 ? OnnxGraph.FloatInitializer(bytes, last.Inputs[2]).Values : new float[output];
        return new PenultimateLayer(tensor, input, output, w.Values, bias);
    }

    /// <summary>y = W·x + b on (possibly masked) penultimate activations.</summary>
    public void Apply(ReadOnlySpan<float> penultimate, Span<float> embedding)
    {
        for (int o = 0; o < OutputSize; o++)
            embedding[o] = System.Numerics.Tensors.TensorPrimitives.Dot(Weights.AsSpan(o * InputSize, InputSize), penultimate) + Bias[o];
    }
}

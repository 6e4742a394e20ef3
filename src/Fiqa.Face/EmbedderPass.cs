namespace Fiqa.Face;

/// <summary>What the embedder pass returns of an intermediate tensor: its values, or one whole-tensor statistic computed
/// inside the graph (a reduction node placed after the tensor's producer, so only one number leaves the runtime).</summary>
public enum TensorStatistic
{
    /// <summary>Every value of the tensor (e.g. the penultimate activations SER-FIQ re-runs under dropout).</summary>
    Values,
    /// <summary>L1 norm, the sum of absolute values (ONNX ReduceL1) — the distilled head's inputs.</summary>
    L1,
    /// <summary>L2 (Frobenius) norm (ONNX ReduceL2) — what FROQ observes.</summary>
    L2,
}

/// <summary>One thing a method reads from the embedder pass: a tensor of the embedder's graph and what of it.</summary>
public readonly record struct TensorObservation(string Tensor, TensorStatistic Statistic)
{
    /// <inheritdoc />
    public override string ToString() => $"{Tensor}:{Statistic}";
}

/// <summary>One run of the embedder on an aligned face: the embedding and every observation the pipeline was built to
/// make — the union of what the requested methods need, so a face costs one pass whatever they are.</summary>
public sealed class EmbedderPass
{
    private readonly IReadOnlyDictionary<TensorObservation, float[]> _observed;

    /// <summary>Wraps a pass's outputs.</summary>
    public EmbedderPass(float[] rawEmbedding, IReadOnlyDictionary<TensorObservation, float[]> observed)
    {
        ArgumentNullException.ThrowIfNull(rawEmbedding);
        ArgumentNullException.ThrowIfNull(observed);
        RawEmbedding = rawEmbedding;
        Embedding = new FaceEmbedding(rawEmbedding);
        _observed = observed;
    }

    /// <summary>The embedding.</summary>
    public FaceEmbedding Embedding { get; }

    /// <summary>The model's raw output, before normalisation.</summary>
    public IReadOnlyList<float> RawEmbedding { get; }

    /// <summary>The observations made, in no particular order.</summary>
    public IEnumerable<TensorObservation> Observations => _observed.Keys;

    /// <summary>The values of one observation (one value for a statistic). Asking for one the pass was not built to make
    /// is a programming error: the method should have declared it.</summary>
    public ReadOnlySpan<float> Values(TensorObservation observation) =>
        _observed.TryGetValue(observation, out var v)
            ? v
            : throw new InvalidOperationException($"the embedder pass does not observe {observation}; declare it in the method's observations");

    /// <summary>A whole-tensor statistic (L1 or L2) of one observation.</summary>
    public double Statistic(TensorObservation observation) => Values(observation)[0];
}

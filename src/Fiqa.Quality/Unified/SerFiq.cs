using Fiqa.Face;
using Fiqa.Face.Onnx;

namespace Fiqa.Quality.Unified;

/// <summary>Options of <see cref="SerFiq"/>.</summary>
public sealed record SerFiqOptions
{
    /// <summary>Stochastic passes T (SER-FIQ: 100).</summary>
    public int Passes { get; init; } = 100;
    /// <summary>Dropout probability applied to the penultimate activations.</summary>
    public double DropoutRate { get; init; } = 0.5;
    /// <summary>Seed of the dropout masks: the same masks for every image, so scores are deterministic and comparable.</summary>
    public int Seed { get; init; } = 1;
}

/// <summary><c>serfiq</c>: SER-FIQ (Terhörst et al., CVPR 2020; pterhoer/FaceImageQuality). The embedder's
/// penultimate tensor is observed in the face's embedder pass and its final linear layer re-run in C# T times under
/// dropout; q = 2·σ(−mean pairwise Euclidean distance of the L2-normalised embeddings), in (0, 1].</summary>
public sealed class SerFiq : IUnifiedQualityMethod
{
    /// <summary>The descriptor.</summary>
    public static UnifiedMethodDescriptor Info { get; } = new("serfiq",
        "2·σ(−mean pairwise distance of T dropout embeddings), 0..1", MappingTable.Default.Method("serfiq"), "Terhörst et al. 2020 (SER-FIQ)");

    private readonly PenultimateLayer _layer;
    private readonly float[][] _masks;

    /// <summary>Reads the embedder's last layer and draws the dropout masks (seeded: the same masks for every image, so
    /// scores are deterministic and comparable).</summary>
    public SerFiq(QualitySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Methods.SerFiq;
        _layer = PenultimateLayer.Read(settings.Embedder);
        _masks = Masks(_layer.InputSize, options);
        Descriptor = settings.Mapped(Info);
    }

    /// <summary>The seeded keep-masks (scaled by 1/(1−p)) of <paramref name="options"/> for a layer of <paramref name="width"/> inputs.</summary>
    public static float[][] Masks(int width, SerFiqOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rng = new Random(options.Seed);
        float keepScale = (float)(1 / (1 - options.DropoutRate));
        var masks = new float[options.Passes][];
        for (int t = 0; t < masks.Length; t++)
        {
            masks[t] = new float[width];
            for (int k = 0; k < width; k++) masks[t][k] = rng.NextDouble() >= options.DropoutRate ? keepScale : 0;
        }
        return masks;
    }

    /// <inheritdoc />
    public UnifiedMethodDescriptor Descriptor { get; }

    /// <inheritdoc />
    public IReadOnlyList<TensorObservation> Observations => [_layer.Input];

    /// <inheritdoc />
    public MeasureResult Score(FaceContext face)
    {
        ArgumentNullException.ThrowIfNull(face);
        double raw = Stochastic(_layer, face.Pass.Values(_layer.Input), _masks);
        return Descriptor.Result(raw);
    }

    /// <summary>SER-FIQ of given penultimate activations under the given keep-masks (already scaled by 1/(1−p)).</summary>
    public static double Stochastic(PenultimateLayer layer, ReadOnlySpan<float> penultimate, float[][] masks)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(masks);
        var embeddings = new float[masks.Length][];
        var x = new float[penultimate.Length];
        for (int t = 0; t < masks.Length; t++)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(penultimate, masks[t], x);
            var e = new float[layer.OutputSize];
            layer.Apply(x, e);
            float norm = System.Numerics.Tensors.TensorPrimitives.Norm(e);
            if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Divide(e, norm, e);
            embeddings[t] = e;
        }
        double sum = 0;
        long pairs = 0;
        for (int i = 0; i < embeddings.Length; i++)
            for (int j = i + 1; j < embeddings.Length; j++, pairs++)
                sum += System.Numerics.Tensors.TensorPrimitives.Distance(embeddings[i], embeddings[j]);
        double meanDistance = pairs == 0 ? 0 : sum / pairs;
        return 2 / (1 + Math.Exp(meanDistance));
    }
}

using Fiqa.Face;
using Fiqa.Face.Onnx;

namespace Fiqa.Quality.Unified;

/// <summary>What a quality head reads from one embedder pass, and how it turns it into its input vector: ln of each
/// observed tensor's L1 norm, then the extra inputs (<see cref="QualityHead.KnownExtraInputs"/>). Shared by the
/// <c>distilled</c> method and the trainer, so training and scoring compute the same numbers.</summary>
public sealed class HeadInputs
{
    private readonly TensorObservation[] _l1;
    private readonly IReadOnlyList<string> _extras;
    private readonly PenultimateLayer? _layer;
    private readonly float[][]? _masks;
    private readonly int _embeddingWidth;

    /// <summary>Inputs of <paramref name="tensors"/>' L1 norms followed by <paramref name="extras"/>; the SER-FIQ input
    /// needs the embedder's last layer (<paramref name="embedder"/>) and uses <paramref name="serFiq"/>'s masks; the
    /// embedding input (last) takes <paramref name="embeddingWidth"/> values.</summary>
    public HeadInputs(IReadOnlyList<string> tensors, IReadOnlyList<string> extras, Fiqa.Onnx.ModelManifest embedder, SerFiqOptions serFiq, int embeddingWidth = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(extras);
        ArgumentNullException.ThrowIfNull(serFiq);
        _l1 = tensors.Select(t => new TensorObservation(t, TensorStatistic.L1)).ToArray();
        if (extras.Contains(QualityHead.EmbeddingInput) != embeddingWidth > 0)
            throw new ArgumentException($"the '{QualityHead.EmbeddingInput}' input needs its width, and only it has one");
        _embeddingWidth = embeddingWidth;
        _extras = [.. extras.Where(e => e != QualityHead.EmbeddingInput)];
        if (extras.Contains(QualityHead.SerFiqInput))
        {
            _layer = PenultimateLayer.Read(embedder);
            _masks = SerFiq.Masks(_layer.InputSize, serFiq);
        }
        Observations = _layer is null ? _l1 : [.. _l1, _layer.Input];
    }

    /// <summary>The inputs of a trained head.</summary>
    public static HeadInputs For(QualityHead head, Fiqa.Onnx.ModelManifest embedder)
    {
        ArgumentNullException.ThrowIfNull(head);
        return new HeadInputs(head.ObservedTensors, head.ExtraInputs, embedder, head.SerFiq, head.EmbeddingWidth);
    }

    /// <summary>What the pass must observe.</summary>
    public IReadOnlyList<TensorObservation> Observations { get; }

    /// <summary>Input width.</summary>
    public int Count => _l1.Length + _extras.Count + _embeddingWidth;

    /// <summary>The input vector of one pass.</summary>
    public float[] Features(EmbedderPass pass)
    {
        ArgumentNullException.ThrowIfNull(pass);
        var features = new float[Count];
        for (int i = 0; i < _l1.Length; i++) features[i] = (float)Math.Log(Math.Max(pass.Statistic(_l1[i]), 1e-30));
        for (int k = 0; k < _extras.Count; k++)
            features[_l1.Length + k] = _extras[k] switch
            {
                QualityHead.EmbeddingNormInput => (float)Math.Log(Math.Max(pass.Embedding.Norm, 1e-30)),
                QualityHead.SerFiqInput => (float)SerFiq.Stochastic(_layer!, pass.Values(_layer!.Input), _masks!),
                var other => throw new InvalidOperationException($"unknown extra input '{other}'"),
            };
        if (_embeddingWidth > 0)
        {
            var unit = pass.Embedding.Vector;
            if (unit.Length != _embeddingWidth) throw new InvalidOperationException($"the head reads a {_embeddingWidth}-value embedding, the embedder gives {unit.Length}");
            unit.CopyTo(features.AsSpan(_l1.Length + _extras.Count));
        }
        return features;
    }
}

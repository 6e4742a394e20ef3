using System.Globalization;
using Fiqa.Onnx;

namespace Fiqa.Quality.Unified;

/// <summary><c>prefiqs</c>: PreFIQs (Kolf et al., CVPR 2026 workshops, arXiv 2605.13396). The recogniser is pruned —
/// the fraction r of its smallest-magnitude Conv/Gemm/MatMul weights set to zero, globally and unstructured
/// (<see cref="OnnxGraph.WithPrunedWeights(byte[], double)"/>) — and the face's aligned crop is embedded by the original
/// and the pruned model; Q = 1 − ‖e − e_pruned‖₂ / 2 on L2-normalised embeddings, in [0, 1]. A face whose embedding
/// survives the pruning is one the recogniser represents robustly. No data and no training: e comes from the face's
/// shared embedder pass, so the method costs one run of the pruned copy, which is built once per pipeline (in memory;
/// ONNX Runtime's optimised-graph cache keys it by its bytes). With <c>prefiqs:R</c> the rate is R (0..0.99, at most two
/// decimals); <c>prefiqs</c> uses <see cref="DefaultRate"/>.</summary>
public sealed class PreFiqs : IUnifiedQualityMethod
{
    /// <summary>The rate <c>prefiqs</c> prunes at, chosen for the default embedder (fr_feature) on LFW View 1's DevTest
    /// people only (docs/quality-head.md, "PreFIQs: the pruning rate"); the paper prunes 40 % of an ArcFace ResNet. Up to
    /// 0.25 this embedder's embeddings do not move at all (Q = 1 on every View 1 image): 12 % of its weights are zero and
    /// 20 % are zero or below 1e-31 in magnitude.</summary>
    public const double DefaultRate = 0.3;

    /// <summary>Highest rate <c>prefiqs:R</c> accepts (all weights zero would leave only the biases).</summary>
    public const double MaxRate = 0.99;

    /// <summary>Bumped when the pruning rule changes, so cached scores are recomputed.</summary>
    public const int PruningVersion = 1;

    /// <summary>The descriptor.</summary>
    public static UnifiedMethodDescriptor Info { get; } = new("prefiqs",
        "1 − ‖e − e_pruned‖/2 between the unit embeddings of the embedder and of a copy with its smallest-magnitude weights zeroed (default rate 0.3), 0..1",
        MappingTable.Default.Method("prefiqs"), "Kolf et al. 2026 (PreFIQs)") { Parameter = "R" };

    private readonly OnnxModel _pruned;

    /// <summary>Opens the embedder pruned at <paramref name="rate"/> (0..<see cref="MaxRate"/>; null: <c>prefiqs</c> at
    /// <see cref="DefaultRate"/>) in the settings' session registry.</summary>
    public PreFiqs(QualitySettings settings, double? rate = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        double r = rate ?? DefaultRate;
        if (!(r >= 0 && r <= MaxRate)) throw new UnknownNameException($"prefiqs:R needs a pruning rate R in 0..{MaxRate.ToString(CultureInfo.InvariantCulture)}, got {r.ToString(CultureInfo.InvariantCulture)}");
        Rate = r;
        _pruned = settings.Registry.Open(settings.EmbedderModel, Variant(settings.Embedder.Name, r));
        var mapped = settings.Mapped(Info);
        Descriptor = rate is null ? mapped : mapped with { Name = NameOf(r) };
    }

    /// <summary>The fraction of weights zeroed, 0..1.</summary>
    public double Rate { get; }

    /// <summary>The descriptor: named <c>prefiqs</c>, or <c>prefiqs:R</c>.</summary>
    public UnifiedMethodDescriptor Descriptor { get; }

    /// <summary>The catalogue's factory: <c>prefiqs</c>, or <c>prefiqs:R</c>.</summary>
    public static IQualityMethod Create(QualitySettings settings, string? parameter) => new PreFiqs(settings, parameter is null ? null : ParseRate(parameter));

    /// <summary>The name of <c>prefiqs:R</c> for a parameter, checked (<c>prefiqs:.40</c> → <c>prefiqs:0.4</c>).</summary>
    public static string NameFor(string parameter) => NameOf(ParseRate(parameter));

    /// <summary>What a score cache must be keyed by besides the name: the rate <c>prefiqs</c> stands for (the default may
    /// change) and the pruning rule's version.</summary>
    public static string CacheIdentity(string? parameter) =>
        FormattableString.Invariant($"r{(parameter is null ? DefaultRate : ParseRate(parameter))}.v{PruningVersion}");

    private static string NameOf(double rate) => $"{Info.Name}:{rate.ToString("0.##", CultureInfo.InvariantCulture)}";

    private static double ParseRate(string parameter)
    {
        if (!double.TryParse(parameter, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double rate) || rate > MaxRate || Math.Round(rate, 2) != rate)
            throw new UnknownNameException($"prefiqs:R needs a pruning rate R in 0..{MaxRate.ToString(CultureInfo.InvariantCulture)} with at most two decimals (e.g. prefiqs:0.4), got '{parameter}'");
        return rate;
    }

    // Rate 0 is the file itself: the plain session, shared with whatever else runs the plain embedder.
    private static SessionVariant Variant(string model, double rate) => rate == 0
        ? SessionVariant.Plain
        : new SessionVariant(FormattableString.Invariant($"pruned{rate}.v{PruningVersion}"), [], [])
        {
            Derive = bytes =>
            {
                try
                {
                    return OnnxGraph.WithPrunedWeights(bytes, rate);
                }
                catch (Fiqa.Onnx.ModelConfigurationException e)
                {
                    throw new Fiqa.Onnx.ModelConfigurationException($"{model}: prefiqs cannot prune this embedder: {e.Message}", e);
                }
            },
        };

    /// <inheritdoc />
    public MeasureResult Score(FaceContext face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var reference = face.Embedding.Vector;
        var pruned = new Face.FaceEmbedding(_pruned.Run(InputTensor.FromImage(face.Aligned.Image, _pruned.Manifest.Input))[0]).Vector;
        if (pruned.Length != reference.Length)
            return MeasureResult.Failure($"the pruned embedder gave {pruned.Length} values, the embedder {reference.Length}");
        // Unit vectors are at most 2 apart; the clamp only absorbs rounding.
        double raw = Math.Clamp(1 - System.Numerics.Tensors.TensorPrimitives.Distance(reference, pruned) / 2.0, 0, 1);
        return Descriptor.Result(raw);
    }
}

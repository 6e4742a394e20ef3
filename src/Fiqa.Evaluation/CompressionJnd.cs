using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Quality;

namespace Fiqa.Evaluation;

/// <summary>Options of <see cref="CompressionJnd"/>.</summary>
public sealed record JndOptions
{
    /// <summary>The recogniser's decision threshold (cosine) at the operating point; default FMR ≈ 1e-3.</summary>
    public double Threshold { get; init; } = Math.Round((double)Verification.DefaultThreshold, 6); // the float constant, without its binary tail
    /// <summary>Safety margin: the compressed face's embedding may move from the original's by at most this share of
    /// the angle the threshold allows (arccos t). 0.25 with t = 0.31 requires cosine ≥ cos(18.0°) = 0.951.</summary>
    public double Margin { get; init; } = 0.25;
    /// <summary>Required cosine to the original, overriding <see cref="Threshold"/> and <see cref="Margin"/>.</summary>
    public double? MinSimilarity { get; init; }
    /// <summary>Largest drop of the unified quality score (distilled, 0..100 points) a setting may cause; null: not checked.</summary>
    public int? MaxUnifiedDrop { get; init; }
    /// <summary>The fixed-quality reference the savings are measured against: JPEG at this quality.</summary>
    public int BaselineJpegQuality { get; init; } = 75;

    /// <summary>The cosine a compressed face must keep to its original. By the triangle inequality on the sphere, a
    /// probe the original matched with at least this much angular slack still matches the compressed face.</summary>
    public double RequiredSimilarity => MinSimilarity ?? Math.Cos(Margin * Math.Acos(Threshold));

    /// <summary>Checks the values; the message names the one out of range.</summary>
    public void Validate()
    {
        if (Threshold is <= -1 or >= 1) throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "threshold must be in (−1, 1)");
        if (Margin is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(Margin), Margin, "margin must be in (0, 1]");
        if (MinSimilarity is <= -1 or > 1) throw new ArgumentOutOfRangeException(nameof(MinSimilarity), MinSimilarity, "minimum similarity must be in (−1, 1]");
        if (MaxUnifiedDrop is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(MaxUnifiedDrop), MaxUnifiedDrop, "unified drop must be 0..100 points");
        if (BaselineJpegQuality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(BaselineJpegQuality), BaselineJpegQuality, "baseline JPEG quality must be 1..100");
    }
}

/// <summary>One quality setting tried: its bytes, the cosine of its primary face to the original's (null: no face
/// found), its unified score, and whether it passed.</summary>
public sealed record JndStep(int Quality, int Bytes, double? Similarity, int? Unified, bool Accepted);

/// <summary>Outcome of a JND search.</summary>
public enum JndStatus
{
    /// <summary>A setting was found.</summary>
    Ok,
    /// <summary>No face in the original.</summary>
    NoFace,
    /// <summary>Even the codec's best quality loses the face (rare: a face at the detector's limit).</summary>
    NoSetting,
}

/// <summary>The strongest compression found for one face image.</summary>
public sealed record JndResult
{
    /// <summary>Outcome.</summary>
    public required JndStatus Status { get; init; }
    /// <summary>The codec.</summary>
    public required string Codec { get; init; }
    /// <summary>The cosine required.</summary>
    public required double RequiredSimilarity { get; init; }
    /// <summary>The chosen quality setting (null unless <see cref="JndStatus.Ok"/>).</summary>
    public int? Quality { get; init; }
    /// <summary>The chosen file's bytes.</summary>
    public byte[]? Encoded { get; init; }
    /// <summary>Cosine of the chosen file's face to the original's.</summary>
    public double? Similarity { get; init; }
    /// <summary>Unified score of the original and of the chosen file (when checked).</summary>
    public int? UnifiedOriginal { get; init; }
    /// <summary>Unified score of the chosen file (when checked).</summary>
    public int? Unified { get; init; }
    /// <summary>Bytes of the baseline (JPEG at the options' quality) of the same pixels.</summary>
    public int BaselineBytes { get; init; }
    /// <summary>True when the chosen setting is the codec's lowest (nothing stronger to try).</summary>
    public bool ScaleEndReached { get; init; }
    /// <summary>Every setting tried, in order.</summary>
    public IReadOnlyList<JndStep> Steps { get; init; } = [];

    /// <summary>Share of the baseline's bytes saved (negative: larger than the baseline).</summary>
    public double? SavedVersusBaseline => Encoded is null || BaselineBytes == 0 ? null : 1 - (double)Encoded.Length / BaselineBytes;
}

/// <summary>"Just noticeable difference" for the recogniser: per face image, the lowest quality setting of a codec whose
/// decoded image's primary face still has cosine ≥ <see cref="JndOptions.RequiredSimilarity"/> to the original's (and,
/// if asked, a unified score within the stated drop). Found by bisection over the quality scale between the best
/// setting (which must pass) and the worst: the result passes and the next stronger setting fails (or is the scale's
/// end). Similarity is not strictly monotone in quality, so this is a boundary of the passing region, not a guaranteed
/// global minimum of the bytes. Each setting is decoded and re-analysed from scratch (detection included), as a
/// recogniser receiving the file would.</summary>
public sealed class CompressionJnd : IDisposable
{
    private readonly FaceQualityAssessor _assessor;
    private readonly IImageCodec _codec;
    private readonly SkiaCodec _baseline = SkiaCodec.Jpeg();
    private const string UnifiedMethod = "distilled";

    /// <summary>Creates the search for one codec; <paramref name="face"/> configures the face pipeline (models, threads).</summary>
    public CompressionJnd(IImageCodec codec, JndOptions? options = null, FaceAnalyzerOptions? face = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        Options = options ?? new JndOptions();
        Options.Validate();
        _codec = codec;
        _assessor = FaceQualityAssessor.Create(new AssessorOptions
        {
            Face = (face ?? new FaceAnalyzerOptions()) with { Parts = FaceParts.Embedding },
            Measures = [],
            UnifiedMethods = Options.MaxUnifiedDrop is null ? [] : [UnifiedMethod],
        });
    }

    /// <summary>The options in force.</summary>
    public JndOptions Options { get; }

    /// <summary>The codec searched.</summary>
    public CodecDescriptor Codec => _codec.Descriptor;

    /// <summary>The primary face's embedding and unified score of an image (null embedding: no face).</summary>
    public (FaceEmbedding? Embedding, int? Unified) Analyse(RgbImage image)
    {
        var a = _assessor.Assess(image);
        if (a.Faces.Count == 0) return (null, null);
        var f = a.Faces[0];
        int? unified = f.UnifiedMethods.TryGetValue(UnifiedMethod, out var u) ? u.Scalar : null;
        return (f.Face.Embedding, unified);
    }

    /// <summary>Searches one image.</summary>
    public JndResult Find(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var d = _codec.Descriptor;
        double required = Options.RequiredSimilarity;
        int baselineBytes = _baseline.Encode(image, Options.BaselineJpegQuality).Length;
        var (reference, unifiedReference) = Analyse(image);
        if (reference is null)
            return new JndResult { Status = JndStatus.NoFace, Codec = d.Name, RequiredSimilarity = required, BaselineBytes = baselineBytes };
        var steps = new List<JndStep>();
        var encodings = new Dictionary<int, (byte[] Bytes, JndStep Step)>();
        JndStep Try(int quality)
        {
            if (encodings.TryGetValue(quality, out var known)) return known.Step;
            var bytes = _codec.Encode(image, quality);
            var (e, unified) = Analyse(_codec.Decode(bytes));
            double? similarity = e is null ? null : reference.CosineSimilarity(e);
            bool accepted = similarity >= required
                && (Options.MaxUnifiedDrop is not { } drop || (unified is { } u && unifiedReference is { } r && r - u <= drop));
            var step = new JndStep(quality, bytes.Length, similarity, unified, accepted);
            steps.Add(step);
            encodings[quality] = (bytes, step);
            return step;
        }
        int hi = d.MaxQuality, lo = d.MinQuality;
        if (!Try(hi).Accepted)
            return new JndResult { Status = JndStatus.NoSetting, Codec = d.Name, RequiredSimilarity = required, BaselineBytes = baselineBytes, UnifiedOriginal = unifiedReference, Steps = steps };
        bool end = Try(lo).Accepted;
        if (end) hi = lo;
        // Invariant: hi passes, lo fails; the boundary is where they meet.
        while (!end && hi - lo > 1)
        {
            int mid = lo + (hi - lo) / 2;
            if (Try(mid).Accepted) hi = mid;
            else lo = mid;
        }
        var (chosen, best) = encodings[hi];
        return new JndResult
        {
            Status = JndStatus.Ok,
            Codec = d.Name,
            RequiredSimilarity = required,
            Quality = hi,
            Encoded = chosen,
            Similarity = best.Similarity,
            UnifiedOriginal = unifiedReference,
            Unified = best.Unified,
            BaselineBytes = baselineBytes,
            ScaleEndReached = end,
            Steps = steps,
        };
    }

    /// <inheritdoc />
    public void Dispose() => _assessor.Dispose();
}

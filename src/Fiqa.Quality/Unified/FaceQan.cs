using Fiqa.Face.Onnx;
using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Quality.Unified;

/// <summary>Options of <see cref="FaceQan"/>; defaults are the published ones (Babnik et al., IEEE TIFS 2023, and the
/// reference code LSIbabnikz/FaceQAN, calculate_qs.py).</summary>
public sealed record FaceQanOptions
{
    /// <summary>ε, in pixel units scaled to 0..1: the step of each FGSM iteration and the half-width of the uniform
    /// random start (FaceQAN: 0.001).</summary>
    public double Epsilon { get; init; } = 0.001;
    /// <summary>l, BIM iterations per adversarial example (FaceQAN: 5).</summary>
    public int Steps { get; init; } = 5;
    /// <summary>k, adversarial examples, each from its own random start (FaceQAN: 10).</summary>
    public int Starts { get; init; } = 10;
    /// <summary>p, the exponent of the final score (FaceQAN: 5).</summary>
    public int Exponent { get; init; } = 5;
    /// <summary>Seed of the random starts: the same starts for every image, so scores are deterministic and comparable.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Checks the ranges (the reference code's assertions: 0 &lt; ε &lt; 1, l ≥ 1, p ≥ 1; k ≥ 1 here).</summary>
    public void Validate()
    {
        if (Epsilon is <= 0 or >= 1) throw new ArgumentException($"FaceQAN ε must be in (0, 1), got {Epsilon}");
        if (Steps < 1) throw new ArgumentException($"FaceQAN steps l must be at least 1, got {Steps}");
        if (Starts is < 1 or > FaceQan.MaxStarts) throw new ArgumentException($"FaceQAN starts k must be in 1..{FaceQan.MaxStarts}, got {Starts}");
        if (Exponent < 1) throw new ArgumentException($"FaceQAN exponent p must be at least 1, got {Exponent}");
    }
}

/// <summary>What one FaceQAN probe found: the score, its parts, and where the attack's gradients were largest.</summary>
/// <param name="Quality">Q = [(1 + mean S)/2 · clip(1 − std S, 0, 1) · s_f]^p.</param>
/// <param name="Similarities">S: cos(e(I), e(x)) of every attacked copy x before each of its FGSM steps, k·l values.</param>
/// <param name="Symmetry">s_f = cos(e(I), e(flipped I)), the pose term.</param>
/// <param name="Attribution">Σ over the attack's gradient evaluations (k·(l − 1)) and colour channels of |∂(1 − cos)/∂pixel|, row-major over the
/// aligned crop (pixel units scaled to 0..1).</param>
public sealed record FaceQanProbe(double Quality, IReadOnlyList<double> Similarities, double Symmetry, float[] Attribution);

/// <summary><c>faceqan</c>: FaceQAN (Babnik, Struc, Peer et al., IEEE TIFS 2023; LSIbabnikz/FaceQAN). k copies of the
/// aligned face, each started from uniform noise U(−ε, ε), are attacked with l steps of BIM (FGSM, x ← x + ε·sign ∇ₓ(1 −
/// cos(e(I), e(x)))); the similarities S seen along the way, and the similarity s_f to the mirrored face, give
/// Q = [(1 + mean S)/2 · clip(1 − std S, 0, 1) · s_f]^p. A face whose embedding resists the attack is useful for recognition.
/// The gradient comes from the embedder's own input-gradient graph (<see cref="EmbedderCosineGradient"/>). With
/// <c>faceqan:K</c>, K starts instead of k.</summary>
public sealed class FaceQan : IUnifiedQualityMethod
{
    /// <summary>The descriptor.</summary>
    public static UnifiedMethodDescriptor Info { get; } = new("faceqan",
        "[(1 + mean S)/2 · clip(1 − std S) · s_f]^5 over k BIM attacks on the embedding's cosine similarity, 0..1",
        MappingTable.Default.Method("faceqan"), "Babnik et al. 2023 (FaceQAN)") { Parameter = "K" };

    /// <summary>Most random starts.</summary>
    public const int MaxStarts = 64;

    private readonly FaceQanOptions _options;
    private readonly EmbedderCosineGradient _gradient;
    private readonly OnnxModel _plain;

    /// <summary>Builds (or opens) the embedder's input-gradient graph; <paramref name="starts"/> overrides k.</summary>
    public FaceQan(QualitySettings settings, int? starts = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _options = starts is { } k ? settings.Methods.FaceQan with { Starts = k } : settings.Methods.FaceQan;
        _options.Validate();
        _gradient = new EmbedderCosineGradient(settings.Registry, settings.EmbedderModel, settings.DerivedModelDirectory);
        _plain = settings.Registry.Open(settings.EmbedderModel);
        var mapped = settings.Mapped(Info);
        Descriptor = starts is null ? mapped : mapped with { Name = $"{Info.Name}:{starts}" };
    }

    /// <summary>The catalogue's factory: <c>faceqan</c>, or <c>faceqan:K</c>.</summary>
    public static IQualityMethod Create(QualitySettings settings, string? parameter) => new FaceQan(settings, parameter is null ? null : ParseStarts(parameter));

    /// <summary>The name of <c>faceqan:K</c> for a parameter, checked.</summary>
    public static string NameFor(string parameter) => $"{Info.Name}:{ParseStarts(parameter)}";

    private static int ParseStarts(string parameter) => UnifiedCatalogue.ParseCount(parameter, MaxStarts, "faceqan:K needs K (random starts)");

    /// <summary>The descriptor: named <c>faceqan</c>, or <c>faceqan:K</c>.</summary>
    public UnifiedMethodDescriptor Descriptor { get; }

    /// <summary>The options in force (k after any override).</summary>
    public FaceQanOptions Options => _options;

    /// <summary>SHA-256 of the input-gradient graph in use (null until built).</summary>
    public string? GradientGraphSha256 => _gradient.DerivedSha256;

    /// <inheritdoc />
    public MeasureResult Score(FaceContext face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var probe = Probe(face.Aligned.Image, face.Pass.RawEmbedding.ToArray(), face.EmbedOther(Orientation.FlipHorizontal(face.Aligned.Image)).CosineSimilarity(face.Embedding));
        return Descriptor.Result(probe.Quality);
    }

    /// <summary>Runs the attack on an aligned crop whose raw embedding is <paramref name="cleanEmbedding"/>, with the
    /// symmetry term already measured.</summary>
    public FaceQanProbe Probe(RgbImage aligned, float[] cleanEmbedding, double symmetry)
    {
        ArgumentNullException.ThrowIfNull(aligned);
        ArgumentNullException.ThrowIfNull(cleanEmbedding);
        var spec = _gradient.Manifest.Input;
        var clean = InputTensor.FromImage(aligned, spec);
        int plane = spec.Width * spec.Height, channels = spec.ChannelCount;
        // The reference attacks the image scaled to 0..1 (its normalisation is inside the model), so ε there is
        // ε·255/std in input-tensor units; the copy is kept inside the valid pixel range 0..255.
        var step = new float[channels];
        var lo = new float[channels];
        var hi = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            step[c] = (float)(_options.Epsilon * 255 / spec.Std[c]);
            lo[c] = (0 - spec.Mean[c]) / spec.Std[c];
            hi[c] = (255 - spec.Mean[c]) / spec.Std[c];
        }
        var rng = new Random(_options.Seed);
        var similarities = new List<double>(_options.Starts * _options.Steps);
        var attribution = new float[plane];
        var x = new float[clean.Length];
        for (int start = 0; start < _options.Starts; start++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                int c = i / plane;
                x[i] = Math.Clamp(clean[i] + (float)((rng.NextDouble() * 2 - 1) * step[c]), lo[c], hi[c]);
            }
            for (int t = 0; t < _options.Steps; t++)
            {
                // As the reference records it: the similarity of the copy before each step. The last step's result is
                // never embedded again, so the last iterate needs only the forward pass, not the gradient graph.
                if (t == _options.Steps - 1)
                {
                    similarities.Add(Cosine(_plain.Run(x)[0], cleanEmbedding));
                    break;
                }
                var pass = _gradient.Run(x, cleanEmbedding);
                similarities.Add(pass.Cosine);
                var g = pass.InputGradient;
                for (int i = 0; i < x.Length; i++)
                {
                    int c = i / plane;
                    x[i] = Math.Clamp(x[i] + MathF.Sign(g[i]) * step[c], lo[c], hi[c]);
                    // ∂/∂(pixel/255) = ∂/∂tensor · 255/std.
                    attribution[i % plane] += Math.Abs(g[i]) * 255 / spec.Std[c];
                }
            }
        }
        double mean = similarities.Average();
        double sd = Math.Sqrt(similarities.Sum(s => (s - mean) * (s - mean)) / similarities.Count); // numpy std: population
        double q = Math.Pow((1 + mean) / 2 * Math.Clamp(1 - sd, 0, 1) * symmetry, _options.Exponent);
        return new FaceQanProbe(q, similarities, symmetry, attribution);
    }

    private static double Cosine(float[] a, float[] b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }
        return ab / Math.Sqrt(aa * bb);
    }
}

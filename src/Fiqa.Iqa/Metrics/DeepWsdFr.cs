using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Iqa.Metrics;

/// <summary>Options of <see cref="DeepWsdFr"/>.</summary>
public sealed record DeepWsdFrOptions
{
    /// <summary>The embedder whose feature maps are compared (a manifest name in the models folder).</summary>
    public string Embedder { get; init; } = "fr_feature";
    /// <summary>Side of the square patches whose activation distributions are compared (DeepWSD: 4).</summary>
    public int Window { get; init; } = 4;
    /// <summary>Order p of the Wasserstein distance (DeepWSD: 2).</summary>
    public int Order { get; init; } = 2;

    /// <summary>Checks the values.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Embedder);
        ArgumentOutOfRangeException.ThrowIfLessThan(Window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Order, 1);
    }
}

/// <summary><c>deepwsd_fr</c>: DeepWSD's formulation (Liao, Chen, Wang, Ma, Zhang, ACM MM 2022, "DeepWSD: Projecting
/// Degradations in Perceptual Space to Wasserstein Distance in Deep Feature Space"; Buka-Xing/DeepWSD) computed on the
/// face recogniser's feature maps instead of VGG16's. Per stage (the image itself, then the last activation at each
/// spatial resolution of the embedder), every channel is cut into non-overlapping w×w patches; in each patch the squared
/// activations of reference and distorted image are two distributions over the patch's w² positions, compared by the 1-D
/// p-Wasserstein distance (to the power p) plus the patch's squared L2 difference weighted by
/// 1 / (√exp(−1/(d+10))·(d+10)²); the sum over patches and stages, divided by the number of stages, is reported as
/// log(1 + score). 0 for identical images, growing with the distortion the recogniser's features see.
/// Differences from DeepWSD: the backbone is the FR embedder (VGG16's ImageNet weights are not installable here), the
/// images are resized to its input (112×112) rather than kept at full size, patches are spatial w×w blocks zero-padded
/// to a multiple of w (the reference code reshapes the tensor's memory into w² rows), and an all-zero patch is a
/// uniform distribution.</summary>
public sealed class DeepWsdFr : IIqaMetric, IDisposable
{
    /// <summary>The descriptor.</summary>
    public static MetricDescriptor Info { get; } = new("deepwsd_fr", MetricKind.FullReference, true, "0..∞ (0 = identical)",
        "Liao et al. 2022 (DeepWSD) on the FR embedder's stages");

    private readonly SessionRegistry? _ownedRegistry;
    private readonly OnnxModel _model;
    private readonly DeepWsdFrOptions _options;
    private readonly int _firstStageOutput;
    private readonly long[][] _stageShapes;

    /// <summary>The metric over a registry's embedder (null: a registry of its own over <paramref name="paths"/>' models,
    /// disposed with the metric).</summary>
    public DeepWsdFr(DeepWsdFrOptions? options, SessionRegistry? registry, FiqaPaths? paths = null)
    {
        _options = options ?? new DeepWsdFrOptions();
        _options.Validate();
        if (registry is null)
        {
            _ownedRegistry = new SessionRegistry(ModelStore.For(paths ?? FiqaPaths.Resolve()));
            registry = _ownedRegistry;
        }
        try
        {
            var manifest = registry.Manifest(_options.Embedder);
            (StageTensors, _stageShapes) = FindStages(registry, manifest);
            _model = registry.Open(_options.Embedder, new SessionVariant("deepwsd-stages|" + string.Join("|", StageTensors), [], StageTensors));
            _firstStageOutput = manifest.Outputs.Length;
        }
        catch
        {
            _ownedRegistry?.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public MetricDescriptor Descriptor => Info;

    /// <summary>The embedder tensors compared (after the image itself), shallow to deep.</summary>
    public IReadOnlyList<string> StageTensors { get; }

    /// <inheritdoc />
    public double Score(RgbImage image, RgbImage? reference = null)
    {
        reference = IqaInput.Pair(Info, image, reference);
        var spec = _model.Manifest.Input;
        var a = Fit(reference, spec);
        var b = Fit(image, spec);
        var fa = _model.Run(InputTensor.FromImage(a, spec));
        var fb = _model.Run(InputTensor.FromImage(b, spec));
        double total = Stage(UnitPlanes(a), UnitPlanes(b), 3, a.Height, a.Width);
        for (int s = 0; s < StageTensors.Count; s++)
        {
            var shape = _stageShapes[s];
            total += Stage(fa[_firstStageOutput + s], fb[_firstStageOutput + s], (int)shape[1], (int)shape[2], (int)shape[3]);
        }
        return Math.Log(1 + total / (StageTensors.Count + 1));
    }

    private static RgbImage Fit(RgbImage image, InputSpec spec) =>
        image.Width == spec.Width && image.Height == spec.Height ? image : Resize.Bilinear(image, spec.Width, spec.Height);

    // DeepWSD's stage 0 is the image in [0, 1], channel-planar.
    private static float[] UnitPlanes(RgbImage image)
    {
        int plane = image.Width * image.Height;
        var planes = new float[3 * plane];
        var px = image.Pixels;
        for (int c = 0; c < 3; c++)
            for (int i = 0, j = c; i < plane; i++, j += 3) planes[c * plane + i] = px[j] / 255f;
        return planes;
    }

    // Sum over channels and patches of wsd + L2·weight (DeepWSD's ws_distance).
    private double Stage(float[] x, float[] y, int channels, int height, int width)
    {
        int w = _options.Window, n = w * w;
        Span<double> u = stackalloc double[n], v = stackalloc double[n];
        double sum = 0;
        for (int c = 0; c < channels; c++)
        {
            int plane = c * height * width;
            for (int py = 0; py < height; py += w)
                for (int px = 0; px < width; px += w)
                {
                    double l2 = 0;
                    for (int k = 0; k < n; k++)
                    {
                        int yy = py + k / w, xx = px + k % w;
                        double a = 0, b = 0;
                        if (yy < height && xx < width)
                        {
                            a = x[plane + yy * width + xx];
                            b = y[plane + yy * width + xx];
                        }
                        u[k] = a * a;
                        v[k] = b * b;
                        l2 += (a - b) * (a - b);
                    }
                    double d = Wasserstein1D(u, v, _options.Order);
                    double weight = 1 / (Math.Sqrt(Math.Exp(-1 / (d + 10))) * (d + 10) * (d + 10)); // DeepWSD's L2 weight
                    sum += d + l2 * weight;
                }
        }
        return sum;
    }

    /// <summary>W_p^p between two distributions with masses <paramref name="u"/> and <paramref name="v"/> (normalised here;
    /// an all-zero one is uniform) on the positions 0..n−1, through their quantile functions.</summary>
    internal static double Wasserstein1D(ReadOnlySpan<double> u, ReadOnlySpan<double> v, int p)
    {
        int n = u.Length;
        double su = 0, sv = 0;
        for (int i = 0; i < n; i++) { su += u[i]; sv += v[i]; }
        if (su <= 0 && sv <= 0) return 0;
        // Walk both cumulative distributions together: between consecutive levels of their union, each quantile function
        // is a constant position, and the cost is |position difference|^p times the level step.
        int i1 = 0, i2 = 0;
        double cu = Mass(u, 0, su, n), cv = Mass(v, 0, sv, n), level = 0, cost = 0;
        while (i1 < n && i2 < n)
        {
            double next = Math.Min(cu, cv);
            cost += Math.Pow(Math.Abs(i1 - i2), p) * (next - level);
            level = next;
            if (cu <= next) { i1++; if (i1 < n) cu += Mass(u, i1, su, n); }
            if (cv <= next) { i2++; if (i2 < n) cv += Mass(v, i2, sv, n); }
        }
        return cost;
    }

    private static double Mass(ReadOnlySpan<double> m, int i, double sum, int n) => sum > 0 ? m[i] / sum : 1.0 / n;

    // Stages: for each spatial resolution of the embedder's activations (4-D outputs), the last one computed at it —
    // the counterpart of VGG16's relu1_2 … relu5_3 taken just before each pooling. Found once by running the graph with
    // every activation exposed on a grey image.
    private static (string[] Tensors, long[][] Shapes) FindStages(SessionRegistry registry, ModelManifest manifest)
    {
        var candidates = ActivationGraph.ActivationTensors(manifest).ToArray();
        var probe = registry.Open(manifest.Name, new SessionVariant("deepwsd-probe", [], candidates));
        var spec = manifest.Input;
        var grey = new RgbImage(spec.Width, spec.Height);
        Array.Fill(grey.Pixels, (byte)128);
        var (_, shapes) = probe.RunShaped(InputTensor.FromImage(grey, spec));
        int first = manifest.Outputs.Length;
        var last = new Dictionary<(long H, long W), int>();
        var order = new List<(long H, long W)>();
        for (int i = 0; i < candidates.Length; i++)
        {
            var shape = shapes[first + i];
            if (shape.Length != 4 || shape[0] != 1 || shape[2] < 1 || shape[3] < 1) continue;
            var key = (shape[2], shape[3]);
            if (!last.ContainsKey(key)) order.Add(key);
            last[key] = i;
        }
        if (order.Count == 0) throw new ModelConfigurationException($"{manifest.Name}: no 4-D activation maps to compare");
        var picked = order.Select(k => last[k]).ToArray();
        return (picked.Select(i => candidates[i]).ToArray(), picked.Select(i => shapes[first + i]).ToArray());
    }

    /// <inheritdoc />
    public void Dispose() => _ownedRegistry?.Dispose();
}

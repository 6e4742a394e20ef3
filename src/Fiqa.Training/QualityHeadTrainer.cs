using System.Numerics.Tensors;
using Fiqa.Quality.Unified;

namespace Fiqa.Training;

/// <summary>Options of <see cref="QualityHeadTrainer"/> (defaults: eDifFIQA's head and optimiser).</summary>
public sealed record QualityHeadTrainingOptions
{
    /// <summary>Hidden units (eDifFIQA: 1024 on a 512-wide embedding; the default suits the default embedder's 95
    /// activation norms, README "how the head is built").</summary>
    public int Hidden { get; init; } = 64;
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 30;
    /// <summary>Samples per Adam step.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Adam learning rate (eDifFIQA's head: 1e-3).</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>L2 weight decay added to the gradient. A few identities are easy to memorise through the activation norms,
    /// which then rank new people's worst samples badly; the default was chosen over three identity splits (README).</summary>
    public double WeightDecay { get; init; } = 1e-2;
    /// <summary>Seed of the initial weights and of the sample order.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Bagged members (Breiman 1996): each trained on a bootstrap draw of the training groups (identities), the
    /// head their mean, folded into one MLP of Members × Hidden units. 1: a single head on every sample.</summary>
    public int Members { get; init; } = 1;
}

/// <summary>Trains a <see cref="QualityHead"/> by L1 regression on [0, 1] labels with Adam. Deterministic: one
/// thread, a seeded initialisation and shuffle, so the same data and options give the same weights. The optimiser works
/// on its own buffers; the head it returns holds a new <see cref="QualityHeadWeights"/> value.</summary>
public static class QualityHeadTrainer
{
    /// <summary>eDifFIQA's label optimisation: c_id = the mean unit embedding of the identity's samples that are in the
    /// global top-β by label; q' = clamp(q − ε·(1 − cos(f, c_id)), 0, 1). Identities with no sample in the top-β keep
    /// their labels (no reliable centre).</summary>
    public static double[] OptimiseLabels(IReadOnlyList<float[]> unitEmbeddings, IReadOnlyList<string> identities,
        IReadOnlyList<double> labels, double beta = 0.2, double epsilon = 0.5)
    {
        ArgumentNullException.ThrowIfNull(unitEmbeddings);
        ArgumentNullException.ThrowIfNull(identities);
        ArgumentNullException.ThrowIfNull(labels);
        int n = labels.Count;
        if (unitEmbeddings.Count != n || identities.Count != n) throw new ArgumentException("one embedding and identity per label");
        if (n == 0) return [];
        double cut = labels.OrderDescending().ElementAt(Math.Clamp((int)Math.Ceiling(beta * n) - 1, 0, n - 1));
        int d = unitEmbeddings[0].Length;
        var centres = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            if (labels[i] < cut) continue;
            if (!centres.TryGetValue(identities[i], out var c)) centres[identities[i]] = c = new float[d];
            TensorPrimitives.Add(c, unitEmbeddings[i], c);
        }
        foreach (var c in centres.Values)
        {
            float norm = TensorPrimitives.Norm(c);
            if (norm > 0) TensorPrimitives.Divide(c, norm, c);
        }
        var optimised = new double[n];
        for (int i = 0; i < n; i++)
            optimised[i] = centres.TryGetValue(identities[i], out var c)
                ? Math.Clamp(labels[i] - epsilon * (1 - TensorPrimitives.Dot(unitEmbeddings[i], c)), 0, 1)
                : labels[i];
        return optimised;
    }

    /// <summary>Trains a single-teacher head on inputs and [0, 1] targets by plain L1 regression; <paramref name="progress"/>
    /// gets (epoch, mean L1).</summary>
    public static QualityHead Train(IReadOnlyList<float[]> features, IReadOnlyList<double> targets, IReadOnlyList<string> observedTensors,
        QualityHeadTrainingOptions options, Action<int, double>? progress = null, string? embedderSha256 = null, IReadOnlyList<string>? extraInputs = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        return Fit(features, [targets.ToArray()], observedTensors, options, progress, embedderSha256, extraInputs, monotone: false);
    }

    /// <summary>Trains a head on several teachers' [0, 1] targets at once (targets[t][i]; NaN: teacher t has no label for
    /// sample i), MonotonicIQA's way (Feng et al., Electronics Letters 2023; fzp0424/MonotonicIQA): the MLP is one shared
    /// regressor whose output y is the score, and teacher t's label is fitted by g_t(y) = d_t + Σ_k |v_tk|·tanh(|u_tk|·y + c_tk),
    /// increasing in y whatever the weights, so each teacher keeps its own scale and range while all of them rank the
    /// samples through the same y. The output is then rescaled so the training samples span [0, 1]. With one teacher it
    /// is the same model with one transform (the single-teacher head to compare against).</summary>
    /// <remarks>With <see cref="QualityHeadTrainingOptions.Members"/> &gt; 1 the head is a bagged mean: member k is trained
    /// (seed + k) on a seeded bootstrap draw of <paramref name="groups"/> — whole identities, so a member never sees part of
    /// a person — and the mean is rescaled over every training sample.</remarks>
    public static QualityHead Train(IReadOnlyList<float[]> features, IReadOnlyList<double[]> targets, IReadOnlyList<string> observedTensors,
        QualityHeadTrainingOptions options, Action<int, double>? progress = null, string? embedderSha256 = null, IReadOnlyList<string>? extraInputs = null,
        IReadOnlyList<string>? groups = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Members <= 1) return Fit(features, targets, observedTensors, options, progress, embedderSha256, extraInputs, monotone: true);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (groups is null || groups.Count != features.Count) throw new ArgumentException("a bagged head needs one group (identity) per sample");
        var byGroup = Enumerable.Range(0, features.Count).GroupBy(i => groups[i], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.ToArray()).ToArray();
        var members = new List<QualityHead>(options.Members);
        for (int k = 0; k < options.Members; k++)
        {
            var draw = new Random(unchecked(options.Seed * 7919 + k));
            var rows = Enumerable.Range(0, byGroup.Length).SelectMany(_ => byGroup[draw.Next(byGroup.Length)]).ToArray();
            members.Add(Fit(rows.Select(i => features[i]).ToList(), targets.Select(t => rows.Select(i => t[i]).ToArray()).ToList(), observedTensors,
                options with { Seed = options.Seed + k, Members = 1 }, progress, embedderSha256, extraInputs, monotone: true));
        }
        var (mean, scale) = Standardisation(features);
        var head = QualityHead.Average(members, mean, scale);
        return head.WithWeights(ToUnitRange(head.Weights, features.Select(x => head.Predict(x)).ToArray()));
    }

    // Per input: the training set's mean and 1 / standard deviation (double sums, fixed order).
    private static (float[] Mean, float[] Scale) Standardisation(IReadOnlyList<float[]> features)
    {
        int n = features.Count, inputs = features[0].Length;
        var mean = new float[inputs];
        var scale = new float[inputs];
        for (int k = 0; k < inputs; k++)
        {
            double sum = 0, sq = 0;
            foreach (var x in features) { sum += x[k]; sq += (double)x[k] * x[k]; }
            double m = sum / n, sd = Math.Sqrt(Math.Max(sq / n - m * m, 0));
            mean[k] = (float)m;
            scale[k] = (float)(sd > 1e-8 ? 1 / sd : 1);
        }
        return (mean, scale);
    }

    // Maps the training samples' outputs onto [0, 1]: a multi-teacher head's shared score has no scale of its own.
    private static QualityHeadWeights ToUnitRange(QualityHeadWeights weights, float[] outputs)
    {
        double min = outputs.Min(), max = outputs.Max();
        // A head whose every hidden unit died under weight decay ranks nothing; say so rather than write it.
        if (!(max - min > 1e-6))
            throw new InvalidOperationException($"the trained head is constant on its training samples (outputs {min:G4}..{max:G4}): it collapsed — weaker weight decay or another seed");
        return weights.WithOutputRange(min, max);
    }

    /// <summary>Units of each teacher's monotone transform.</summary>
    public const int TransformUnits = 8;

    private static QualityHead Fit(IReadOnlyList<float[]> features, IReadOnlyList<double[]> targets, IReadOnlyList<string> observedTensors,
        QualityHeadTrainingOptions options, Action<int, double>? progress, string? embedderSha256, IReadOnlyList<string>? extraInputs, bool monotone)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(observedTensors);
        ArgumentNullException.ThrowIfNull(options);
        int n = features.Count, teachers = targets.Count;
        if (n < 2 || teachers == 0 || targets.Any(t => t.Length != n)) throw new ArgumentException("need at least two samples and, per teacher, one target each");
        int inputs = features[0].Length, hidden = options.Hidden;
        // The layout (input names against the input count) is checked before any training.
        var untrained = new QualityHead(QualityHeadWeights.Zero(inputs, hidden), observedTensors, extraInputs) { EmbedderSha256 = embedderSha256 };

        var (inputMean, inputScale) = Standardisation(features);
        var transformed = features.Select(x => (float[])x.Clone()).ToArray();
        // The transformed copies become the standardised inputs in place.
        foreach (var x in transformed)
        {
            TensorPrimitives.Subtract(x, inputMean, x);
            TensorPrimitives.Multiply(x, inputScale, x);
        }
        var inputsStd = transformed;

        // The parameters being trained: W1 (hidden × inputs, row-major), b1, w2, b2, as QualityHeadWeights holds them.
        // He-style uniform initialisation, as PyTorch's Linear default scale (1/√fan_in).
        var w1 = new float[hidden * inputs];
        var b1 = new float[hidden];
        var w2 = new float[hidden];
        var rng = new Random(options.Seed);
        float b1Bound = 1 / MathF.Sqrt(inputs), b2Bound = 1 / MathF.Sqrt(hidden);
        for (int i = 0; i < w1.Length; i++) w1[i] = (float)((rng.NextDouble() * 2 - 1) * b1Bound);
        for (int i = 0; i < hidden; i++) b1[i] = (float)((rng.NextDouble() * 2 - 1) * b1Bound);
        for (int i = 0; i < hidden; i++) w2[i] = (float)((rng.NextDouble() * 2 - 1) * b2Bound);
        float b2 = (float)targets[0].Where(double.IsFinite).DefaultIfEmpty(0.5).Average();
        // pre = W1·x + b1, act = GELU(pre), returns w2·act + b2: QualityHead's forward pass on these buffers.
        float Forward(ReadOnlySpan<float> x, Span<float> pre, Span<float> act)
        {
            for (int j = 0; j < hidden; j++) pre[j] = TensorPrimitives.Dot(w1.AsSpan(j * inputs, inputs), x) + b1[j];
            for (int j = 0; j < hidden; j++) act[j] = QualityHeadWeights.Gelu(pre[j]);
            return TensorPrimitives.Dot(w2, act[..hidden]) + b2;
        }

        // Transforms: [u (K), v (K), c (K), d] per teacher, started near g(y) = y on [0, 1].
        const int K = TransformUnits;
        var transforms = new float[teachers][];
        for (int t = 0; t < teachers; t++)
        {
            var g = transforms[t] = new float[3 * K + 1];
            for (int k = 0; k < K; k++)
            {
                g[k] = 3;
                g[K + k] = 1f / K;
                g[2 * K + k] = -3 * (k + 0.5f) / K;
            }
            g[3 * K] = 0.5f;
        }
        var transformGrads = transforms.Select(g => new float[g.Length]).ToArray();
        var adam = new Adam(options, [w1, b1, w2, .. (monotone ? transforms : [])]);
        var gW1 = new float[w1.Length];
        var gB1 = new float[hidden];
        var gW2 = new float[hidden];
        var pre = new float[hidden];
        var act = new float[hidden];
        var order = Enumerable.Range(0, n).ToArray();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            rng.Shuffle(order);
            double lossSum = 0;
            for (int start = 0; start < n; start += options.BatchSize)
            {
                int count = Math.Min(options.BatchSize, n - start);
                Array.Clear(gW1);
                Array.Clear(gB1);
                Array.Clear(gW2);
                foreach (var g in transformGrads) Array.Clear(g);
                double gB2 = 0;
                for (int b = 0; b < count; b++)
                {
                    int i = order[start + b];
                    var x = inputsStd[i];
                    float y = Forward(x, pre, act);
                    // dL/dy: each labelled teacher's L1 term through its transform, averaged over teachers and the batch.
                    double dy = 0;
                    int labelled = 0;
                    for (int t = 0; t < teachers; t++) if (double.IsFinite(targets[t][i])) labelled++;
                    if (labelled == 0) continue;
                    for (int t = 0; t < teachers; t++)
                    {
                        double label = targets[t][i];
                        if (!double.IsFinite(label)) continue;
                        double scale = 1.0 / (labelled * count);
                        if (!monotone)
                        {
                            double e0 = y - label;
                            lossSum += Math.Abs(e0) / labelled;
                            dy += Math.Sign(e0) * scale;
                            continue;
                        }
                        var g = transforms[t];
                        var gg = transformGrads[t];
                        double value = g[3 * K], slope = 0;
                        for (int k = 0; k < K; k++)
                        {
                            double th = Math.Tanh(Math.Abs(g[k]) * y + g[2 * K + k]);
                            value += Math.Abs(g[K + k]) * th;
                            slope += Math.Abs(g[K + k]) * Math.Abs(g[k]) * (1 - th * th);
                        }
                        double error = value - label;
                        lossSum += Math.Abs(error) / labelled;
                        double sign = Math.Sign(error) * scale;
                        if (sign == 0) continue;
                        dy += sign * slope;
                        for (int k = 0; k < K; k++)
                        {
                            double th = Math.Tanh(Math.Abs(g[k]) * y + g[2 * K + k]), sech2 = 1 - th * th;
                            gg[k] += (float)(sign * Math.Abs(g[K + k]) * sech2 * y * Math.Sign(g[k]));
                            gg[K + k] += (float)(sign * th * Math.Sign(g[K + k]));
                            gg[2 * K + k] += (float)(sign * Math.Abs(g[K + k]) * sech2);
                        }
                        gg[3 * K] += (float)sign;
                    }
                    float gy = (float)dy;
                    if (gy == 0) continue;
                    gB2 += gy;
                    TensorPrimitives.MultiplyAdd(act, gy, gW2, gW2);
                    for (int j = 0; j < hidden; j++)
                    {
                        float gh = gy * w2[j] * GeluDerivative(pre[j]);
                        if (gh == 0) continue;
                        gB1[j] += gh;
                        var row = gW1.AsSpan(j * inputs, inputs);
                        TensorPrimitives.MultiplyAdd(x, gh, row, row);
                    }
                }
                b2 = adam.Step([gW1, gB1, gW2, .. (monotone ? transformGrads : [])], b2, (float)gB2);
            }
            progress?.Invoke(epoch, lossSum / n);
        }
        var weights = new QualityHeadWeights([.. inputMean], [.. inputScale], [.. w1], [.. b1], [.. w2], b2);
        if (monotone) weights = ToUnitRange(weights, inputsStd.Select(x => Forward(x, pre, act)).ToArray());
        return untrained.WithWeights(weights);
    }

    // d/dx of the tanh-form GELU the head uses.
    private static float GeluDerivative(float x)
    {
        float u = 0.7978845608f * (x + 0.044715f * x * x * x);
        float t = MathF.Tanh(u);
        return 0.5f * (1 + t) + 0.5f * x * (1 - t * t) * 0.7978845608f * (1 + 3 * 0.044715f * x * x);
    }

    /// <summary>Adam (Kingma &amp; Ba) over a fixed set of parameter arrays plus one scalar, with L2 decay on the weights.</summary>
    private sealed class Adam
    {
        private const float Beta1 = 0.9f, Beta2 = 0.999f, Eps = 1e-8f;
        private readonly float[][] _parameters, _m, _v;
        private readonly float _rate, _decay;
        private float _mScalar, _vScalar;
        private int _t;

        public Adam(QualityHeadTrainingOptions options, float[][] parameters)
        {
            _parameters = parameters;
            _m = parameters.Select(p => new float[p.Length]).ToArray();
            _v = parameters.Select(p => new float[p.Length]).ToArray();
            _rate = (float)options.LearningRate;
            _decay = (float)options.WeightDecay;
        }

        public float Step(float[][] gradients, float scalar, float scalarGradient)
        {
            _t++;
            float c1 = 1 - MathF.Pow(Beta1, _t), c2 = 1 - MathF.Pow(Beta2, _t);
            float step = _rate * MathF.Sqrt(c2) / c1;
            for (int k = 0; k < _parameters.Length; k++)
            {
                var p = _parameters[k];
                var g = gradients[k];
                var m = _m[k];
                var v = _v[k];
                for (int i = 0; i < p.Length; i++)
                {
                    float gi = g[i] + _decay * p[i];
                    m[i] = Beta1 * m[i] + (1 - Beta1) * gi;
                    v[i] = Beta2 * v[i] + (1 - Beta2) * gi * gi;
                    p[i] -= step * m[i] / (MathF.Sqrt(v[i]) + Eps);
                }
            }
            _mScalar = Beta1 * _mScalar + (1 - Beta1) * scalarGradient;
            _vScalar = Beta2 * _vScalar + (1 - Beta2) * scalarGradient * scalarGradient;
            return scalar - step * _mScalar / (MathF.Sqrt(_vScalar) + Eps);
        }
    }
}

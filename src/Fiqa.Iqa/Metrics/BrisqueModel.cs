using System.Globalization;
using System.Text.RegularExpressions;

namespace Fiqa.Iqa.Metrics;

/// <summary>An ε-SVR with an RBF kernel over 36 BRISQUE features, with the per-feature ranges the features are scaled
/// by into [lower, upper] before prediction. Two file formats are read: libsvm's model + svm-scale range files (the
/// original LIVE release: allmodel, allrange) and OpenCV's FileStorage YAML (brisque_model_live.yml,
/// brisque_range_live.yml from Debian opencv-data).</summary>
public sealed partial class BrisqueModel
{
    private BrisqueModel(double[][] supportVectors, double[] coefficients, double rho, double gamma,
        double[] featureMin, double[] featureMax, double lower, double upper, string source)
    {
        SupportVectors = supportVectors;
        Coefficients = coefficients;
        Rho = rho;
        Gamma = gamma;
        FeatureMin = featureMin;
        FeatureMax = featureMax;
        Lower = lower;
        Upper = upper;
        Source = source;
    }

    /// <summary>Support vectors (already in the scaled feature space).</summary>
    public IReadOnlyList<double[]> SupportVectors { get; }
    /// <summary>Dual coefficients, one per support vector.</summary>
    public IReadOnlyList<double> Coefficients { get; }
    /// <summary>Bias: prediction = Σ coefficient·K(sv, x) − rho.</summary>
    public double Rho { get; }
    /// <summary>RBF γ: K = exp(−γ‖a − b‖²).</summary>
    public double Gamma { get; }
    /// <summary>Feature minima of the range file.</summary>
    public IReadOnlyList<double> FeatureMin { get; }
    /// <summary>Feature maxima of the range file.</summary>
    public IReadOnlyList<double> FeatureMax { get; }
    /// <summary>Scaled range lower bound.</summary>
    public double Lower { get; }
    /// <summary>Scaled range upper bound.</summary>
    public double Upper { get; }
    /// <summary>Where the model came from.</summary>
    public string Source { get; }

    /// <summary>The SVR's prediction for raw (unscaled) features.</summary>
    public double Predict(IReadOnlyList<double> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Count != FeatureMin.Count) throw new ArgumentException($"model expects {FeatureMin.Count} features, got {features.Count}");
        var x = new double[features.Count];
        for (int i = 0; i < x.Length; i++)
        {
            double range = FeatureMax[i] - FeatureMin[i];
            x[i] = range == 0 ? Lower : Lower + (Upper - Lower) * (features[i] - FeatureMin[i]) / range;
        }
        double sum = 0;
        for (int s = 0; s < SupportVectors.Count; s++)
        {
            var sv = SupportVectors[s];
            double d = 0;
            for (int i = 0; i < x.Length; i++) d += (x[i] - sv[i]) * (x[i] - sv[i]);
            sum += Coefficients[s] * Math.Exp(-Gamma * d);
        }
        return sum - Rho;
    }

    /// <summary>Loads a model file and its range file, detecting the format (OpenCV YAML or libsvm text).</summary>
    public static BrisqueModel Load(string modelPath, string rangePath)
    {
        foreach (var p in new[] { modelPath, rangePath })
            if (!File.Exists(p))
                throw new FileNotFoundException($"BRISQUE model file not found: {p}. Install the default (OpenCV LIVE-R2) model with scripts/provision-data.sh", p);
        var model = File.ReadAllText(modelPath);
        var range = File.ReadAllText(rangePath);
        return model.Contains("opencv_ml_svm", StringComparison.Ordinal)
            ? FromOpenCv(model, range, modelPath)
            : FromLibsvm(model, range, modelPath);
    }

    private static BrisqueModel FromOpenCv(string model, string range, string source)
    {
        double gamma = Number(Match(model, @"gamma:\s*(\S+)", source));
        int count = int.Parse(Match(model, @"sv_total:\s*(\d+)", source), CultureInfo.InvariantCulture);
        int vars = int.Parse(Match(model, @"var_count:\s*(\d+)", source), CultureInfo.InvariantCulture);
        int svStart = model.IndexOf("support_vectors:", StringComparison.Ordinal);
        int dfStart = model.IndexOf("decision_functions:", StringComparison.Ordinal);
        if (svStart < 0 || dfStart < svStart) throw new InvalidDataException($"{source}: no support_vectors/decision_functions");
        var svNumbers = Numbers(model[svStart..dfStart]).ToArray();
        if (svNumbers.Length != count * vars) throw new InvalidDataException($"{source}: {svNumbers.Length} support-vector values, expected {count}×{vars}");
        var svs = Enumerable.Range(0, count).Select(i => svNumbers.AsSpan(i * vars, vars).ToArray()).ToArray();
        double rho = Number(Match(model[dfStart..], @"rho:\s*(\S+)", source));
        int alphaStart = model.IndexOf("alpha:", dfStart, StringComparison.Ordinal);
        var alphas = Numbers(model[alphaStart..model.IndexOf(']', alphaStart)]).ToArray();
        if (alphas.Length != count) throw new InvalidDataException($"{source}: {alphas.Length} alphas for {count} support vectors");
        var data = Numbers(range[range.IndexOf("data:", StringComparison.Ordinal)..]).ToArray();
        if (data.Length != 2 * vars) throw new InvalidDataException($"range file: expected 2×{vars} values, found {data.Length}");
        // OpenCV's quality module scales to [−1, 1] with row 0 = minima, row 1 = maxima.
        return new BrisqueModel(svs, alphas, rho, gamma, data[..vars], data[vars..], -1, 1, source);
    }

    private static BrisqueModel FromLibsvm(string model, string range, string source)
    {
        var lines = model.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        double gamma = double.NaN, rho = double.NaN;
        int i = 0;
        for (; i < lines.Length && lines[i] != "SV"; i++)
        {
            var kv = lines[i].Split(' ', 2);
            if (kv[0] == "gamma") gamma = Number(kv[1]);
            if (kv[0] == "rho") rho = Number(kv[1]);
            if (kv[0] == "kernel_type" && kv[1] != "rbf") throw new InvalidDataException($"{source}: kernel {kv[1]} is not rbf");
        }
        if (double.IsNaN(gamma) || double.IsNaN(rho) || i == lines.Length) throw new InvalidDataException($"{source}: not a libsvm RBF model");
        var rl = range.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (rl.Length < 3 || rl[0] != "x") throw new InvalidDataException("range file: not an svm-scale range file");
        var bounds = rl[1].Split(' ');
        double lower = Number(bounds[0]), upper = Number(bounds[1]);
        var ranges = rl.Skip(2).Select(l => l.Split(' ')).ToDictionary(f => int.Parse(f[0], CultureInfo.InvariantCulture), f => (Number(f[1]), Number(f[2])));
        int vars = ranges.Keys.Max();
        var svs = new List<double[]>();
        var coef = new List<double>();
        for (i++; i < lines.Length; i++)
        {
            var f = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            coef.Add(Number(f[0]));
            var sv = new double[vars];
            foreach (var pair in f.Skip(1))
            {
                var (idx, val) = (pair[..pair.IndexOf(':', StringComparison.Ordinal)], pair[(pair.IndexOf(':', StringComparison.Ordinal) + 1)..]);
                sv[int.Parse(idx, CultureInfo.InvariantCulture) - 1] = Number(val);
            }
            svs.Add(sv);
        }
        var min = Enumerable.Range(1, vars).Select(k => ranges[k].Item1).ToArray();
        var max = Enumerable.Range(1, vars).Select(k => ranges[k].Item2).ToArray();
        return new BrisqueModel(svs.ToArray(), coef.ToArray(), rho, gamma, min, max, lower, upper, source);
    }

    private static string Match(string text, string pattern, string source)
    {
        var m = Regex.Match(text, pattern);
        return m.Success ? m.Groups[1].Value : throw new InvalidDataException($"{source}: no match for {pattern}");
    }

    private static IEnumerable<double> Numbers(string text) =>
        NumberPattern().Matches(text).Select(m => Number(m.Value));

    private static double Number(string s) => double.Parse(s.Trim().TrimEnd('.', ','), NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")]
    private static partial Regex NumberPattern();
}

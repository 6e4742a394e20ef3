using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Fiqa.Iqa.Metrics;

/// <summary>An ε-SVR with an RBF kernel over 36 BRISQUE features, with the per-feature ranges the features are scaled
/// by into [lower, upper] before prediction. Two file formats are read: libsvm's model + svm-scale range files (the
/// original LIVE release: allmodel, allrange) and OpenCV's FileStorage YAML (brisque_model_live.yml,
/// brisque_range_live.yml from Debian opencv-data).</summary>
public sealed class BrisqueModel
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
        var svm = Child(OpenCvYaml(model, source), "opencv_ml_svm", source);
        if (Scalar(Child(Child(svm, "kernel", source), "type", source)) != "RBF") throw new InvalidDataException($"{source}: the SVM kernel is not RBF");
        double gamma = Number(Scalar(Child(Child(svm, "kernel", source), "gamma", source)));
        int count = (int)Number(Scalar(Child(svm, "sv_total", source)));
        int vars = (int)Number(Scalar(Child(svm, "var_count", source)));
        var svs = Sequence(Child(svm, "support_vectors", source), source).Select(v => Numbers(v, source)).ToArray();
        if (svs.Length != count || svs.Any(v => v.Length != vars))
            throw new InvalidDataException($"{source}: {svs.Length} support vectors of {string.Join("/", svs.Select(v => v.Length).Distinct())} values, expected {count}×{vars}");
        var decision = Sequence(Child(svm, "decision_functions", source), source) switch
        {
            [YamlMappingNode only] => only,
            var all => throw new InvalidDataException($"{source}: {all.Count} decision functions; a regression SVM has one"),
        };
        double rho = Number(Scalar(Child(decision, "rho", source)));
        var alphas = Numbers(Child(decision, "alpha", source), source);
        if (alphas.Length != count) throw new InvalidDataException($"{source}: {alphas.Length} alphas for {count} support vectors");
        var data = Numbers(Child(Child(OpenCvYaml(range, "range file"), "range", "range file"), "data", "range file"), "range file");
        if (data.Length != 2 * vars) throw new InvalidDataException($"range file: expected 2×{vars} values, found {data.Length}");
        // OpenCV's quality module scales to [−1, 1] with row 0 = minima, row 1 = maxima.
        return new BrisqueModel(svs, alphas, rho, gamma, data[..vars], data[vars..], -1, 1, source);
    }

    /// <summary>The root mapping of an OpenCV FileStorage YAML file. Its first line, <c>%YAML:1.0</c>, is OpenCV's own
    /// spelling of the version directive (YAML writes <c>%YAML 1.0</c>), so it is left out; the rest is plain YAML.</summary>
    private static YamlMappingNode OpenCvYaml(string text, string source)
    {
        var body = text.StartsWith("%YAML:", StringComparison.Ordinal) ? text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..] : text;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(body));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{source}: not an OpenCV YAML file: {e.Message}", e);
        }
        return stream.Documents is [{ RootNode: YamlMappingNode root }, ..] ? root : throw new InvalidDataException($"{source}: not an OpenCV YAML file");
    }

    private static YamlNode Child(YamlNode node, string key, string source) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child)
            ? child : throw new InvalidDataException($"{source}: no '{key}'");

    private static string Scalar(YamlNode node) => (node as YamlScalarNode)?.Value ?? throw new InvalidDataException($"expected a value at {node.Start}");

    private static IReadOnlyList<YamlNode> Sequence(YamlNode node, string source) =>
        (node as YamlSequenceNode)?.Children as IReadOnlyList<YamlNode> ?? throw new InvalidDataException($"{source}: expected a list at {node.Start}");

    private static double[] Numbers(YamlNode node, string source) => [.. Sequence(node, source).Select(n => Number(Scalar(n)))];

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

    private static double Number(string s) => double.Parse(s.Trim().TrimEnd('.', ','), NumberStyles.Float, CultureInfo.InvariantCulture);
}

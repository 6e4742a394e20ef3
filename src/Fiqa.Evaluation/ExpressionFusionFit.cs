using System.Globalization;
using System.Text;
using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Quality;

namespace Fiqa.Evaluation;

/// <summary>One labelled photo's expression cues (<see cref="ExpressionFusion.Cues"/>); null without a face or landmarks.</summary>
public sealed record ExpressionSample(LabelledPhoto Photo, double? NetworkNeutral, double[]? Cues)
{
    /// <summary>A person called the expression not neutral (the benchmark's <c>not_neutral</c> label).</summary>
    public bool NotNeutral => Photo.Labels.Contains("not_neutral");
}

/// <summary>How well a score separates the photos labelled not neutral, on one split.</summary>
public sealed record ExpressionSplitFigures(string Split, int Photos, int NotNeutral, double NetworkAuc, double FusionAuc);

/// <summary>Fits <see cref="ExpressionFusion"/> on the verdict benchmark's calibration half: L2-penalised logistic
/// regression (penalty <see cref="Ridge"/> on the standardised weights, none on the intercept) by Newton's method, so the
/// same cues give the same weights on any machine and thread count.</summary>
public static class ExpressionFusionFit
{
    /// <summary>Penalty on the squared standardised weights, per photo: keeps the weights finite when two cues carry the
    /// same information and barely moves them otherwise.</summary>
    public const double Ridge = 1e-2;

    /// <summary>Cues of every labelled photo that is not marked unclear (in parallel; results in label-file order).</summary>
    /// <exception cref="FileNotFoundException">A labelled image is not under <paramref name="imageRoot"/>.</exception>
    /// <exception cref="InvalidDataException">A labelled image could not be decoded.</exception>
    public static IReadOnlyList<ExpressionSample> Observe(FaceAnalyzer analyzer, string imageRoot, IReadOnlyList<LabelledPhoto> photos, int threads, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        ArgumentNullException.ThrowIfNull(photos);
        if ((analyzer.Options.Parts & (FaceParts.Landmarks | FaceParts.Expression)) != (FaceParts.Landmarks | FaceParts.Expression))
            throw new ArgumentException("the analyzer must compute landmarks and expression", nameof(analyzer));
        var clear = photos.Where(p => !p.Unclear).ToList();
        return VerdictBenchmark.ForEachPhoto(imageRoot, clear, threads, progress, (photo, path) =>
        {
            if (!ImageDecoder.TryDecode(path, out var image, out var error)) throw new InvalidDataException($"{path}: {error}");
            var faces = analyzer.Analyze(image);
            var face = faces.Count > 0 ? faces[0] : null;
            return face?.Landmarks is { } lm && face.Expression?.TryGetValue("neutral", out var p) == true
                ? new ExpressionSample(photo, p, ExpressionFusion.Cues(p, lm))
                : new ExpressionSample(photo, null, null);
        });
    }

    /// <summary>The weights fitted on the samples of <paramref name="split"/> with cues.</summary>
    public static ExpressionFusion Fit(IReadOnlyList<ExpressionSample> samples, string split = "calibration")
    {
        ArgumentNullException.ThrowIfNull(samples);
        var rows = samples.Where(s => s.Photo.Split == split && s.Cues is { } c && c.All(double.IsFinite)).ToList();
        if (rows.Count < 20 || rows.All(r => r.NotNeutral) || rows.All(r => !r.NotNeutral))
            throw new ArgumentException($"the {split} split needs at least 20 photos with a face, of both kinds; it has {rows.Count}", nameof(samples));
        int k = rows[0].Cues!.Length, n = rows.Count;
        if (k != ExpressionFusion.CueCount) throw new ArgumentException($"expected the {ExpressionFusion.CueCount} cues of ExpressionFusion.Cues, got {k}", nameof(samples));
        var mean = new double[k];
        var scale = new double[k];
        for (int j = 0; j < k; j++)
        {
            mean[j] = rows.Average(r => r.Cues![j]);
            scale[j] = Math.Sqrt(rows.Average(r => Math.Pow(r.Cues![j] - mean[j], 2)));
            if (scale[j] == 0) scale[j] = 1;
        }
        // Standardised design with the intercept first.
        var x = rows.Select(r => r.Cues!.Select((v, j) => (v - mean[j]) / scale[j]).Prepend(1.0).ToArray()).ToArray();
        var y = rows.Select(r => r.NotNeutral ? 1.0 : 0.0).ToArray();
        var w = new double[k + 1];
        for (int iteration = 0; iteration < 100; iteration++)
        {
            var gradient = new double[k + 1];
            var hessian = new double[k + 1, k + 1];
            for (int i = 0; i < n; i++)
            {
                double z = 0;
                for (int j = 0; j <= k; j++) z += w[j] * x[i][j];
                double p = 1 / (1 + Math.Exp(-z)), v = p * (1 - p);
                for (int a = 0; a <= k; a++)
                {
                    gradient[a] += (p - y[i]) * x[i][a];
                    for (int b = 0; b <= k; b++) hessian[a, b] += v * x[i][a] * x[i][b];
                }
            }
            for (int j = 1; j <= k; j++)
            {
                gradient[j] += Ridge * n * w[j];
                hessian[j, j] += Ridge * n;
            }
            var step = Solve(hessian, gradient);
            double largest = 0;
            for (int j = 0; j <= k; j++)
            {
                w[j] -= step[j];
                largest = Math.Max(largest, Math.Abs(step[j]));
            }
            if (largest < 1e-12) break;
        }
        // Back to the cues' own units.
        var raw = new double[k];
        double intercept = w[0];
        for (int j = 0; j < k; j++)
        {
            raw[j] = w[j + 1] / scale[j];
            intercept -= raw[j] * mean[j];
        }
        return ExpressionFusion.FromWeights(intercept, raw);
    }

    /// <summary>Per split: AUC of the network's P(neutral) alone and of <paramref name="fusion"/>'s, as separators of the
    /// photos labelled not neutral (photos without a face left out).</summary>
    public static IReadOnlyList<ExpressionSplitFigures> Figures(IReadOnlyList<ExpressionSample> samples, ExpressionFusion fusion)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(fusion);
        var result = new List<ExpressionSplitFigures>();
        foreach (var split in VerdictBenchmark.SplitNames)
        {
            var rows = samples.Where(s => s.Photo.Split == split && s.Cues is not null).ToList();
            if (rows.Count == 0) continue;
            var labels = rows.Select(r => r.NotNeutral).ToList();
            double Fused(ExpressionSample s) => 1 - fusion.NeutralProbability(s.Cues!);
            result.Add(new ExpressionSplitFigures(split, rows.Count, labels.Count(l => l),
                Auc(rows.Select(r => 1 - r.NetworkNeutral!.Value).ToList(), labels), Auc(rows.Select(Fused).ToList(), labels)));
        }
        return result;
    }

    /// <summary>Area under the ROC curve of <paramref name="scores"/> (higher = positive), ties counted half.</summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        double sum = 0;
        long pairs = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            if (!positive[i]) continue;
            for (int j = 0; j < scores.Count; j++)
            {
                if (positive[j]) continue;
                sum += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                pairs++;
            }
        }
        return pairs == 0 ? double.NaN : sum / pairs;
    }

    /// <summary>The fit and the figures as Markdown.</summary>
    public static string ToMarkdown(ExpressionFusion fusion, IReadOnlyList<ExpressionSplitFigures> figures)
    {
        ArgumentNullException.ThrowIfNull(fusion);
        ArgumentNullException.ThrowIfNull(figures);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"ExpressionFusion(Intercept: {fusion.Intercept:R}, NetworkLogOdds: {fusion.NetworkLogOdds:R}, MouthWidth: {fusion.MouthWidth:R}, CornerLift: {fusion.CornerLift:R}, LipGap: {fusion.LipGap:R}, LipHeight: {fusion.LipHeight:R}, ChinDrop: {fusion.ChinDrop:R})\n\n");
        sb.Append("| split | photos | not neutral | AUC, network P(neutral) | AUC, fused |\n|---|---:|---:|---:|---:|\n");
        foreach (var f in figures) sb.Append(c, $"| {f.Split} | {f.Photos} | {f.NotNeutral} | {f.NetworkAuc:0.000} | {f.FusionAuc:0.000} |\n");
        return sb.ToString();
    }

    // Gaussian elimination with partial pivoting; the system is small and positive definite.
    private static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone();
        var v = (double[])b.Clone();
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++) if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col])) pivot = r;
            if (pivot != col)
            {
                for (int c = 0; c < n; c++) (m[col, c], m[pivot, c]) = (m[pivot, c], m[col, c]);
                (v[col], v[pivot]) = (v[pivot], v[col]);
            }
            for (int r = col + 1; r < n; r++)
            {
                double factor = m[r, col] / m[col, col];
                for (int c = col; c < n; c++) m[r, c] -= factor * m[col, c];
                v[r] -= factor * v[col];
            }
        }
        var x = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double s = v[r];
            for (int c = r + 1; c < n; c++) s -= m[r, c] * x[c];
            x[r] = s / m[r, r];
        }
        return x;
    }
}

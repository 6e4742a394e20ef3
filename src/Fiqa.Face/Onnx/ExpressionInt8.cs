using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Face.Onnx;

/// <summary>The expression network's int8 calibration and its agreement with the float network.</summary>
public static class ExpressionInt8
{
    /// <summary>Activation tensors (in graph order) whose sensitivity is measured together: DenseNet-121 has 183, so 12
    /// groups, which keeps the search to minutes on two cores.</summary>
    private const int GroupSize = 16;

    /// <summary>Every how many calibration faces the sensitivity search checks one.</summary>
    private const int CheckEvery = 8;

    /// <summary>Activation ranges of the expression model on every face of <paramref name="photos"/> (in the given
    /// order), fed exactly as <see cref="OnnxExpressionClassifier"/> feeds the network (landmark box, exposure
    /// normalised, face and mirror); then the operators left in float. Each group of <see cref="GroupSize"/>
    /// consecutive activation tensors is quantised alone and the change of P(neutral) measured on every
    /// <see cref="CheckEvery"/>-th calibration face;
    /// starting from the whole graph quantised, the most sensitive groups return to float until the largest change on
    /// those faces is at most <paramref name="tolerance"/>. A photo that cannot be read or holds no face is skipped and
    /// reported. Deterministic: fixed order, no sampling. The change is measured on <c>reading</c>: what a consumer reports
    /// from the network's P(neutral) and the face's landmarks (ExpressionNeutrality's fused probability, passed in by the
    /// caller since it lives in Fiqa.Quality); null: the network's P(neutral) itself. The check faces are fed as the
    /// analyzer's <see cref="FaceAnalyzerOptions.ExpressionRun"/> feeds them (face alone, or face and mirror averaged).</summary>
    public static Int8Calibration Calibrate(FaceAnalyzer analyzer, IReadOnlyList<string> photos, string source, RangeMethod method = RangeMethod.MeanSquaredError,
        double tolerance = 0.02, Action<string>? progress = null, Func<double, FaceLandmarks, double>? reading = null)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        ArgumentNullException.ThrowIfNull(photos);
        var manifest = analyzer.Registry.Manifest(analyzer.Options.Expression);
        var classifier = new OnnxExpressionClassifier(analyzer.Registry, analyzer.Options.Expression, ExpressionRunOptions.Reference);
        using var recorder = new ActivationRangeRecorder(manifest, analyzer.Options.Session);
        var faces = new List<(IReadOnlyList<float[]> Inputs, FaceLandmarks Landmarks)>();
        int used = 0;
        foreach (var path in photos)
        {
            if (!ImageDecoder.TryDecode(path, out var image, out var reason))
            {
                progress?.Invoke($"skipped {path}: {reason}");
                continue;
            }
            var found = analyzer.FindFaces(image);
            if (found.Count == 0) { progress?.Invoke($"skipped {path}: no face"); continue; }
            used++;
            foreach (var face in found)
            {
                var landmarks = analyzer.LocateLandmarks(image, face.Box).Points;
                var inputs = classifier.NetworkInputs(image, face.Box, landmarks);
                foreach (var input in inputs) recorder.Observe(input);
                faces.Add((inputs, landmarks));
            }
        }
        if (faces.Count == 0) throw new InvalidOperationException("no face found in the calibration photos");
        var calibration = new Int8Calibration
        {
            Model = manifest.Name,
            Sha256 = manifest.Sha256 ?? "",
            Source = $"{source}: {used} photos, {faces.Count} faces, {recorder.Observed} network inputs (face and mirror); " +
                (method == RangeMethod.MinMax ? "min/max" : "least squared quantisation error over the histogram"),
            Ranges = recorder.Ranges(method),
        };

        // Sensitivity on a fixed subset of the calibration faces (each check builds and runs a whole quantised graph).
        int neutral = Array.IndexOf(manifest.Classes ?? [], "neutral");
        var checkFaces = faces.Where((_, i) => i % CheckEvery == 0).ToList();
        var bytes = File.ReadAllBytes(manifest.ModelPath);
        var session = analyzer.Options.Session with { OptimizedModelCacheFolder = null };
        int fed = analyzer.Options.ExpressionRun.Mirror ? 2 : 1;
        bool judged = reading is not null;
        reading ??= (p, _) => p;
        double[] Neutral(OnnxModel model) => checkFaces
            .Select(f => reading(f.Inputs.Take(fed).Average(input => Softmax.Of(model.Run(input)[0])[neutral]), f.Landmarks)).ToArray();
        double[] reference;
        using (var plain = new OnnxModel(manifest, session, manifest.Outputs, bytes)) reference = Neutral(plain);
        double Error(IReadOnlyList<string> keptFloat)
        {
            using var model = new OnnxModel(manifest, session, manifest.Outputs, (calibration with { KeptFloat = keptFloat }).Quantize(bytes));
            var p = Neutral(model);
            return p.Select((v, i) => Math.Abs(v - reference[i])).Max();
        }
        var tensors = calibration.Ranges.Keys.ToList();
        var groups = Enumerable.Range(0, (tensors.Count + GroupSize - 1) / GroupSize)
            .Select(g => tensors.Skip(g * GroupSize).Take(GroupSize).ToList()).ToList();
        var sensitivity = new double[groups.Count];
        for (int g = 0; g < groups.Count; g++)
        {
            var alone = groups[g].ToHashSet(StringComparer.Ordinal);
            sensitivity[g] = Error(tensors.Where(t => !alone.Contains(t)).ToList());
            progress?.Invoke(FormattableString.Invariant($"group {g + 1}/{groups.Count} ({groups[g][0]}…): max |ΔP(neutral)| {sensitivity[g]:F4} quantised alone"));
        }
        var keptFloat = new List<string>();
        double error = Error(keptFloat);
        progress?.Invoke(FormattableString.Invariant($"all quantised: max |ΔP(neutral)| {error:F4}"));
        foreach (int g in Enumerable.Range(0, groups.Count).OrderByDescending(g => sensitivity[g]).ThenBy(g => g))
        {
            if (error <= tolerance) break;
            keptFloat.AddRange(groups[g]);
            error = Error(keptFloat);
            progress?.Invoke(FormattableString.Invariant($"group {g + 1} back to float: max |ΔP(neutral)| {error:F4}"));
        }
        var kept = keptFloat.ToHashSet(StringComparer.Ordinal);
        return calibration with
        {
            KeptFloat = tensors.Where(kept.Contains).ToList(),
            Source = calibration.Source + FormattableString.Invariant(
                $"; {kept.Count} of {tensors.Count} tensors kept float (most sensitive groups of {GroupSize} first) for max |ΔP(neutral)| {error:F4} on {checkFaces.Count} of the calibration faces, {(judged ? "as the caller reads it from the network and the landmarks" : "the network's")}, {(fed == 2 ? "face and mirror" : "face alone")}"),
        };
    }
}

/// <summary>How closely a quantised network's P(neutral) follows the float network's, face by face.</summary>
public sealed record ExpressionAgreement
{
    /// <summary>Faces compared.</summary>
    public required int Faces { get; init; }
    /// <summary>Median of |ΔP(neutral)|.</summary>
    public required double MedianDelta { get; init; }
    /// <summary>95th percentile of |ΔP(neutral)| (nearest rank).</summary>
    public required double P95Delta { get; init; }
    /// <summary>Largest |ΔP(neutral)|.</summary>
    public required double MaxDelta { get; init; }
    /// <summary>Faces whose most probable class is the same.</summary>
    public required int SameTopClass { get; init; }
    /// <summary>Faces on the same side of P(neutral) = <see cref="ScalarMidpoint"/> (the ExpressionNeutrality scalar's 50).</summary>
    public required int SameSideOfMidpoint { get; init; }
    /// <summary>Faces with the same expression.neutral verdict under each built-in threshold, by threshold.</summary>
    public required IReadOnlyDictionary<double, int> SameVerdict { get; init; }

    /// <summary>The network's P(neutral) at which the ExpressionNeutrality scalar was 50 while it read the network alone.
    /// Since issue 33 the component fuses the network with the mouth's landmarks (Fiqa.Quality's ExpressionFusion), so
    /// this and <see cref="VerdictThresholds"/> compare the two networks at the lines they were held to, not the verdicts
    /// of today's profiles.</summary>
    public const double ScalarMidpoint = 0.35;

    /// <summary>The expression.neutral minimum on the network's P(neutral) while the built-in profiles read it alone
    /// (icao 0.2, enrolment 0.1).</summary>
    public static IReadOnlyList<double> VerdictThresholds { get; } = [0.2, 0.1];

    /// <summary>Compares the class probabilities of the same faces under two runs.</summary>
    public static ExpressionAgreement Of(IReadOnlyList<(IReadOnlyDictionary<string, float> Reference, IReadOnlyDictionary<string, float> Other)> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        if (faces.Count == 0) throw new ArgumentException("no faces to compare", nameof(faces));
        var deltas = faces.Select(f => Math.Abs((double)f.Reference["neutral"] - f.Other["neutral"])).Order().ToArray();
        static string Top(IReadOnlyDictionary<string, float> p) => p.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).First().Key;
        return new ExpressionAgreement
        {
            Faces = faces.Count,
            MedianDelta = deltas[deltas.Length / 2],
            P95Delta = deltas[Math.Min(deltas.Length - 1, (int)Math.Ceiling(0.95 * deltas.Length) - 1)],
            MaxDelta = deltas[^1],
            SameTopClass = faces.Count(f => Top(f.Reference) == Top(f.Other)),
            SameSideOfMidpoint = faces.Count(f => f.Reference["neutral"] >= ScalarMidpoint == f.Other["neutral"] >= ScalarMidpoint),
            SameVerdict = VerdictThresholds.ToDictionary(t => t, t => faces.Count(f => f.Reference["neutral"] >= t == f.Other["neutral"] >= t)),
        };
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Fiqa.Face;
using Fiqa.Face.Onnx;
using Fiqa.Imaging;
using Fiqa.Onnx;
using Fiqa.Quality;

namespace Fiqa.Cli;

/// <summary><c>fiqa calibrate int8</c> (activation ranges of the expression network) and <c>fiqa bench --int8</c>
/// (its agreement with the float network on held-out faces, and the speed-up).</summary>
internal static class Int8Commands
{
    /// <summary>The installed calibration photos: dlib's example photos and johns (none of them is used to check).</summary>
    private static readonly string[] CalibrationFolders = ["dlib/faces", "dlib/johns"];

    /// <summary>Installed photos the calibration never sees, for the agreement check.</summary>
    private static readonly string[] HeldOutFolders = ["franck", "face-api", "skimage/astronaut.png"];

    public static Command CreateCalibrate(CliOutput io)
    {
        var common = new CommonOptions();
        var model = new Option<string>("--model") { Description = "Model to calibrate (the expression network)", DefaultValueFactory = _ => "fr_expression" };
        var output = new Option<string>("--out", "-o") { Description = "Calibration file to write (the shipped one: src/Fiqa.Face/Onnx/Int8/fr_expression.int8.json)", Required = true };
        var method = new Option<RangeMethod>("--ranges") { Description = "How each activation's range is chosen: MeanSquaredError (least quantisation error over the histogram) or MinMax", DefaultValueFactory = _ => RangeMethod.MeanSquaredError };
        var command = new Command("int8", "Measure the expression network's activation ranges on the installed calibration photos (dlib faces and johns) for its int8 QDQ graph") { model, output, method };
        common.AddTo(command);
        command.SetAction(p =>
        {
            var options = common.Analyzer(p, FaceParts.Landmarks, allFaces: true, intraOpThreads: 1) with { Expression = p.GetValue(model)! };
            var paths = options.Paths!;
            var photos = CalibrationFolders.SelectMany(f => InputPhotos(CliPaths.RequireData(paths, f))).ToList();
            using var analyzer = new FaceAnalyzer(options);
            var calibration = ExpressionInt8.Calibrate(analyzer, photos, "installed photos " + string.Join(" + ", CalibrationFolders.Select(f => "data/" + f)),
                p.GetValue(method), progress: line => io.Error.WriteLine($"fiqa calibrate int8: {line}"),
                reading: ExpressionFusion.Default.NeutralProbability); // judged on what ExpressionNeutrality reports
            var outPath = p.GetValue(output)!;
            try
            {
                File.WriteAllText(outPath, calibration.ToJson());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandFailedException($"{outPath}: cannot write: {e.Message}", e);
            }
            io.Out.WriteLine($"{outPath}: {calibration.Ranges.Count} activation ranges of {calibration.Model} ({calibration.Source})");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Agreement of the int8 expression network with the float one on held-out faces, then the per-face time of
    /// each, alternated run by run in this process (1 ONNX thread).</summary>
    public static void Bench(CliOutput io, FiqaPaths paths, string? lfw, int lfwCount, int iterations)
    {
        var photos = HeldOutFolders.SelectMany(f => InputPhotos(CliPaths.RequireData(paths, f))).ToList();
        if (lfw is not null)
        {
            if (!Directory.Exists(lfw)) throw new UsageException($"--lfw folder not found: {lfw}");
            // The first photo of each of the first identities, in ordinal order: a fixed sample any LFW copy reproduces.
            photos.AddRange(Directory.GetDirectories(lfw).Order(StringComparer.Ordinal).Take(lfwCount)
                .Select(d => Directory.GetFiles(d, "*.jpg").Order(StringComparer.Ordinal).FirstOrDefault()).OfType<string>());
        }
        using var analyzer = new FaceAnalyzer(new FaceAnalyzerOptions { Paths = paths, Parts = FaceParts.Landmarks });
        var name = analyzer.Options.Expression;
        var reference = new OnnxExpressionClassifier(analyzer.Registry, name, ExpressionRunOptions.Reference);
        var build = Stopwatch.StartNew();
        var int8 = new OnnxExpressionClassifier(analyzer.Registry, name, ExpressionRunOptions.Reference with { Precision = ModelPrecision.Int8 });
        var pairs = new List<(IReadOnlyDictionary<string, float>, IReadOnlyDictionary<string, float>)>();
        var worst = new List<(double Delta, string File, float Float, float Int8)>();
        // What ExpressionNeutrality reports: the network fused with the landmarks' mouth cues, judged at the profiles' 0.5.
        var fused = new List<(double Float, double Int8)>();
        (RgbImage Image, FaceDetection Face, FaceLandmarks Landmarks)? timed = null;
        int noFace = 0;
        foreach (var path in photos)
        {
            if (!ImageDecoder.TryDecode(path, out var image, out var reason))
            {
                io.Error.WriteLine($"fiqa bench: skipped {path}: {reason}");
                continue;
            }
            var found = analyzer.FindFaces(image);
            if (found.Count == 0) { noFace++; continue; }
            var landmarks = analyzer.LocateLandmarks(image, found[0].Box).Points;
            var f = reference.Classify(image, found[0].Box, landmarks);
            var q = int8.Classify(image, found[0].Box, landmarks);
            if (timed is null) { timed = (image, found[0], landmarks); build.Stop(); }
            pairs.Add((f, q));
            worst.Add((Math.Abs((double)f["neutral"] - q["neutral"]), path, f["neutral"], q["neutral"]));
            fused.Add((ExpressionFusion.Default.NeutralProbability(f["neutral"], landmarks), ExpressionFusion.Default.NeutralProbability(q["neutral"], landmarks)));
        }
        if (timed is not { } t) throw new CommandFailedException("no face found in the held-out photos");
        var a = ExpressionAgreement.Of(pairs);
        io.Out.WriteLine(Invariant($"# fiqa bench --int8 — {name}, {a.Faces} held-out faces (primary face of {photos.Count} photos, {noFace} without a face), {Environment.ProcessorCount} cores"));
        io.Out.WriteLine();
        io.Out.WriteLine("| \\|ΔP(neutral)\\| median | p95 | max | same top class | same side of P = 0.35 (scalar 50) | " +
            string.Join(" | ", a.SameVerdict.Keys.Select(k => Invariant($"same verdict at P ≥ {k}"))) + " |");
        io.Out.WriteLine("|---:|---:|---:|---:|---:|" + string.Concat(a.SameVerdict.Keys.Select(_ => "---:|")));
        io.Out.WriteLine(Invariant($"| {a.MedianDelta:F4} | {a.P95Delta:F4} | {a.MaxDelta:F4} | {a.SameTopClass}/{a.Faces} | {a.SameSideOfMidpoint}/{a.Faces} | ") +
            string.Join(" | ", a.SameVerdict.Values.Select(v => $"{v}/{a.Faces}")) + " |");
        io.Out.WriteLine();
        var fusedDeltas = fused.Select(p => Math.Abs(p.Float - p.Int8)).Order().ToArray();
        io.Out.WriteLine(Invariant($"ExpressionNeutrality's fused P(neutral): |Δ| median {fusedDeltas[fusedDeltas.Length / 2]:F4}, max {fusedDeltas[^1]:F4}; same verdict at the profiles' P ≥ 0.5: {fused.Count(p => p.Float >= 0.5 == p.Int8 >= 0.5)}/{fused.Count} (the columns above compare the network alone at the lines it was held to before the fusion)"));
        io.Out.WriteLine();
        io.Out.WriteLine("Largest changes: " + string.Join("; ", worst.OrderByDescending(w => w.Delta).ThenBy(w => w.File, StringComparer.Ordinal).Take(5)
            .Select(w => Invariant($"{Path.GetFileName(w.File)} {w.Float:F3} → {w.Int8:F3}"))));
        io.Out.WriteLine();

        // Speed: the two classifiers alternately on one face, so the machine's changing load hits both alike.
        var one = new OnnxSessionOptions { IntraOpThreads = 1 };
        using var timing = new SessionRegistry(Fiqa.Onnx.ModelStore.For(paths), one);
        var floatOne = new OnnxExpressionClassifier(timing, name, ExpressionRunOptions.Reference);
        var int8One = new OnnxExpressionClassifier(timing, name, ExpressionRunOptions.Reference with { Precision = ModelPrecision.Int8 });
        for (int i = 0; i < 3; i++) { floatOne.Classify(t.Image, t.Face.Box, t.Landmarks); int8One.Classify(t.Image, t.Face.Box, t.Landmarks); }
        var fms = new double[iterations];
        var qms = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            floatOne.Classify(t.Image, t.Face.Box, t.Landmarks);
            fms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            start = Stopwatch.GetTimestamp();
            int8One.Classify(t.Image, t.Face.Box, t.Landmarks);
            qms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(fms);
        Array.Sort(qms);
        double fm = fms[iterations / 2], qm = qms[iterations / 2];
        io.Out.WriteLine(Invariant($"Per face (face + mirror), 1 ONNX thread, median of {iterations} alternating runs: float {fm:F1} ms, int8 {qm:F1} ms — {fm / qm:F2}× faster"));
        io.Out.WriteLine(Invariant($"(the int8 session's first use, quantising and optimising the graph, took {build.Elapsed.TotalMilliseconds:F0} ms with the first face)"));
    }

    private static IEnumerable<string> InputPhotos(string path) =>
        File.Exists(path) ? [path] : Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg" or ".png").Order(StringComparer.Ordinal);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

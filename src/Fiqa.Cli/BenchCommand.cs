using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Fiqa.Face;
using Fiqa.Face.Onnx;
using Fiqa.Imaging;
using Fiqa.Onnx;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Cli;

/// <summary><c>fiqa bench</c>: per-stage median latency of the face pipeline, with 1 and 2 ONNX threads, as
/// ratios to one embedding pass measured in the same process.</summary>
internal static class BenchCommand
{
    public static Command Create(CliOutput io)
    {
        var models = new Option<string?>("--models") { Description = "Models folder" };
        var image = new Option<string?>("--image") { Description = "Photo to time (default: the installed ~2 MP face-api sample1.jpg)" };
        var iterations = new Option<int>("--iterations") { Description = "Timed repetitions per stage", DefaultValueFactory = _ => 60 };
        var threads = new Option<int[]>("--threads") { Description = "ONNX intra-op thread counts to compare", DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true };
        var unified = new Option<string?>("--unified") { Description = "Comma-separated blind unified methods to time (default: all but faceqan, ≈ 100 embedding passes a face, and onnx:MANIFEST, which needs your manifest; name them to time them); each is timed alternately with one embedding pass, and its ratio is to that pass" };
        var batch = new Option<string?>("--batch") { Description = "Folder of images: throughput as `assess` runs it (images/s, decode / face pipeline / quality components, peak memory) instead of per-stage latency" };
        var workers = new Option<int>("--workers") { Description = "With --batch: images in parallel", DefaultValueFactory = _ => 2 };
        var rounds = new Option<int>("--rounds") { Description = "With --batch: timed passes over the folder (median)", DefaultValueFactory = _ => 3 };
        var int8 = new Option<bool>("--int8") { Description = "The int8 expression network against the float one: agreement on held-out faces (installed photos the calibration never saw, plus --lfw) and per-face time, alternating, 1 ONNX thread (--iterations, at least 25)" };
        var lfw = new Option<string?>("--lfw") { Description = "With --int8: an lfw-deepfunneled folder; the first photo of each of its first --lfw-count identities (ordinal order) joins the held-out faces" };
        var lfwCount = new Option<int>("--lfw-count") { Description = "With --lfw: identities taken", DefaultValueFactory = _ => 300 };
        var expressionBatched = new Option<bool>("--expression-batched") { Description = "With --batch: also time the default assessment with mirror averaging on: the expression network's face and mirror as one batch of 2, in turn with two runs (docs/speed.md, \"Batched inference\")" };
        var measures = new Option<string?>("--measures") { Description = "Components of the counted assessment (the work table: model runs and shared intermediates per image); default: all, 'none' for none" };
        var perMeasure = new Option<bool>("--per-measure") { Description = "Also time each analytic component alone (first --threads count), on a fresh context whose canonical portrait and luminance plane are already made: what each adds, including the shared pieces it is first to ask for" };
        var command = new Command("bench", "Measure per-stage latency (median over repetitions), or a folder's throughput with --batch") { models, image, iterations, threads, unified, batch, workers, rounds, expressionBatched, int8, lfw, lfwCount, measures, perMeasure };
        command.SetAction(p =>
        {
            if (p.GetValue(int8))
            {
                if (p.GetValue(iterations) < 25) throw new UsageException("--iterations must be at least 25 with --int8");
                if (p.GetValue(lfwCount) < 1) throw new UsageException("--lfw-count must be at least 1");
                Int8Commands.Bench(io, CliPaths.Resolve(p.GetValue(models)), p.GetValue(lfw), p.GetValue(lfwCount), p.GetValue(iterations));
                return ExitCodes.Success;
            }
            if (p.GetValue(batch) is { } folder)
            {
                if (p.GetValue(workers) < 1) throw new UsageException("--workers must be at least 1");
                if (p.GetValue(rounds) < 1) throw new UsageException("--rounds must be at least 1");
                BenchBatch.Run(io, CliPaths.Resolve(p.GetValue(models)), folder, p.GetValue(workers), p.GetValue(rounds), p.GetValue(expressionBatched));
                return ExitCodes.Success;
            }
            int n = p.GetValue(iterations);
            if (n < 5) throw new UsageException("--iterations must be at least 5");
            var workMeasures = AssessorOptions.ParseNames(p.GetValue(measures));
            try
            {
                _ = MeasureCatalogue.Select(workMeasures);
            }
            catch (ArgumentException e)
            {
                throw UsageException.From(e);
            }
            var paths = CliPaths.Resolve(p.GetValue(models));
            var path = p.GetValue(image) ?? CliPaths.RequireData(paths, "face-api/sample1.jpg");
            var bytes = File.ReadAllBytes(path);

            // Cold start first, while nothing is loaded: create the pipeline, load every model, analyse one image.
            var cold = Stopwatch.StartNew();
            var photo = ImageDecoder.Decode(bytes);
            using (var first = new FaceAnalyzer(new FaceAnalyzerOptions { Paths = paths }))
            {
                first.Warm();
                _ = first.Analyze(photo);
            }
            cold.Stop();

            io.Out.WriteLine(Invariant($"# fiqa bench — {Path.GetFileName(path)} ({photo.Width}x{photo.Height}), {n} repetitions, {Environment.ProcessorCount} cores"));
            io.Out.WriteLine();
            io.Out.WriteLine(Invariant($"Cold start (load all models, checksums verified, first image analysed): {cold.Elapsed.TotalMilliseconds:F0} ms"));
            io.Out.WriteLine();
            var decode = Measure(n, () => ImageDecoder.Decode(bytes));
            io.Out.WriteLine(Invariant($"Decode {photo.Width}x{photo.Height} JPEG: median {decode.Median:F2} ms (p90 {decode.P90:F2})"));
            io.Out.WriteLine();
            WriteWork(io, paths, photo, path, workMeasures,
                AssessorOptions.ParseNames(p.GetValue(unified)) ?? []);

            var threadCounts = p.GetValue(threads) ?? [1, 2];
            var rows = new List<(string Stage, List<Stats> PerThread)>();
            foreach (var name in StageNames) rows.Add((name, []));
            var quality = new List<(Stats Analytic, Stats Expression, Stats AllComponents)>();
            var blindMethods = p.GetValue(unified) is { } requested
                ? requested.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(UnifiedCatalogue.Normalise).ToList()
                // onnx:MANIFEST has nothing to time without the user's manifest; name it with --unified to time it.
                : UnifiedCatalogue.Methods.Entries.Where(e => e.Descriptor.Kind == UnifiedMethodKind.Blind && e.Name != "faceqan" && !e.ParameterRequired)
                    .Select(e => e.Name).ToList();
            var unifiedRows = blindMethods.ToDictionary(m => m, _ => new List<(Stats Method, Stats Embedding)>());
            var batchedExpression = new List<(Stats Batched, Stats Separate)>();
            var alone = new List<(string Measure, Stats Time)>();
            foreach (var t in threadCounts)
            {
                using var fa = new FaceAnalyzer(new FaceAnalyzerOptions { Paths = paths, Session = new OnnxSessionOptions { IntraOpThreads = t } });
                fa.Warm();
                var found = fa.FindFaces(photo);
                if (found.Count == 0) throw new UsageException($"{path}: no face to time");
                var face = found[0];
                var (lm, placement) = fa.LocateLandmarks(photo, face.Box);
                var five = placement.FivePoints();
                var aligned = fa.Aligner.Align(photo, five).Image;
                var timings = new Stats[]
                {
                    Measure(n, () => fa.Detector.Detect(photo)),
                    Measure(n, () => fa.LocateLandmarks(photo, face.Box)),
                    Measure(n, () => fa.Aligner.Align(photo, five)),
                    Measure(n, () => fa.Embedder.Embed(aligned)),
                    Measure(n, () => fa.HeadPose.Estimate(photo, face.Box)),
                    Measure(n, () => fa.EyeState.Classify(photo, lm)),
                    Measure(n, () => fa.Liveness.Score(photo, face.Box)),
                    Measure(n, () =>
                    {
                        var d = fa.Detector.Detect(photo);
                        var l = fa.LocateLandmarks(photo, d[0].Box);
                        fa.Embedder.Embed(fa.Aligner.Align(photo, l.Placement.FivePoints()).Image);
                    }),
                    Measure(n, () => fa.AnalyzeFace(photo, face)),
                };
                for (int i = 0; i < timings.Length; i++) rows[i].PerThread.Add(timings[i]);

                // Quality components on top of the shared pipeline: the face's model outputs are computed once
                // (known), each timed run builds a fresh context so the portrait and regions are paid every time.
                var known = fa.AnalyzeFace(photo, face);
                var measureSettings = new QualitySettings { Registry = fa.Registry, EmbedderModel = fa.Options.Embedder };
                var analytic = MeasureCatalogue.Entries.Where(e => (e.Descriptor.Needs & ~(MeasureNeeds.Landmarks | MeasureNeeds.AllFaces)) == 0)
                    .Select(e => e.Create(measureSettings)).ToList();
                var every = MeasureCatalogue.Entries.Where(e => e.Descriptor.Name != "UnifiedQualityScore").Select(e => e.Create(measureSettings)).ToList();
                var all = found;
                // Each unified method: the embedder pass with what it observes, then its score on the shared context.
                var settings = new QualitySettings { Registry = fa.Registry, EmbedderModel = fa.Options.Embedder };
                foreach (var name in blindMethods)
                {
                    var method = UnifiedCatalogue.CreateBlind(name, settings);
                    var observing = new OnnxFaceEmbedder(fa.Registry, fa.Options.Embedder, [.. method.Observations]);
                    // Alternated with an embedding pass, so a shared machine's changing load affects both alike.
                    unifiedRows[name].Add(MeasureAlternately(n, () => method.Score(new FaceContext(fa, photo, all, 0, known with { Pass = observing.Pass(aligned) })),
                        () => fa.Embedder.Embed(aligned)));
                }
                // Face and mirror as one batch of 2 against two batch-1 runs, alternated so the load hits both alike.
                var separate = new OnnxExpressionClassifier(fa.Registry, fa.Options.Expression, fa.Options.ExpressionRun with { Mirror = true, Batched = false });
                var batched = new OnnxExpressionClassifier(fa.Registry, fa.Options.Expression, fa.Options.ExpressionRun with { Mirror = true, Batched = true });
                batchedExpression.Add(MeasureAlternately(n, () => batched.Classify(photo, face.Box), () => separate.Classify(photo, face.Box)));
                if (p.GetValue(perMeasure) && alone.Count == 0)
                {
                    FaceContext Prepared() { var ctx = new FaceContext(fa, photo, all, 0, known); _ = ctx.PortraitLuminance; return ctx; }
                    alone.Add(("canonical portrait and its luminance plane (made before each row below)", Measure(n, () => Prepared())));
                    foreach (var m in analytic)
                    {
                        var contexts = new Queue<FaceContext>();
                        // Contexts are prepared outside the timed call, one per run (Measure's warm-up runs and the n timed).
                        for (int i = 0; i < n + Math.Max(3, n / 10); i++) contexts.Enqueue(Prepared());
                        alone.Add((m.Descriptor.Name, Measure(n, () => m.Assess(contexts.Dequeue()))));
                    }
                }
                quality.Add((
                    Measure(n, () => { var ctx = new FaceContext(fa, photo, all, 0, known); foreach (var m in analytic) m.Assess(ctx); }),
                    Measure(n, () => fa.Expression.Classify(photo, face.Box)),
                    Measure(n, () => { var ctx = new FaceContext(fa, photo, all, 0, fa.AnalyzeFace(photo, face)); foreach (var m in every) m.Assess(ctx); })));
            }

            var header = "| stage | " + string.Join(" | ", threadCounts.Select(t => Invariant($"{t} thread{(t > 1 ? "s" : "")}: median ms (× embedding)"))) + " |";
            io.Out.WriteLine(header);
            io.Out.WriteLine("|---|" + string.Concat(threadCounts.Select(_ => "---:|")));
            int embeddingRow = Array.IndexOf(StageNames, "embedding");
            // One table row: the median per thread count and its ratio to the embedding pass of the same thread count.
            void Row(string name, IEnumerable<Stats> perThread) => io.Out.WriteLine(
                $"| {name} | {string.Join(" | ", perThread.Select((s, i) => Invariant($"{s.Median:F2} ({s.Median / rows[embeddingRow].PerThread[i].Median:F2}×)")))} |");
            foreach (var (stage, perThread) in rows) Row(stage, perThread);
            int analyticCount = MeasureCatalogue.Entries.Count(e => (e.Descriptor.Needs & ~(MeasureNeeds.Landmarks | MeasureNeeds.AllFaces)) == 0);
            Row($"quality: {analyticCount} analytic components (portrait, regions, statistics)", quality.Select(q => q.Analytic));
            Row("quality: expression model (as ExpressionNeutrality runs it: the face, one pass)", quality.Select(q => q.Expression));
            io.Out.WriteLine("| quality: expression model with mirror averaging, face + mirror as one batch of 2 (× two batch-1 runs timed alternately) | " +
                string.Join(" | ", batchedExpression.Select(r => Invariant($"{r.Batched.Median:F2} ({r.Batched.Median / r.Separate.Median:F2}×)"))) + " |");
            Row("quality: all components but UnifiedQualityScore, incl. pose, eyes, liveness, expression, embedding (no detection)", quality.Select(q => q.AllComponents));
            foreach (var name in blindMethods)
                io.Out.WriteLine($"| unified: {name} (embedder pass with its observations + score: {UnifiedCatalogue.Describe(name).Description}; × the embedding pass timed alternately) | " +
                    string.Join(" | ", unifiedRows[name].Select(r => Invariant($"{r.Method.Median:F2} ({r.Method.Median / r.Embedding.Median:F2}×)"))) + " |");
            if (alone.Count > 0)
            {
                io.Out.WriteLine();
                io.Out.WriteLine(Invariant($"Each analytic component alone, {threadCounts[0]} thread(s), slowest first (median ms; includes the shared pieces it is first to ask for):"));
                io.Out.WriteLine();
                io.Out.WriteLine("| component | median ms | p90 ms |");
                io.Out.WriteLine("|---|---:|---:|");
                io.Out.WriteLine(Invariant($"| {alone[0].Measure} | {alone[0].Time.Median:F2} | {alone[0].Time.P90:F2} |"));
                foreach (var (name, time) in alone.Skip(1).OrderByDescending(a => a.Time.Median).ThenBy(a => a.Measure, StringComparer.Ordinal))
                    io.Out.WriteLine(Invariant($"| {name} | {time.Median:F2} | {time.P90:F2} |"));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    // The work of one assessment, counted: every model's session runs and every shared intermediate's computations.
    private static void WriteWork(CliOutput io, FiqaPaths paths, RgbImage photo, string path, IReadOnlyList<string>? measures, IReadOnlyList<string> unified)
    {
        AssessmentWork work;
        List<(string Model, string Role)> roles;
        try
        {
            using var assessor = FaceQualityAssessor.Create(new AssessorOptions
            {
                Face = new FaceAnalyzerOptions { Paths = paths, Parts = FaceParts.None }, Measures = measures, UnifiedMethods = unified,
            });
            assessor.Warm();
            work = AssessmentWork.Count(assessor, photo, path);
            var o = assessor.Analyzer.Options;
            roles = [(o.Detector, "detector"), (o.Landmarks, "landmarks"), (o.Embedder, "embedder"), (o.HeadPose, "pose"),
                (o.EyeState, "eye state"), (o.Liveness, "liveness"), (o.Expression, "expression")];
        }
        catch (ArgumentException e)
        {
            throw UsageException.From(e);
        }
        var what = measures is null ? "all components" : measures.Count == 0 ? "no components" : string.Join(",", measures);
        io.Out.WriteLine($"Work of one assessment ({what}{(unified.Count > 0 ? "; unified " + string.Join(",", unified) : "")}; " +
            $"{work.Assessment.Faces.Count} face(s)), counted, not timed:");
        io.Out.WriteLine();
        io.Out.WriteLine("| model (session runs: eye state one per eye) | runs |");
        io.Out.WriteLine("|---|---:|");
        // Pipeline order, then any other model the methods opened (by name).
        foreach (var r in work.ModelRuns.OrderBy(r => roles.FindIndex(x => x.Model == r.Name) is var k and >= 0 ? k : roles.Count))
        {
            var role = roles.Find(x => x.Model == r.Name).Role;
            io.Out.WriteLine(Invariant($"| {r.Name}{(role is null ? "" : $" ({role})")} | {r.Count} |"));
        }
        io.Out.WriteLine();
        io.Out.WriteLine("| shared intermediate | computed |");
        io.Out.WriteLine("|---|---:|");
        foreach (var c in work.Intermediates) io.Out.WriteLine(Invariant($"| {c.Name} | {c.Count} |"));
        io.Out.WriteLine();
    }

    private static readonly string[] StageNames =
    [
        "detection", "landmarks (68: first pass, refinement and its mirror)", "alignment", "embedding", "head pose", "eye state (2 eyes)", "liveness",
        "whole face: detect+landmarks+align+embed", "all parts of one face (no detection)",
    ];

    private readonly record struct Stats(double Median, double P90);

    private static Stats Measure(int n, Action action)
    {
        for (int i = 0; i < Math.Max(3, n / 10); i++) action();
        var ms = new double[n];
        for (int i = 0; i < n; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            ms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(ms);
        return new Stats(ms[n / 2], ms[(int)(n * 0.9)]);
    }

    // Medians of an action and of a baseline timed in turn, repetition by repetition.
    private static (Stats Action, Stats Baseline) MeasureAlternately(int n, Action action, Action baseline)
    {
        var (a, b) = TimedInTurn(n, Math.Max(3, n / 10), action, baseline);
        return (new Stats(a[n / 2], a[(int)(n * 0.9)]), new Stats(b[n / 2], b[(int)(n * 0.9)]));
    }

    /// <summary>Milliseconds of <paramref name="first"/> and <paramref name="second"/> timed in turn, <paramref name="n"/>
    /// times each after <paramref name="warmUps"/> untimed rounds of both, each list sorted — so that load hitting the
    /// machine during the run hits both alike, and their ratio is what to read.</summary>
    internal static (double[] First, double[] Second) TimedInTurn(int n, int warmUps, Action first, Action second)
    {
        for (int i = 0; i < warmUps; i++) { first(); second(); }
        var a = new double[n];
        var b = new double[n];
        for (int i = 0; i < n; i++)
        {
            long start = Stopwatch.GetTimestamp();
            first();
            a[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            start = Stopwatch.GetTimestamp();
            second();
            b[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(a);
        Array.Sort(b);
        return (a, b);
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

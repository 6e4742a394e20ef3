using System.Diagnostics;
using System.Globalization;
using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Onnx;
using Fiqa.Quality;

namespace Fiqa.Cli;

/// <summary><c>fiqa bench --batch DIR</c>: throughput of a folder as <c>assess</c> runs it (one image per worker, one
/// ONNX thread per session), stage by stage in one process: decoding alone, the face pipeline alone (as
/// <c>--measures none</c>), and the default assessment from the file; the quality components' share is the difference.
/// Peak memory is the process's peak resident set after the default pass.</summary>
internal static class BenchBatch
{
    public static void Run(CliOutput io, FiqaPaths paths, string folder, int workers, int rounds, bool expressionBatched = false)
    {
        var files = InputFiles.Expand([folder]).Files;
        if (files.Count == 0) throw new UsageException($"{folder}: no image files");
        var face = new FaceAnalyzerOptions { Paths = paths, Parts = FaceParts.All, Session = new OnnxSessionOptions { IntraOpThreads = 1 } };
        io.Out.WriteLine(Invariant($"# fiqa bench --batch {folder}: {files.Count} images, {workers} worker(s), {Environment.ProcessorCount} cores, median of {rounds} round(s)"));
        io.Out.WriteLine();

        // The default pass first, so that its peak memory is not the decoded images the later passes hold.
        double full, pipeline;
        long peakFull;
        (double Separate, double Batched)? expression = null;
        using (var assessor = FaceQualityAssessor.Create(new AssessorOptions { Face = face }))
        {
            assessor.Warm();
            full = Rounds(rounds, () => ForEach(files.Count, workers, i => assessor.Assess(files[i])));
            peakFull = PeakResidentBytes();
            if (expressionBatched)
            {
                // With mirror averaging on, the expression network's face and mirror as one batch of 2 against two runs,
                // round by round in turn, so that a shared machine's changing load hits both alike.
                using var twoRuns = FaceQualityAssessor.Create(new AssessorOptions { Face = face with { ExpressionRun = face.ExpressionRun with { Mirror = true } } });
                using var batched = FaceQualityAssessor.Create(new AssessorOptions { Face = face with { ExpressionRun = face.ExpressionRun with { Mirror = true, Batched = true } } });
                twoRuns.Warm();
                batched.Warm();
                expression = Alternately(rounds,
                    () => ForEach(files.Count, workers, i => twoRuns.Assess(files[i])),
                    () => ForEach(files.Count, workers, i => batched.Assess(files[i])));
            }
        }
        var decoded = new RgbImage?[files.Count];
        var decode = Rounds(rounds, () => ForEach(files.Count, workers, i => decoded[i] = ImageDecoder.TryDecode(files[i], out var image, out _) ? image : null));
        using (var assessor = FaceQualityAssessor.Create(new AssessorOptions { Face = face, Measures = [] }))
        {
            assessor.Warm();
            pipeline = Rounds(rounds, () => ForEach(files.Count, workers, i => { if (decoded[i] is { } img) assessor.Assess(img, files[i]); }));
        }
        double Rate(double seconds) => files.Count / seconds;
        io.Out.WriteLine("| stage | s per batch | images/s | ms per image (wall ÷ images) |");
        io.Out.WriteLine("|---|---:|---:|---:|");
        void Row(string name, double s) => io.Out.WriteLine(Invariant($"| {name} | {s:F2} | {Rate(s):F1} | {1000 * s / files.Count:F1} |"));
        Row("decode (read + decode + EXIF)", decode);
        Row("face pipeline on decoded images (as --measures none: detect, rotation check, landmarks, align, embed, pose, eyes, liveness)", pipeline);
        Row("quality components (default minus the two above)", Math.Max(0, full - pipeline - decode));
        Row("**default assess from the file**", full);
        io.Out.WriteLine();
        if (expression is var (separate, together))
        {
            io.Out.WriteLine(Invariant($"Default assess with mirror averaging, the expression face + mirror as one batch of 2, timed in turn with two runs: {together:F2} s against {separate:F2} s per batch ({together / separate:F3}×)"));
            io.Out.WriteLine();
        }
        io.Out.WriteLine(Invariant($"Peak resident memory after the default pass: {peakFull / (1024.0 * 1024):F0} MiB (managed heap now {GC.GetTotalMemory(false) / (1024.0 * 1024):F0} MiB)"));
    }

    // Median wall seconds of the action over the rounds, after one untimed warm-up round.
    private static double Rounds(int rounds, Action action)
    {
        action();
        var s = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            long t = Stopwatch.GetTimestamp();
            action();
            s[r] = Stopwatch.GetElapsedTime(t).TotalSeconds;
        }
        Array.Sort(s);
        return s[rounds / 2];
    }

    // Median wall seconds of two actions timed in turn, round by round, after one untimed warm-up round of each.
    private static (double First, double Second) Alternately(int rounds, Action first, Action second)
    {
        var (a, b) = BenchCommand.TimedInTurn(rounds, 1, first, second);
        return (a[rounds / 2] / 1000, b[rounds / 2] / 1000);
    }

    private static void ForEach(int count, int workers, Action<int> body) =>
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, body);

    // VmHWM of /proc/self/status (Linux); elsewhere the runtime's peak working set.
    private static long PeakResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().ToString().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

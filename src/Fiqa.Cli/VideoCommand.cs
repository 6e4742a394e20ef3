using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Fiqa.Batch;
using Fiqa.Face;
using Fiqa.Face.Onnx;
using Fiqa.Onnx;
using Fiqa.Quality.Records;
using Fiqa.Video;

namespace Fiqa.Cli;

/// <summary><c>fiqa video INPUT...</c>: faces tracked through a video (or a folder of frames) and the K best frames of
/// each track; one JSON line per track, one per input that could not be read.</summary>
internal static class VideoCommand
{
    public static Command Create(CliOutput io)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Video files (anything ffmpeg reads) or folders of frames (sorted by name)", Arity = ArgumentArity.OneOrMore };
        var top = new Option<int>("--top") { Description = "Frames to choose per track", DefaultValueFactory = _ => new SelectionOptions().Top };
        var minGap = new Option<int>("--min-gap") { Description = "Least distance between two chosen frames, in sampled frames", DefaultValueFactory = _ => new SelectionOptions().MinGap };
        var shortWindow = new Option<int>("--short-window") { Description = "Rank by the mean quality of this many observations either side (0: per-frame score)" };
        var longWindow = new Option<int>("--long-window") { Description = "With a long window too, rank by the lower of the two window means (0: off)" };
        var fps = new Option<double?>("--fps") { Description = "Frames per second to sample (default 2; ignored for a folder)" };
        var every = new Option<int?>("--every") { Description = "Keep every N-th frame instead of sampling by time" };
        var start = new Option<double>("--start") { Description = "Start at this time, seconds" };
        var maxSeconds = new Option<double?>("--max-seconds") { Description = "Read at most this many seconds from --start" };
        var maxFrames = new Option<int>("--max-frames") { Description = "Stop after this many sampled frames per input", DefaultValueFactory = _ => new FrameSampling().MaxFrames };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Largest accepted frame, width x height", DefaultValueFactory = _ => new FrameSampling().MaxPixels };
        var output = new Option<string?>("--out", "-o") { Description = "Write the track records here instead of stdout: a file, '-' for stdout, or a pipe or device" };
        var framesOut = new Option<string?>("--frames-out") { Description = "Also write one JSON line per analysed frame (faces, boxes, quality, track ids) to this file ('-': stdout, with --out FILE)" };
        var export = new Option<string?>("--export") { Description = "Write each chosen face as a PNG crop into this folder" };
        var gallery = new Option<string?>("--gallery") { Description = "Folder of reference stills of the person: prints, per track, the mean cosine and false non-matches of the chosen frames vs uniform and random frames" };
        var seed = new Option<int>("--seed") { Description = "First seed of the random baseline's draws (with --gallery)", DefaultValueFactory = _ => 1 };
        var models = new Option<string?>("--models") { Description = "Models folder (default: $FIQA_MODELS, else the installation's models/)" };
        var threads = new Option<int>("--threads") { Description = "Frames analysed in parallel (output is identical for any value)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var minScore = new Option<float?>("--min-score") { Description = "Detector score threshold, 0..1 (default: the model manifest's)" };
        var score = new Option<string?>("--score") { Description = "Rank frames by this unified method (see fiqa methods, e.g. norm) instead of UnifiedQualityScore" };
        var mappings = MappingsCommand.Option();
        var progressInterval = ProgressMeter.IntervalOption();
        var command = new Command("video", "Track faces through videos or frame folders and choose the best frames of each track by UnifiedQualityScore")
        {
            inputs, top, minGap, shortWindow, longWindow, fps, every, start, maxSeconds, maxFrames, maxPixels, output, framesOut, export, gallery, seed, models, threads, minScore, score, mappings, progressInterval,
        };
        command.SetAction(p =>
        {
            if (p.GetValue(fps) is not null && p.GetValue(every) is not null) throw new UsageException("--fps and --every are alternatives: give one");
            if (p.GetValue(minScore) is { } ms && ms is < 0 or > 1) throw new UsageException($"--min-score must be in 0..1, got {ms.ToString(CultureInfo.InvariantCulture)}");
            int threadCount = p.GetValue(threads);
            double interval = ProgressMeter.Interval(p, progressInterval);
            if (threadCount < 1) throw new UsageException($"--threads must be at least 1, got {threadCount}");
            var sampling = new FrameSampling
            {
                Fps = p.GetValue(every) is null ? p.GetValue(fps) ?? new FrameSampling().Fps : null,
                Every = p.GetValue(every),
                StartSeconds = p.GetValue(start),
                MaxSeconds = p.GetValue(maxSeconds),
                MaxFrames = p.GetValue(maxFrames),
                MaxPixels = p.GetValue(maxPixels),
            };
            var selection = new SelectionOptions { Top = p.GetValue(top), MinGap = p.GetValue(minGap), ShortWindow = p.GetValue(shortWindow), LongWindow = p.GetValue(longWindow) };
            try
            {
                sampling.Validate();
                selection.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new UsageException(CliApp.Message(e));
            }
            var galleryPath = p.GetValue(gallery);
            if (galleryPath is not null && !Directory.Exists(galleryPath)) throw new UsageException($"--gallery {galleryPath} is not a folder");
            var exportPath = p.GetValue(export) is { } ex ? OutputFile.Folder(ex, "--export") : null;
            var options = new VideoSelectorOptions
            {
                Face = new FaceAnalyzerOptions
                {
                    Paths = CliPaths.Resolve(p.GetValue(models)),
                    Detection = new FaceDetectorOptions { ScoreThreshold = p.GetValue(minScore) },
                    Session = new OnnxSessionOptions { IntraOpThreads = threadCount },
                },
                Selection = selection,
                Threads = threadCount,
                Score = p.GetValue(score),
                Mappings = MappingsCommand.Load(p, mappings),
            };
            using var selector = new VideoFaceSelector(options);
            var references = galleryPath is null ? null : References(selector, galleryPath, io);
            using var writer = OutputFile.OpenUnlessStdout(p.GetValue(output));
            var framesPath = p.GetValue(framesOut);
            if (framesPath == OutputTarget.StdoutName && writer is null) throw new UsageException("--frames-out - and the track records would both go to stdout; give --out FILE");
            using var frameFile = OutputFile.OpenUnlessStdout(framesPath, "--frames-out");
            var frameWriter = framesPath is null ? null : frameFile ?? io.Out;
            var sink = writer ?? io.Out;
            int unreadable = 0;
            var paths = p.GetRequiredValue(inputs);
            foreach (var path in paths)
            {
                var source = FrameSources.Open(path, sampling);
                var clock = Stopwatch.StartNew();
                var meter = new ProgressMeter(io.Error, $"fiqa video: {path}", interval, "frames");
                long? expected = interval > 0 ? source.ExpectedFrames() : null;
                int analysed = 0;
                var result = selector.Run(source, f =>
                {
                    if (frameWriter is not null) { frameWriter.WriteLine(FrameRecord(path, f)); frameWriter.Flush(); }
                    meter.Report(++analysed, expected is long e ? Math.Max(e, analysed) : null);
                });
                clock.Stop();
                foreach (var t in result.Tracks) sink.WriteLine(TrackRecord(path, t));
                if (result.Error is not null)
                {
                    sink.WriteLine(FaceJson.Write(w =>
                    {
                        w.WriteString("file", path);
                        w.WriteString("status", "error");
                        w.WriteString("error", result.Error);
                        w.WriteNumber("frames_read", result.FramesRead);
                    }));
                    io.Error.WriteLine($"fiqa: {result.Error}");
                    if (result.FramesRead == 0) unreadable++;
                }
                sink.Flush();
                if (source is ImageSequenceFrameSource folder)
                    foreach (var skipped in folder.Skipped) io.Error.WriteLine($"fiqa: {skipped}");
                if (result.FramesRead == 0) continue;
                double seconds = clock.Elapsed.TotalSeconds;
                io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"fiqa video: {path}: {result.FramesRead} frame(s) in {seconds:F1} s ({result.FramesRead / seconds:F2} frames/s), {result.FramesRead - result.FramesWithoutFace - result.FramesFailed} with faces, {result.FramesWithoutFace} without, {result.FramesFailed} failed; {result.Tracks.Count} track(s)"));
                if (exportPath is not null)
                {
                    var files = VideoFaceSelector.ExportCrops(source, result, exportPath);
                    io.Error.WriteLine($"fiqa video: {files.Count} crop(s) written to {exportPath}");
                }
                if (references is not null)
                    foreach (var t in result.Tracks.Where(t => t.Picks.Count > 0))
                        io.Error.WriteLine(Comparison(SelectionComparison.Compare(t.Track, t.Picks, references, seed: p.GetValue(seed)), references.Count));
            }
            // A batch goes on past a bad input; the run fails only when no input could be read at all.
            return unreadable == paths.Length ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }

    private static List<FaceEmbedding> References(VideoFaceSelector selector, string folder, CliOutput io)
    {
        var list = InputFiles.Expand([folder]);
        var embeddings = new List<FaceEmbedding>();
        foreach (var file in list.Files)
        {
            var a = selector.Assessor.Assess(file);
            if (a.Faces.Count > 0 && a.Faces[0].Face.Embedding is { } e) embeddings.Add(e);
            else io.Error.WriteLine($"fiqa: --gallery {file}: {a.Analysis.Error ?? "no face"}; not used");
        }
        if (embeddings.Count == 0) throw new UsageException($"--gallery {folder}: no image with a face");
        return embeddings;
    }

    private static string Comparison(SelectionComparison c, int references) => string.Create(CultureInfo.InvariantCulture,
        $"fiqa video: track {c.TrackId} ({c.Observations} faces, K={c.K}, {references} references): mean cosine top-K {c.Best.MeanCosine:F4}, uniform {c.Uniform.MeanCosine:F4}, random {c.Random.MeanCosine:F4} (mean of {c.RandomDraws} seeded draws); " +
        $"false non-matches at {Verification.DefaultThreshold}: {c.Best.FalseNonMatches}/{c.Best.Pairs}, {c.Uniform.FalseNonMatches}/{c.Uniform.Pairs}, {c.Random.FalseNonMatches:F2}/{c.Random.Pairs}");

    private static void WriteBox(Utf8JsonWriter w, FaceBox b)
    {
        w.WriteStartArray("box");
        foreach (var v in (ReadOnlySpan<float>)[b.X, b.Y, b.Width, b.Height]) w.WriteNumberValue(Math.Round(v, 2, MidpointRounding.AwayFromZero));
        w.WriteEndArray();
    }

    private static void WriteFace(Utf8JsonWriter w, FaceObservation o)
    {
        w.WriteNumber("frame", o.Frame);
        w.WriteNumber("time", Math.Round(o.Time, 3, MidpointRounding.AwayFromZero));
        w.WriteString("label", o.Label);
        WriteBox(w, o.Detection.Box);
        w.WriteNumber("score", Math.Round(o.Detection.Score, 4, MidpointRounding.AwayFromZero));
        if (double.IsNaN(o.Quality)) w.WriteNull("quality"); else w.WriteNumber("quality", Math.Round(o.Quality, 4, MidpointRounding.AwayFromZero));
        w.WriteNumber("quality_scalar", o.QualityScalar);
    }

    private static string TrackRecord(string path, TrackResult t) => FaceJson.Write(w =>
    {
        w.WriteString("file", path);
        w.WriteString("status", "ok");
        w.WriteNumber("track", t.Track.Id);
        w.WriteNumber("first_frame", t.Track.FirstFrame);
        w.WriteNumber("last_frame", t.Track.LastFrame);
        w.WriteNumber("first_time", Math.Round(t.Track.Observations[0].Time, 3, MidpointRounding.AwayFromZero));
        w.WriteNumber("last_time", Math.Round(t.Track.Observations[^1].Time, 3, MidpointRounding.AwayFromZero));
        w.WriteStartArray("frames");
        foreach (var o in t.Track.Observations) w.WriteNumberValue(o.Frame);
        w.WriteEndArray();
        w.WriteStartArray("picks");
        foreach (var pick in t.Picks)
        {
            w.WriteStartObject();
            WriteFace(w, pick);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    private static string FrameRecord(string path, FrameResult f) => FaceJson.Write(w =>
    {
        w.WriteString("file", path);
        w.WriteNumber("frame", f.Frame);
        w.WriteNumber("time", Math.Round(f.Time, 3, MidpointRounding.AwayFromZero));
        w.WriteString("label", f.Label);
        w.WriteString("status", f.Status switch { FileStatus.Ok => "ok", FileStatus.NoFace => "no_face", _ => "error" });
        if (f.Error is not null) w.WriteString("error", f.Error);
        w.WriteStartArray("faces");
        for (int i = 0; i < f.Faces.Count; i++)
        {
            w.WriteStartObject();
            w.WriteNumber("track", f.Tracks[i]);
            WriteFace(w, f.Faces[i]);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });
}

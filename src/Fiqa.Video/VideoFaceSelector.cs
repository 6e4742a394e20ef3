using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Quality;
using Fiqa.Quality.Measures;

namespace Fiqa.Video;

/// <summary>Options of <see cref="VideoFaceSelector"/>.</summary>
public sealed record VideoSelectorOptions
{
    /// <summary>The face pipeline (models, detector threshold); parts, all-faces and threading are set by the selector.</summary>
    public FaceAnalyzerOptions Face { get; init; } = new();
    /// <summary>Track linking.</summary>
    public TrackingOptions Tracking { get; init; } = new();
    /// <summary>How many frames per track and how far apart.</summary>
    public SelectionOptions Selection { get; init; } = new();
    /// <summary>Frames analysed in parallel (each with one ONNX thread); 1 = one frame at a time with all ONNX threads
    /// of <see cref="Face"/>. Results are identical for any value: frames are tracked in order after analysis.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>The frame score: a method of the unified catalogue (<c>fiqa methods</c>, e.g. <c>norm</c>), or null for
    /// UnifiedQualityScore.</summary>
    public string? Score { get; init; }
    /// <summary>The mapping parameters of the frame score's 0..100 scalar (a user's calibration file, or the embedded one).</summary>
    public MappingTable Mappings { get; init; } = MappingTable.Default;
    /// <summary>A face whose box lies at least this much (share of its own area, 0..1) inside a larger face's box is
    /// taken as a false detection on part of that face (the detector fires on eyes of close-ups) and dropped; 1 keeps
    /// every detection.</summary>
    public double MaxContainment { get; init; } = 0.6;
}

/// <summary>One analysed frame: its faces and the track each joined, or why it could not be analysed.</summary>
public sealed record FrameResult(int Frame, double Time, string Label, FileStatus Status, string? Error,
    IReadOnlyList<FaceObservation> Faces, IReadOnlyList<int> Tracks);

/// <summary>A track with its chosen frames and template.</summary>
public sealed record TrackResult(FaceTrack Track, IReadOnlyList<FaceObservation> Picks, TrackTemplate Template);

/// <summary>The outcome for one input: how many frames were analysed, the tracks, and the error that stopped reading
/// early, if any (the tracks then hold what was read before it).</summary>
public sealed record VideoResult(string Path, int FramesRead, int FramesWithoutFace, int FramesFailed, IReadOnlyList<TrackResult> Tracks, string? Error);

/// <summary>The video FIQA pipeline: frames in, tracks and their best frames out. Each frame gets every face detected,
/// its embedding and its UnifiedQualityScore (the <c>distilled</c> head sharing the embedder pass, so one pass per
/// face); faces are linked into tracks; per track the K best frames are chosen with a minimum gap. Memory is bounded by
/// the frames in flight (2 × <see cref="VideoSelectorOptions.Threads"/>) plus 512 floats per face seen. Create once and
/// reuse for many inputs.</summary>
public sealed class VideoFaceSelector : IDisposable
{
    private readonly FaceQualityAssessor _assessor;

    /// <summary>Creates the selector (loads the models); throws <see cref="Fiqa.Onnx.ModelConfigurationException"/> when
    /// a model or the quality head is missing.</summary>
    public VideoFaceSelector(VideoSelectorOptions? options = null)
    {
        Options = options ?? new VideoSelectorOptions();
        Options.Tracking.Validate();
        Options.Selection.Validate();
        if (Options.Threads < 1) throw new ArgumentOutOfRangeException(nameof(options), $"threads must be at least 1, got {Options.Threads}");
        if (Options.MaxContainment is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(options), $"max containment is a share in 0..1, got {Options.MaxContainment}");
        var face = Options.Face with
        {
            Parts = FaceParts.Embedding,
            AllFaces = true,
            AlignedInput = false,
            Session = Options.Threads > 1 ? Options.Face.Session with { IntraOpThreads = 1 } : Options.Face.Session,
        };
        _assessor = FaceQualityAssessor.Create(new AssessorOptions
        {
            Face = face,
            Measures = Options.Score is null ? [UnifiedQualityScore.Descriptor.Name] : [],
            UnifiedMethods = Options.Score is null ? [] : [Options.Score],
            Mappings = Options.Mappings,
            // Decoded frames are upright already (ffmpeg applies the stream's rotation); a turned-face search per frame
            // would cost up to three more embedder passes on every blurred frame.
            DetectRotation = false,
        });
        _assessor.Warm();
    }

    /// <summary>The options in force.</summary>
    public VideoSelectorOptions Options { get; }

    /// <summary>The assessor used per frame (also for reference stills, so their embeddings are comparable).</summary>
    public FaceQualityAssessor Assessor => _assessor;

    /// <summary>Analyses one frame: every face with its embedding and quality.</summary>
    public (FileStatus Status, string? Error, IReadOnlyList<FaceObservation> Faces) AnalyzeFrame(VideoFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var a = _assessor.Assess(frame.Image, frame.Label);
        if (a.Status == FileStatus.Error) return (a.Status, a.Analysis.Error, []);
        var faces = new List<FaceObservation>();
        foreach (var f in a.Faces)
        {
            if (f.Face.Embedding is not { } embedding) continue;
            // Faces come largest first, so only earlier ones can contain this one.
            if (faces.Any(g => Containment(f.Face.Detection.Box, g.Detection.Box) >= Options.MaxContainment)) continue;
            // The unified score, or the one method asked for: both are scored results.
            var score = Options.Score is null ? f.Quality[UnifiedQualityScore.Descriptor.Name] : f.UnifiedMethods.Values.Single();
            var (raw, scalar) = (score.RawOrNaN, score.Scalar);
            faces.Add(new FaceObservation(frame.Index, frame.Time, frame.Label, f.Face.Index, f.Face.Detection, embedding, raw, scalar));
        }
        return (faces.Count == 0 ? FileStatus.NoFace : FileStatus.Ok, null, faces);
    }

    /// <summary>Share of <paramref name="inner"/>'s area that lies inside <paramref name="outer"/> (0..1).</summary>
    public static double Containment(FaceBox inner, FaceBox outer)
    {
        float w = Math.Min(inner.Right, outer.Right) - Math.Max(inner.X, outer.X);
        float h = Math.Min(inner.Bottom, outer.Bottom) - Math.Max(inner.Y, outer.Y);
        return w <= 0 || h <= 0 || inner.Area <= 0 ? 0 : w * h / inner.Area;
    }

    /// <summary>Reads, analyses and tracks every frame of <paramref name="source"/>, calling <paramref name="onFrame"/>
    /// in frame order as each is done; then chooses each track's frames. A decoding error ends reading and is reported
    /// in <see cref="VideoResult.Error"/>, never thrown.</summary>
    public VideoResult Run(IFrameSource source, Action<FrameResult>? onFrame = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var tracker = new FaceTracker(Options.Tracking);
        int read = 0, noFace = 0, failed = 0;
        string? error = null;
        int batchSize = Options.Threads == 1 ? 1 : 2 * Options.Threads;
        var batch = new List<VideoFrame>(batchSize);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.Threads };

        void Flush()
        {
            var results = new (FileStatus Status, string? Error, IReadOnlyList<FaceObservation> Faces)[batch.Count];
            if (batch.Count == 1) results[0] = AnalyzeFrame(batch[0]);
            else Parallel.For(0, batch.Count, parallel, i => results[i] = AnalyzeFrame(batch[i]));
            for (int i = 0; i < batch.Count; i++)
            {
                var (status, err, faces) = results[i];
                var ids = status == FileStatus.Ok ? tracker.Add(batch[i].Index, faces) : [];
                if (status == FileStatus.NoFace) noFace++;
                if (status == FileStatus.Error) failed++;
                onFrame?.Invoke(new FrameResult(batch[i].Index, batch[i].Time, batch[i].Label, status, err, faces, ids));
            }
            read += batch.Count;
            batch.Clear();
        }

        try
        {
            foreach (var frame in source.Frames())
            {
                batch.Add(frame);
                if (batch.Count == batchSize) Flush();
            }
        }
        catch (VideoDecodeException e)
        {
            error = e.Message;
        }
        if (batch.Count > 0) Flush();

        var tracks = tracker.Finish().Select(t =>
        {
            var picks = FrameSelection.Best(t.Observations, Options.Selection);
            return new TrackResult(t, picks, FrameSelection.Template(picks.Count > 0 ? picks : t.Observations));
        }).ToList();
        return new VideoResult(source.Path, read, noFace, failed, tracks, error);
    }

    /// <summary>Writes each chosen face as a PNG crop (its box grown 1.8× about the centre, clamped to the frame) named
    /// <c>track{id}_frame{index}.png</c> into <paramref name="folder"/>, reading the source a second time and stopping
    /// after the last chosen frame. Returns the files written, in frame order.</summary>
    public static IReadOnlyList<string> ExportCrops(IFrameSource source, VideoResult result, string folder)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(folder);
        var wanted = result.Tracks.SelectMany(t => t.Picks.Select(p => (t.Track.Id, Pick: p)))
            .GroupBy(x => x.Pick.Frame).ToDictionary(g => g.Key, g => g.ToList());
        var written = new List<string>();
        if (wanted.Count == 0) return written;
        Directory.CreateDirectory(folder);
        int last = wanted.Keys.Max();
        foreach (var frame in source.Frames())
        {
            if (wanted.TryGetValue(frame.Index, out var picks))
                foreach (var (id, pick) in picks)
                {
                    var rect = pick.Detection.Box.Scale(1.8f).ToPixelRect(frame.Image.Width, frame.Image.Height);
                    var crop = Resize.Bilinear(frame.Image, rect, rect.Width, rect.Height);
                    var path = Path.Combine(folder, FormattableString.Invariant($"track{id:D3}_frame{frame.Index:D6}.png"));
                    File.WriteAllBytes(path, ImageEncoder.Png(crop));
                    written.Add(path);
                }
            if (frame.Index >= last) break;
        }
        return written;
    }

    /// <inheritdoc />
    public void Dispose() => _assessor.Dispose();
}

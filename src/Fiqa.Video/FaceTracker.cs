using System.Numerics.Tensors;
using Fiqa.Face;

namespace Fiqa.Video;

/// <summary>One face in one frame, with what tracking and selection need (the frame's pixels are not kept).</summary>
/// <param name="Frame">Index of the frame among the sampled frames.</param>
/// <param name="Time">Seconds from the start of the video.</param>
/// <param name="Label">The frame's label (file or <c>video#index</c>).</param>
/// <param name="Face">Index of the face in the frame, largest first.</param>
/// <param name="Detection">Box (pixels) and detector score.</param>
/// <param name="Embedding">Identity embedding.</param>
/// <param name="Quality">The face's UnifiedQualityScore (raw head output ≈ 0..1; NaN when it could not be assessed).</param>
/// <param name="QualityScalar">The same on 0..100 (−1 when not assessed).</param>
public sealed record FaceObservation(int Frame, double Time, string Label, int Face, FaceDetection Detection, FaceEmbedding Embedding,
    double Quality, int QualityScalar);

/// <summary>A face followed across frames: its observations in frame order.</summary>
public sealed record FaceTrack(int Id, IReadOnlyList<FaceObservation> Observations)
{
    /// <summary>First frame index.</summary>
    public int FirstFrame => Observations[0].Frame;
    /// <summary>Last frame index.</summary>
    public int LastFrame => Observations[^1].Frame;
}

/// <summary>Options of <see cref="FaceTracker"/>.</summary>
public sealed record TrackingOptions
{
    /// <summary>Cosine similarity at or above which a face continues a track wherever it is in the frame: the default
    /// embedder's verification threshold (FMR ≈ 1e-3 on the installed data).</summary>
    public double IdentityThreshold { get; init; } = Verification.DefaultThreshold;
    /// <summary>Box overlap (IoU, 0..1) at or above which a face that is less similar still continues the track: a
    /// blurred or dark frame of the same face keeps its place though its embedding drifts.</summary>
    public double MinOverlap { get; init; } = 0.3;
    /// <summary>The least cosine an overlapping face needs: a different person stepping into the same place (cosine
    /// ≈ 0 between identities) starts a new track.</summary>
    public double MinCosineWithOverlap { get; init; } = 0.1;
    /// <summary>Sampled frames a track may go unseen before it ends (a face that returns later starts a new track).</summary>
    public int MaxGap { get; init; } = 10;

    /// <summary>Throws for values out of range.</summary>
    public void Validate()
    {
        if (IdentityThreshold is < -1 or > 1) throw new ArgumentOutOfRangeException(nameof(IdentityThreshold), "identity threshold is a cosine in −1..1");
        if (MinOverlap is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(MinOverlap), "overlap is an IoU in 0..1");
        if (MinCosineWithOverlap is < -1 or > 1) throw new ArgumentOutOfRangeException(nameof(MinCosineWithOverlap), "cosine in −1..1");
        if (MaxGap < 1) throw new ArgumentOutOfRangeException(nameof(MaxGap), "max gap must be at least 1 frame");
    }
}

/// <summary>Links faces across frames by box overlap with the track's last box and cosine similarity to the mean of its
/// embeddings, in the spirit of SORT-style trackers with an appearance term (Wojke et al., DeepSORT, ICIP 2017), but
/// greedy: pairs are taken in descending cosine + IoU, each track and face used once. Frames must be added in order.</summary>
public sealed class FaceTracker
{
    private readonly TrackingOptions _options;
    private readonly List<Builder> _active = [];
    private readonly List<FaceTrack> _finished = [];
    private int _nextId = 1;
    private int _lastFrame = -1;

    /// <summary>Creates a tracker.</summary>
    public FaceTracker(TrackingOptions? options = null)
    {
        _options = options ?? new TrackingOptions();
        _options.Validate();
    }

    /// <summary>Adds one frame's faces; returns the track id given to each, in the order given.</summary>
    public IReadOnlyList<int> Add(int frame, IReadOnlyList<FaceObservation> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        if (frame <= _lastFrame) throw new ArgumentException($"frames must be added in increasing order (got {frame} after {_lastFrame})", nameof(frame));
        _lastFrame = frame;
        // Tracks unseen for too long end before matching, so a returning face does not revive them.
        for (int t = _active.Count - 1; t >= 0; t--)
            if (frame - _active[t].LastFrame > _options.MaxGap) { _finished.Add(_active[t].Build()); _active.RemoveAt(t); }

        var pairs = new List<(double Affinity, int Track, int Face)>();
        for (int t = 0; t < _active.Count; t++)
            for (int f = 0; f < faces.Count; f++)
            {
                double cos = _active[t].Cosine(faces[f].Embedding);
                double iou = _active[t].LastBox.IntersectionOverUnion(faces[f].Detection.Box);
                bool same = cos >= _options.IdentityThreshold || (iou >= _options.MinOverlap && cos >= _options.MinCosineWithOverlap);
                if (same) pairs.Add((cos + iou, t, f));
            }
        pairs.Sort((a, b) => b.Affinity != a.Affinity ? b.Affinity.CompareTo(a.Affinity)
            : a.Track != b.Track ? a.Track.CompareTo(b.Track) : a.Face.CompareTo(b.Face));
        var ids = new int[faces.Count];
        var trackUsed = new bool[_active.Count];
        foreach (var (_, t, f) in pairs)
        {
            if (trackUsed[t] || ids[f] != 0) continue;
            trackUsed[t] = true;
            ids[f] = _active[t].Id;
            _active[t].Add(faces[f]);
        }
        for (int f = 0; f < faces.Count; f++)
        {
            if (ids[f] != 0) continue;
            var b = new Builder(_nextId++);
            b.Add(faces[f]);
            _active.Add(b);
            ids[f] = b.Id;
        }
        return ids;
    }

    /// <summary>Every track, ordered by id (the order they started).</summary>
    public IReadOnlyList<FaceTrack> Finish()
    {
        var all = _finished.Concat(_active.Select(a => a.Build())).OrderBy(t => t.Id).ToList();
        return all;
    }

    private sealed class Builder(int id)
    {
        private readonly List<FaceObservation> _observations = [];
        private float[]? _sum;

        public int Id { get; } = id;
        public int LastFrame => _observations[^1].Frame;
        public FaceBox LastBox => _observations[^1].Detection.Box;

        public void Add(FaceObservation o)
        {
            _observations.Add(o);
            _sum ??= new float[o.Embedding.Dimensions];
            TensorPrimitives.Add(_sum, o.Embedding.Vector, _sum);
        }

        /// <summary>Cosine with the mean of the track's unit embeddings (steadier than the last one alone).</summary>
        public double Cosine(FaceEmbedding e)
        {
            float norm = TensorPrimitives.Norm(_sum!);
            return norm == 0 ? 0 : TensorPrimitives.Dot(_sum!, e.Vector) / norm;
        }

        public FaceTrack Build() => new(Id, _observations.ToList());
    }
}

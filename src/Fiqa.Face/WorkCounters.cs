using System.Collections.Concurrent;

namespace Fiqa.Face;

/// <summary>How many times each shared intermediate of the face pipeline (the aligned crop, the canonical portrait, its
/// luminance plane, region masks, the skin model …) was computed — work verified by counting, not by timing. Model
/// passes are counted by the sessions themselves (<see cref="Fiqa.Onnx.SessionRegistry.Runs"/>). Thread-safe; counts only
/// grow, so a caller takes <see cref="Snapshot"/> before and after the work it wants to count.</summary>
public sealed class WorkCounters
{
    private readonly ConcurrentDictionary<string, long[]> _counts = new(StringComparer.Ordinal);

    /// <summary>Counts one computation of <paramref name="name"/>.</summary>
    public void Add(string name) => Interlocked.Increment(ref _counts.GetOrAdd(name, _ => new long[1])[0]);

    /// <summary>Computations of <paramref name="name"/> so far (0 when never).</summary>
    public long this[string name] => _counts.TryGetValue(name, out var c) ? Interlocked.Read(ref c[0]) : 0;

    /// <summary>Every count so far, by name (ordinal order, so printed tables are deterministic).</summary>
    public IReadOnlyDictionary<string, long> Snapshot() =>
        new SortedDictionary<string, long>(_counts.ToDictionary(kv => kv.Key, kv => Interlocked.Read(ref kv.Value[0])), StringComparer.Ordinal);

    /// <summary>Names of the intermediates counted by the pipeline and <c>Fiqa.Quality</c>'s face context.</summary>
    public static class Names
    {
        /// <summary>The face warped to the embedder's template (112×112 ArcFace by default).</summary>
        public const string AlignedCrop = "aligned crop";
        /// <summary>OFIQ's 616×616 canonical portrait.</summary>
        public const string CanonicalPortrait = "canonical portrait";
        /// <summary>The portrait's luminance plane.</summary>
        public const string PortraitLuminance = "portrait luminance";
        /// <summary>A polygon mask over the portrait (face outline, eye, mouth, cheek, forehead zones).</summary>
        public const string RegionMask = "region mask";
        /// <summary>The face region's luminance histogram.</summary>
        public const string FaceHistogram = "face histogram";
        /// <summary>The greyscale test of the face region.</summary>
        public const string GreyscaleCheck = "greyscale check";
    }
}

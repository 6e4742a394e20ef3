using Fiqa.Imaging;

namespace Fiqa.Video;

/// <summary>One decoded frame of a sequence.</summary>
/// <param name="Index">Position among the frames the source yields (0-based, after sampling).</param>
/// <param name="Time">Presentation time in seconds from the start of the video (for a folder of frames: index ÷ the
/// folder's nominal frame rate).</param>
/// <param name="Image">The frame, upright (ffmpeg applies the stream's display rotation).</param>
/// <param name="Label">What names the frame in records: the file for a folder, <c>video#index</c> for a video.</param>
public sealed record VideoFrame(int Index, double Time, RgbImage Image, string Label);

/// <summary>A sequence of frames, read lazily so memory stays bounded whatever the length. Enumerating again reads the
/// same frames again (exports read the chosen frames in a second pass).</summary>
public interface IFrameSource
{
    /// <summary>The input as given.</summary>
    string Path { get; }
    /// <summary>The frames in order; throws <see cref="VideoDecodeException"/> when the input cannot be read.</summary>
    IEnumerable<VideoFrame> Frames();

    /// <summary>About how many frames <see cref="Frames"/> will yield (for progress and an ETA); null when unknown.</summary>
    long? ExpectedFrames() => null;
}

/// <summary>Which frames to read and how many at most. Exactly one of <see cref="Fps"/> and <see cref="Every"/> is used:
/// <see cref="Every"/> when set, else <see cref="Fps"/>.</summary>
public sealed record FrameSampling
{
    /// <summary>Frames per second to sample (ffmpeg's <c>fps</c> filter); null with <see cref="Every"/> unset means every
    /// frame. Default 2: a face's appearance changes little within half a second, so denser sampling mostly adds
    /// near-duplicates to rank.</summary>
    public double? Fps { get; init; } = 2;
    /// <summary>Keep every N-th decoded frame (1 = all); overrides <see cref="Fps"/>.</summary>
    public int? Every { get; init; }
    /// <summary>Start reading at this time, seconds (0 = the beginning).</summary>
    public double StartSeconds { get; init; }
    /// <summary>Read at most this many seconds of video from <see cref="StartSeconds"/> (null: to the end).</summary>
    public double? MaxSeconds { get; init; }
    /// <summary>Stop after this many sampled frames (default 10,000: ≈ 80 min of video at the default 2 fps).</summary>
    public int MaxFrames { get; init; } = 10_000;
    /// <summary>Largest accepted frame, width × height (default 50 megapixels, the still-image limit).</summary>
    public long MaxPixels { get; init; } = DecodeOptions.Default.MaxPixels;
    /// <summary>Nominal frame rate of a folder of frames, for timestamps (default 25).</summary>
    public double SequenceFps { get; init; } = 25;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a value outside its range.</summary>
    public void Validate()
    {
        if (Fps is { } f && !(f > 0 && f <= 1000)) throw new ArgumentOutOfRangeException(nameof(Fps), $"fps must be in (0, 1000], got {f}");
        if (Every is { } n && n < 1) throw new ArgumentOutOfRangeException(nameof(Every), $"every must be at least 1, got {n}");
        if (!(StartSeconds >= 0)) throw new ArgumentOutOfRangeException(nameof(StartSeconds), $"start must be ≥ 0 seconds, got {StartSeconds}");
        if (MaxSeconds is { } s && !(s > 0)) throw new ArgumentOutOfRangeException(nameof(MaxSeconds), $"max seconds must be positive, got {s}");
        if (MaxFrames < 1) throw new ArgumentOutOfRangeException(nameof(MaxFrames), $"max frames must be at least 1, got {MaxFrames}");
        if (MaxPixels < 1) throw new ArgumentOutOfRangeException(nameof(MaxPixels), $"max pixels must be positive, got {MaxPixels}");
        if (!(SequenceFps > 0)) throw new ArgumentOutOfRangeException(nameof(SequenceFps), $"sequence fps must be positive, got {SequenceFps}");
    }
}

/// <summary>A video or frame folder that cannot be read: the message names the path and the reason.</summary>
public sealed class VideoDecodeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public VideoDecodeException(string message) : base(message) { }
    /// <summary>Creates the exception with its cause.</summary>
    public VideoDecodeException(string message, Exception inner) : base(message, inner) { }
    /// <summary>Creates the exception.</summary>
    public VideoDecodeException() { }
}

/// <summary>Creates the frame source for an input: a folder is an image sequence, anything else a video for ffmpeg.</summary>
public static class FrameSources
{
    /// <summary>The source for <paramref name="path"/>; nothing is read until frames are enumerated.</summary>
    public static IFrameSource Open(string path, FrameSampling sampling, FfmpegTools? tools = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(sampling);
        sampling.Validate();
        return Directory.Exists(path)
            ? new ImageSequenceFrameSource(path, sampling)
            : new FfmpegFrameSource(path, sampling, tools ?? FfmpegTools.Default);
    }
}

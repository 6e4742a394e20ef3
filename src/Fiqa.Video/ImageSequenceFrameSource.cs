using Fiqa.Imaging;

namespace Fiqa.Video;

/// <summary>A folder of still frames (PNG, JPEG, …) read in ordinal file-name order, so <c>frame_0009.png</c> comes
/// before <c>frame_0010.png</c> when numbers are zero-padded. <see cref="FrameSampling.Every"/> keeps every N-th
/// file; a frame rate is meaningless for a folder, so <see cref="FrameSampling.Fps"/> is ignored and timestamps are
/// index ÷ <see cref="FrameSampling.SequenceFps"/>. An unreadable file is skipped with its reason in
/// <see cref="Skipped"/>; a folder without readable images is an error.</summary>
public sealed class ImageSequenceFrameSource : IFrameSource
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif", ".tif", ".tiff" };
    private readonly FrameSampling _sampling;
    private readonly List<string> _skipped = [];

    /// <summary>A source for the image files directly inside <paramref name="folder"/>.</summary>
    public ImageSequenceFrameSource(string folder, FrameSampling sampling)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(sampling);
        sampling.Validate();
        Path = folder;
        _sampling = sampling;
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <summary>Files skipped in the last enumeration, each "path: reason".</summary>
    public IReadOnlyList<string> Skipped => _skipped;

    /// <inheritdoc />
    public IEnumerable<VideoFrame> Frames()
    {
        if (!Directory.Exists(Path)) throw new VideoDecodeException($"{Path}: no such folder");
        var files = Directory.EnumerateFiles(Path).Where(f => Extensions.Contains(System.IO.Path.GetExtension(f)))
            .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new VideoDecodeException($"{Path}: no image files in the folder");
        return Read(files);
    }

    /// <inheritdoc />
    public long? ExpectedFrames()
    {
        if (!Directory.Exists(Path)) return null;
        long files = Directory.EnumerateFiles(Path).Count(f => Extensions.Contains(System.IO.Path.GetExtension(f)));
        // The files the sampling keeps: every N-th from the start time, up to the time and count limits.
        long first = (long)Math.Ceiling(_sampling.StartSeconds * _sampling.SequenceFps);
        long end = _sampling.MaxSeconds is { } max ? Math.Min(files, (long)Math.Ceiling((_sampling.StartSeconds + max) * _sampling.SequenceFps)) : files;
        int every = _sampling.Every ?? 1;
        long kept = end <= first ? 0 : (end - 1) / every - (first + every - 1) / every + 1;
        return Math.Min(_sampling.MaxFrames, Math.Max(0, kept));
    }

    private IEnumerable<VideoFrame> Read(List<string> files)
    {
        _skipped.Clear();
        int every = _sampling.Every ?? 1, index = 0;
        var decode = new DecodeOptions { MaxPixels = _sampling.MaxPixels };
        for (int i = 0; i < files.Count && index < _sampling.MaxFrames; i += every)
        {
            double time = i / _sampling.SequenceFps;
            if (time < _sampling.StartSeconds) continue;
            if (_sampling.MaxSeconds is { } max && time >= _sampling.StartSeconds + max) break;
            RgbImage image;
            try
            {
                image = ImageDecoder.Decode(files[i], decode);
            }
            catch (ImageDecodeException e)
            {
                _skipped.Add($"{files[i]}: {e.Message}");
                continue;
            }
            yield return new VideoFrame(index++, time, image, files[i]);
        }
        if (index == 0) throw new VideoDecodeException($"{Path}: no readable frames ({_skipped.Count} file(s) failed to decode)");
    }
}

using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fiqa.Imaging;
using Fiqa.Onnx;

namespace Fiqa.Video;

/// <summary>Where the ffmpeg and ffprobe executables are (Debian's ffmpeg package, installed by
/// <c>scripts/provision-tools.sh</c>).</summary>
public sealed record FfmpegTools(string Ffmpeg = "ffmpeg", string Ffprobe = "ffprobe")
{
    /// <summary>Both found on PATH.</summary>
    public static FfmpegTools Default { get; } = new();
}

/// <summary>What ffprobe says about a video's first video stream. Width and height are as displayed (swapped for a
/// stream with a ±90° display rotation, which ffmpeg applies when decoding).</summary>
public sealed record VideoInfo(int Width, int Height, double FramesPerSecond, double? DurationSeconds, long? FrameCount, int Rotation);

/// <summary>Frames of a video decoded by ffmpeg in a subprocess, as raw RGB24 over a pipe: one frame in memory at a time.
/// The <c>fps</c> filter (or <c>select</c> for every N-th frame) samples inside ffmpeg, so unsampled frames are never
/// converted or copied.</summary>
public sealed partial class FfmpegFrameSource : IFrameSource
{
    private readonly FrameSampling _sampling;
    private readonly FfmpegTools _tools;
    private VideoInfo? _info;

    /// <summary>A source for the video at <paramref name="path"/>; nothing runs until <see cref="Probe"/> or
    /// <see cref="Frames"/>.</summary>
    public FfmpegFrameSource(string path, FrameSampling sampling, FfmpegTools tools)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(sampling);
        ArgumentNullException.ThrowIfNull(tools);
        sampling.Validate();
        Path = path;
        _sampling = sampling;
        _tools = tools;
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <summary>The stream's size, rate, duration and rotation from ffprobe; throws <see cref="VideoDecodeException"/>
    /// for a missing file or one without a decodable video stream.</summary>
    public VideoInfo Probe()
    {
        if (_info is not null) return _info;
        if (!File.Exists(Path)) throw new VideoDecodeException($"{Path}: no such file");
        var (code, stdout, stderr) = RunToEnd(_tools.Ffprobe, ["-v", "error", "-select_streams", "v:0",
            "-show_entries", "stream=width,height,avg_frame_rate,r_frame_rate,nb_frames,duration:stream_side_data=rotation:stream_tags=rotate:format=duration",
            "-of", "json", Path]);
        if (code != 0) throw new VideoDecodeException($"{Path}: not a readable video: {LastLine(stderr) ?? $"ffprobe exit code {code}"}");
        _info = ParseProbe(stdout) ?? throw new VideoDecodeException($"{Path}: no video stream");
        if ((long)_info.Width * _info.Height > _sampling.MaxPixels)
            throw new VideoDecodeException($"{Path}: {_info.Width}x{_info.Height} frames exceed the limit of {_sampling.MaxPixels} pixels");
        return _info;
    }

    /// <summary>Parses ffprobe's JSON; null when there is no video stream with a size.</summary>
    internal static VideoInfo? ParseProbe(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("streams", out var streams) || streams.GetArrayLength() == 0) return null;
        var s = streams[0];
        if (!s.TryGetProperty("width", out var w) || !s.TryGetProperty("height", out var h)) return null;
        int width = w.GetInt32(), height = h.GetInt32();
        if (width <= 0 || height <= 0) return null;
        double fps = Rate(s, "avg_frame_rate") ?? Rate(s, "r_frame_rate") ?? 25;
        double? duration = Number(s, "duration");
        if (duration is null && doc.RootElement.TryGetProperty("format", out var format)) duration = Number(format, "duration");
        long? frames = Number(s, "nb_frames") is { } n ? (long)n : null;
        int rotation = 0;
        if (s.TryGetProperty("side_data_list", out var sides))
            foreach (var side in sides.EnumerateArray())
                if (side.TryGetProperty("rotation", out var r) && r.TryGetInt32(out int deg)) rotation = deg;
        if (rotation == 0 && s.TryGetProperty("tags", out var tags) && tags.TryGetProperty("rotate", out var rotate)
            && int.TryParse(rotate.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int tagged)) rotation = tagged;
        rotation = ((rotation % 360) + 360) % 360;
        if (rotation is 90 or 270) (width, height) = (height, width);
        return new VideoInfo(width, height, fps, duration, frames, rotation);
    }

    private static double? Rate(JsonElement s, string name)
    {
        if (!s.TryGetProperty(name, out var v) || v.GetString() is not { } text) return null;
        var parts = text.Split('/');
        if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double num)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double den) || den == 0 || num <= 0) return null;
        return num / den;
    }

    private static double? Number(JsonElement s, string name) =>
        s.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
        && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : null;

    /// <summary>The ffmpeg arguments that write the sampled frames as raw RGB24 to stdout.</summary>
    internal IReadOnlyList<string> DecodeArguments(VideoInfo info)
    {
        var args = new List<string> { "-v", "error", "-nostdin" };
        if (_sampling.StartSeconds > 0) args.AddRange(["-ss", Invariant(_sampling.StartSeconds)]);
        args.AddRange(["-i", Path, "-an", "-sn", "-dn"]);
        if (_sampling.MaxSeconds is { } t) args.AddRange(["-t", Invariant(t)]);
        if (_sampling.Every is { } every) args.AddRange(["-vf", $"select=not(mod(n\\,{every}))", "-fps_mode", "vfr"]);
        else if (_sampling.Fps is { } fps) args.AddRange(["-vf", $"fps={Invariant(fps)}"]);
        else args.AddRange(["-fps_mode", "passthrough"]);
        args.AddRange(["-frames:v", _sampling.MaxFrames.ToString(CultureInfo.InvariantCulture), "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        _ = info;
        return args;
    }

    /// <summary>Seconds from the video's start of sampled frame <paramref name="index"/> (constant-rate streams: the
    /// <c>fps</c> filter emits frame i at i ÷ fps, <c>select</c> keeps source frame i·N).</summary>
    internal double TimeOf(int index, VideoInfo info) => _sampling.StartSeconds + (_sampling.Every is { } every
        ? index * every / info.FramesPerSecond
        : index / (_sampling.Fps ?? info.FramesPerSecond));

    /// <inheritdoc />
    public long? ExpectedFrames()
    {
        VideoInfo info;
        try
        {
            info = Probe();
        }
        catch (VideoDecodeException)
        {
            return null; // Frames() reports why
        }
        if (info.DurationSeconds is not { } duration) return null;
        double seconds = Math.Max(0, duration - _sampling.StartSeconds);
        if (_sampling.MaxSeconds is { } max) seconds = Math.Min(seconds, max);
        double rate = _sampling.Every is { } every ? info.FramesPerSecond / every : _sampling.Fps ?? info.FramesPerSecond;
        return Math.Min(_sampling.MaxFrames, (long)Math.Ceiling(seconds * rate));
    }

    /// <inheritdoc />
    public IEnumerable<VideoFrame> Frames()
    {
        var info = Probe();
        return Read(info);
    }

    private IEnumerable<VideoFrame> Read(VideoInfo info)
    {
        using var process = Start(_tools.Ffmpeg, DecodeArguments(info));
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        var stream = process.StandardOutput.BaseStream;
        int frameBytes = checked(info.Width * info.Height * 3);
        int index = 0;
        bool complete = false;
        try
        {
            while (index < _sampling.MaxFrames)
            {
                var pixels = new byte[frameBytes];
                int read = ReadFull(stream, pixels);
                if (read == 0) { complete = true; break; }
                if (read < frameBytes) throw new VideoDecodeException($"{Path}: frame {index} ends after {read} of {frameBytes} bytes");
                yield return new VideoFrame(index, TimeOf(index, info), new RgbImage(info.Width, info.Height, pixels),
                    string.Create(CultureInfo.InvariantCulture, $"{Path}#{index}"));
                index++;
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                try { process.Kill(); } catch (InvalidOperationException) { /* exited meanwhile */ }
            }
            process.WaitForExit();
        }
        // Stopped at MaxFrames: ffmpeg was ended by us, its exit code says nothing about the video.
        if (!complete) yield break;
        // ffmpeg's verdict decides whether what came out was the whole video.
        string? message;
        lock (errors) message = LastLine(errors.ToString());
        if (process.ExitCode != 0)
            throw new VideoDecodeException($"{Path}: decoding failed after {index} frame(s): {message ?? $"ffmpeg exit code {process.ExitCode}"}");
        if (index == 0) throw new VideoDecodeException($"{Path}: no frames decoded{(message is null ? "" : ": " + message)}");
        // ffmpeg ends a file cut short without an error when its index was at the front: judge by the duration the
        // container declares. The last sampled frame may precede the end by one sampling interval (plus a frame); 5 % of
        // the length more absorbs the drift of times computed at a constant rate on a variable-rate stream.
        if (info.DurationSeconds is { } duration)
        {
            double end = Math.Min(duration, _sampling.MaxSeconds is { } max ? _sampling.StartSeconds + max : double.PositiveInfinity);
            double interval = _sampling.Every is { } n ? n / info.FramesPerSecond : 1 / (_sampling.Fps ?? info.FramesPerSecond);
            double last = TimeOf(index - 1, info);
            if (end - last > 2 * interval + 1 / info.FramesPerSecond + 0.05 * (end - _sampling.StartSeconds))
                throw new VideoDecodeException(string.Create(CultureInfo.InvariantCulture,
                    $"{Path}: decoding stopped at {last:F2} s of {end:F2} s (truncated or corrupt){(message is null ? "" : ": " + message)}"));
        }
    }

    private static int ReadFull(Stream stream, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer, total, buffer.Length - total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static Process Start(string exe, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        try
        {
            return Process.Start(info) ?? throw new ModelConfigurationException($"{exe} could not be started");
        }
        catch (Win32Exception e)
        {
            // Not the input's fault: no video can be read, so this is a setup error naming the installer.
            throw new ModelConfigurationException($"{exe} not found ({e.Message}); install it with scripts/provision-tools.sh", e);
        }
    }

    private static (int Code, string Stdout, string Stderr) RunToEnd(string exe, IReadOnlyList<string> args)
    {
        using var p = Start(exe, args);
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.GetAwaiter().GetResult());
    }

    /// <summary>ffmpeg's last message, without the input path it prefixes (the message names it already).</summary>
    private string? LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0) return null;
        var last = FfmpegContext().Replace(lines[^1], "");
        return last.StartsWith(Path + ": ", StringComparison.Ordinal) ? last[(Path.Length + 2)..] : last;
    }

    /// <summary>ffmpeg's "[demuxer @ 0x55d9…] " prefix: an address that changes per run and says nothing to the user.</summary>
    [GeneratedRegex(@"^\[[^\]]* @ 0x[0-9a-f]+\]\s*")]
    private static partial Regex FfmpegContext();

    private static string Invariant(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using SkiaSharp;

namespace Fiqa.Imaging;

/// <summary>A lossy image codec with an integer quality scale on which higher means better quality and more bytes.</summary>
public interface IImageCodec
{
    /// <summary>What the codec is.</summary>
    CodecDescriptor Descriptor { get; }

    /// <summary>The image encoded at <paramref name="quality"/> (within the descriptor's range).</summary>
    byte[] Encode(RgbImage image, int quality);

    /// <summary>Decodes what <see cref="Encode"/> wrote.</summary>
    RgbImage Decode(byte[] encoded);
}

/// <summary>A codec described as data.</summary>
/// <param name="Name">Command-line name (jpeg, webp, avif).</param>
/// <param name="Extension">File extension with the dot.</param>
/// <param name="MinQuality">Lowest quality setting (strongest compression).</param>
/// <param name="MaxQuality">Highest quality setting.</param>
/// <param name="Scale">What a quality step is, in the codec's words.</param>
public sealed record CodecDescriptor(string Name, string Extension, int MinQuality, int MaxQuality, string Scale);

/// <summary>JPEG and WebP through the project's image stack (SkiaSharp: libjpeg-turbo, libwebp lossy).</summary>
public sealed class SkiaCodec : IImageCodec
{
    /// <summary>Baseline JPEG, 4:2:0, quality 1..100 (IJG scale).</summary>
    public static CodecDescriptor JpegInfo { get; } = new("jpeg", ".jpg", 1, 100, "IJG quality 1..100");
    /// <summary>Lossy WebP, quality 0..100 (libwebp's -q).</summary>
    public static CodecDescriptor WebpInfo { get; } = new("webp", ".webp", 0, 100, "libwebp quality 0..100");

    private readonly SKEncodedImageFormat _format;

    private SkiaCodec(CodecDescriptor descriptor, SKEncodedImageFormat format)
    {
        Descriptor = descriptor;
        _format = format;
    }

    /// <summary>The JPEG codec.</summary>
    public static SkiaCodec Jpeg() => new(JpegInfo, SKEncodedImageFormat.Jpeg);
    /// <summary>The WebP codec.</summary>
    public static SkiaCodec Webp() => new(WebpInfo, SKEncodedImageFormat.Webp);

    /// <inheritdoc />
    public CodecDescriptor Descriptor { get; }

    /// <inheritdoc />
    public byte[] Encode(RgbImage image, int quality)
    {
        Codecs.CheckQuality(Descriptor, quality);
        return ImageEncoder.Encode(image, _format, quality);
    }

    /// <inheritdoc />
    public RgbImage Decode(byte[] encoded) => ImageDecoder.Decode(encoded);
}

/// <summary>Options of <see cref="AvifCliCodec"/>.</summary>
public sealed record AvifOptions
{
    /// <summary>The encoder (Debian libavif-bin's avifenc; found on PATH by default).</summary>
    public string Encoder { get; init; } = "avifenc";
    /// <summary>The decoder (avifdec).</summary>
    public string Decoder { get; init; } = "avifdec";
    /// <summary>libaom speed 0..10 (avifenc's default, 6).</summary>
    public int Speed { get; init; } = 6;
    /// <summary>Chroma subsampling passed to avifenc -y (420 is what cameras and browsers use).</summary>
    public string Yuv { get; init; } = "420";
    /// <summary>How long one encode or decode may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>AVIF through libavif's command-line tools (<c>scripts/provision-codecs.sh</c> installs them). Quality is
/// 63 − the AV1 quantizer (avifenc --min/--max, 0..63, 0 lossless), so 0..63 with higher better like the others. One
/// worker thread (-j 1): the bytes do not depend on the machine.</summary>
public sealed class AvifCliCodec : IImageCodec
{
    /// <summary>The descriptor.</summary>
    public static CodecDescriptor Info { get; } = new("avif", ".avif", 0, 63, "63 − AV1 quantizer (avifenc --min/--max)");

    private readonly AvifOptions _options;

    /// <summary>The codec; <see cref="CodecUnavailableException"/> when avifenc or avifdec cannot be run.</summary>
    public AvifCliCodec(AvifOptions? options = null)
    {
        _options = options ?? new AvifOptions();
        foreach (var tool in new[] { _options.Encoder, _options.Decoder })
            if (Codecs.FindTool(tool) is null)
                throw new CodecUnavailableException($"avif needs {tool} (Debian libavif-bin), which is not installed; install it with scripts/provision-codecs.sh");
    }

    /// <inheritdoc />
    public CodecDescriptor Descriptor => Info;

    /// <inheritdoc />
    public byte[] Encode(RgbImage image, int quality)
    {
        Codecs.CheckQuality(Info, quality);
        var dir = Directory.CreateTempSubdirectory("fiqa-avif-");
        try
        {
            var png = Path.Combine(dir.FullName, "in.png");
            var avif = Path.Combine(dir.FullName, "out.avif");
            File.WriteAllBytes(png, ImageEncoder.Png(image));
            int q = Info.MaxQuality - quality;
            Run(_options.Encoder, ["-j", "1", "-s", _options.Speed.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", _options.Yuv,
                "--min", q.ToString(System.Globalization.CultureInfo.InvariantCulture), "--max", q.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ignore-icc", png, avif]);
            return File.ReadAllBytes(avif);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <inheritdoc />
    public RgbImage Decode(byte[] encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        var dir = Directory.CreateTempSubdirectory("fiqa-avif-");
        try
        {
            var avif = Path.Combine(dir.FullName, "in.avif");
            var png = Path.Combine(dir.FullName, "out.png");
            File.WriteAllBytes(avif, encoded);
            Run(_options.Decoder, ["-j", "1", avif, png]);
            return ImageDecoder.Decode(png);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private void Run(string tool, string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new CodecUnavailableException($"cannot start {tool}");
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(_options.Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new IOException($"{tool} did not finish within {_options.Timeout.TotalSeconds} s");
        }
        if (process.ExitCode != 0)
            throw new IOException($"{tool} failed (exit {process.ExitCode}): {stderr.Result.Trim().Split('\n').LastOrDefault()}");
    }
}

/// <summary>A codec whose tools are not installed.</summary>
public sealed class CodecUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CodecUnavailableException(string message) : base(message) { }
    /// <summary>Creates the exception.</summary>
    public CodecUnavailableException() { }
    /// <summary>Creates the exception.</summary>
    public CodecUnavailableException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A codec catalogue entry.</summary>
public sealed record CodecEntry(CodecDescriptor Descriptor, Func<IImageCodec> Create) : ICatalogueEntry
{
    /// <inheritdoc />
    public string Name => Descriptor.Name;
    /// <inheritdoc />
    public string? Parameter => null;
}

/// <summary>Every codec, by name: one line per codec.</summary>
public static class Codecs
{
    /// <summary>The catalogue.</summary>
    public static Catalogue<CodecEntry> All { get; } = new("codec",
    [
        new(SkiaCodec.JpegInfo, SkiaCodec.Jpeg),
        new(SkiaCodec.WebpInfo, SkiaCodec.Webp),
        new(AvifCliCodec.Info, () => new AvifCliCodec()),
    ]);

    /// <summary>Creates a codec by name: an unknown name is an <see cref="UnknownNameException"/> listing the valid ones,
    /// a codec whose tools are missing a <see cref="CodecUnavailableException"/> saying how to install them.</summary>
    public static IImageCodec Create(string name) => All.Find(name).Create();

    internal static void CheckQuality(CodecDescriptor codec, int quality)
    {
        if (quality < codec.MinQuality || quality > codec.MaxQuality)
            throw new ArgumentOutOfRangeException(nameof(quality), quality, $"{codec.Name} quality must be {codec.MinQuality}..{codec.MaxQuality}");
    }

    /// <summary>The full path of an executable (a path, or a name searched on PATH), or null.</summary>
    internal static string? FindTool(string tool)
    {
        if (tool.Contains('/', StringComparison.Ordinal)) return File.Exists(tool) ? tool : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}

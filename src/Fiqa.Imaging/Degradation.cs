namespace Fiqa.Imaging;

/// <summary>Kinds of controlled capture degradation.</summary>
public enum DegradationKind
{
    /// <summary>Gaussian blur (defocus, motion-free).</summary>
    Blur,
    /// <summary>Additive Gaussian sensor noise.</summary>
    Noise,
    /// <summary>JPEG re-compression.</summary>
    Jpeg,
    /// <summary>Under-exposure: intensities scaled down, then quantised.</summary>
    LowLight,
    /// <summary>Loss of resolution: downscaled and brought back to the original size.</summary>
    Downscale,
    /// <summary>An opaque rectangle over the central part of the image.</summary>
    Occlusion,
}

/// <summary>Seeded, parameterised degradations with five severity levels each (1 = mild … 5 = severe). The same
/// image, kind, level and seed always give the same bytes. Levels are in absolute units tuned for faces of
/// 100–200 px (the installed identity folders); <see cref="Parameter"/> says what a level means.</summary>
public static class Degradation
{
    /// <summary>Highest severity level.</summary>
    public const int MaxLevel = 5;

    private static readonly double[] BlurSigma = [1, 2, 3, 4.5, 6];
    private static readonly double[] NoiseSigma = [6, 12, 20, 30, 45];
    private static readonly int[] JpegQuality = [40, 20, 12, 7, 3];
    private static readonly double[] LightFactor = [0.55, 0.35, 0.22, 0.13, 0.07];
    private static readonly int[] DownscaleFactor = [2, 3, 4, 6, 8];
    private static readonly double[] OccludedShare = [0.04, 0.08, 0.13, 0.19, 0.26];

    /// <summary>All kinds, in declaration order.</summary>
    public static IReadOnlyList<DegradationKind> AllKinds { get; } = Enum.GetValues<DegradationKind>();

    /// <summary>Name used on the command line and in file names (lower case).</summary>
    public static string Name(DegradationKind kind) => kind switch
    {
        DegradationKind.LowLight => "lowlight",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses a name written by <see cref="Name"/>; the error lists the known names.</summary>
    public static DegradationKind Parse(string name)
    {
        foreach (var kind in AllKinds)
            if (string.Equals(Name(kind), name.Trim(), StringComparison.OrdinalIgnoreCase)) return kind;
        throw new ArgumentException($"unknown degradation '{name}'; known: {string.Join(", ", AllKinds.Select(Name))}", nameof(name));
    }

    /// <summary>The physical parameter of a level, e.g. "σ=3 px" or "quality 12".</summary>
    public static string Parameter(DegradationKind kind, int level) => (kind, Index(level)) switch
    {
        (DegradationKind.Blur, var i) => $"sigma={BlurSigma[i]}px",
        (DegradationKind.Noise, var i) => $"sigma={NoiseSigma[i]}",
        (DegradationKind.Jpeg, var i) => $"quality={JpegQuality[i]}",
        (DegradationKind.LowLight, var i) => $"gain={LightFactor[i]}",
        (DegradationKind.Downscale, var i) => $"factor=1/{DownscaleFactor[i]}",
        (DegradationKind.Occlusion, var i) => $"area={OccludedShare[i]}",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Applies one degradation; the input is not modified.</summary>
    public static RgbImage Apply(RgbImage image, DegradationKind kind, int level, int seed)
    {
        ArgumentNullException.ThrowIfNull(image);
        int i = Index(level);
        switch (kind)
        {
            case DegradationKind.Blur:
                return Filters.GaussianBlur(image, BlurSigma[i]);
            case DegradationKind.Noise:
            {
                var noisy = image.Clone();
                AddGaussianNoise(noisy.Pixels, NoiseSigma[i], seed);
                return noisy;
            }
            case DegradationKind.Jpeg:
                return ImageDecoder.Decode(ImageEncoder.Jpeg(image, JpegQuality[i]));
            case DegradationKind.LowLight:
                // Linear-light gain: the 8-bit quantisation of the darkened image is what destroys detail.
                return CaptureLadder.Exposure(image, LightFactor[i]);
            case DegradationKind.Downscale:
                return CaptureLadder.Downscaled(image, DownscaleFactor[i]);
            case DegradationKind.Occlusion:
            {
                var occluded = image.Clone();
                var rng = new Random(seed);
                double area = OccludedShare[i] * image.Width * image.Height;
                double aspect = 0.5 + rng.NextDouble() * 1.5;
                int rw = Math.Clamp((int)Math.Round(Math.Sqrt(area * aspect)), 1, image.Width);
                int rh = Math.Clamp((int)Math.Round(area / rw), 1, image.Height);
                // Centred on the middle 60 % of the image, where the face is in identity folders and video frames.
                int cx = (int)(image.Width * (0.2 + 0.6 * rng.NextDouble())), cy = (int)(image.Height * (0.2 + 0.6 * rng.NextDouble()));
                byte grey = (byte)rng.Next(0, 256);
                var rect = new PixelRect(cx - rw / 2, cy - rh / 2, rw, rh).ClampTo(image.Width, image.Height);
                for (int y = rect.Y; y < rect.Y + rect.Height; y++)
                    occluded.Pixels.AsSpan((y * image.Width + rect.X) * 3, rect.Width * 3).Fill(grey);
                return occluded;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>Adds zero-mean Gaussian noise (Box–Muller, <see cref="Random"/> seeded) with rounding and clamping.</summary>
    public static void AddGaussianNoise(Span<byte> pixels, double sigma, int seed)
    {
        var rng = new Random(seed);
        for (int k = 0; k < pixels.Length; k++)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            double n = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            pixels[k] = (byte)Math.Clamp(Math.Round(pixels[k] + sigma * n), 0, 255);
        }
    }

    private static int Index(int level)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, MaxLevel);
        return level - 1;
    }
}

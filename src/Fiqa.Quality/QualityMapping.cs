using System.Globalization;

namespace Fiqa.Quality;

/// <summary>Maps a native value to the 0..100 quality scalar. <see cref="ToScalar"/> rounds half away from zero and
/// clamps to [0, 100], as OFIQ does (OFIQlib/include/Measure.h). Every mapping is data — a kind and its numeric
/// parameters — so the whole calibration is one file (<see cref="MappingTable"/>) that users can override.</summary>
public abstract record QualityMapping
{
    /// <summary>The unrounded mapped value.</summary>
    public abstract double Map(double raw);

    /// <summary>The formula, for listings and docs.</summary>
    public abstract string Formula { get; }

    /// <summary>The kind as the mappings file names it (<c>sigmoid</c>, <c>linear</c>, …).</summary>
    public abstract string Kind { get; }

    /// <summary>The parameters as the mappings file names them, in the order they are written.</summary>
    public abstract IReadOnlyList<KeyValuePair<string, double>> Parameters { get; }

    /// <summary>The integer scalar 0..100.</summary>
    public int ToScalar(double raw)
    {
        double q = Map(raw);
        if (double.IsNaN(q)) return -1;
        return (int)Math.Clamp(Math.Round(q, MidpointRounding.AwayFromZero), 0, 100);
    }

    /// <summary>The logistic function 1 / (1 + exp((x0 − x) / w)).</summary>
    public static double Sigmoid(double x, double x0, double w) => 1 / (1 + Math.Exp((x0 - x) / w));

    /// <summary>Every kind with the parameters it accepts; a parameter without a default must be given.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<MappingParameter>> Kinds { get; } = new Dictionary<string, IReadOnlyList<MappingParameter>>(StringComparer.Ordinal)
    {
        ["sigmoid"] = [new("h", 100), new("a", 0), new("s", 1), new("x0"), new("w", Positive: true), new("center", Optional: true)],
        ["linear"] = [new("h", 100), new("a", 0), new("s", 1)],
        ["power"] = [new("h", 100), new("exponent")],
        ["cosine_squared"] = [new("h", 100)],
        ["sine_ratio"] = [new("h", 100), new("k", Positive: true)],
        ["reciprocal"] = [new("c", 1), new("offset")],
        ["window"] = [new("h", 100), new("rise_x0"), new("rise_w", Positive: true), new("fall_x0"), new("fall_w", Positive: true)],
    };

    /// <summary>Builds a mapping of <paramref name="kind"/> (one of <see cref="Kinds"/>) from named parameters; a
    /// missing, unknown or out-of-range parameter is an <see cref="ArgumentException"/> that names it.</summary>
    public static QualityMapping Create(string kind, IReadOnlyDictionary<string, double> parameters)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!Kinds.TryGetValue(kind, out var accepted))
            throw new ArgumentException($"unknown mapping '{kind}' (valid: {string.Join(", ", Kinds.Keys)})");
        foreach (var name in parameters.Keys)
            if (!accepted.Any(p => p.Name == name))
                throw new ArgumentException($"'{name}' is not a parameter of mapping '{kind}' (valid: {string.Join(", ", accepted.Select(p => p.Name))})");
        double? Value(string name)
        {
            var spec = accepted.First(p => p.Name == name);
            if (!parameters.TryGetValue(name, out var v))
                return spec.Default ?? (spec.Optional ? null : throw new ArgumentException($"mapping '{kind}' needs '{name}'"));
            if (!double.IsFinite(v)) throw new ArgumentException($"'{name}' must be a finite number, got {v.ToString(CultureInfo.InvariantCulture)}");
            if (spec.Positive && v <= 0) throw new ArgumentException($"'{name}' must be positive, got {v.ToString(CultureInfo.InvariantCulture)}");
            return v;
        }
        double V(string name) => Value(name)!.Value;
        return kind switch
        {
            "sigmoid" => new SigmoidMapping(V("x0"), V("w"), V("h"), V("a"), V("s")) { Center = Value("center") },
            "linear" => new LinearMapping(V("h"), V("a"), V("s")),
            "power" => new PowerMapping(V("h"), V("exponent")),
            "cosine_squared" => new CosineSquaredMapping(V("h")),
            "sine_ratio" => new SineRatioMapping(V("h"), V("k")),
            "reciprocal" => new ReciprocalMapping(V("c"), V("offset")),
            "window" => new WindowMapping(V("h"), V("rise_x0"), V("rise_w"), V("fall_x0"), V("fall_w")),
            _ => throw new System.Diagnostics.UnreachableException($"mapping kind '{kind}' is listed but not built"),
        };
    }

    private protected static string Number(double v) => v.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One parameter of a mapping kind.</summary>
/// <param name="Name">As the mappings file writes it.</param>
/// <param name="Default">Taken when not given; null: required (unless <paramref name="Optional"/>).</param>
/// <param name="Positive">Must be &gt; 0 (sigmoid widths, the sine ratio's k).</param>
/// <param name="Optional">May be absent without a default (the sigmoid's centre).</param>
public sealed record MappingParameter(string Name, double? Default = null, bool Positive = false, bool Optional = false);

/// <summary>OFIQ's general mapping Q = h·(a + s·sigmoid(x; x0, w)); with <see cref="Center"/> the sigmoid is of the
/// distance |x − center| (OFIQ's HeadSize).</summary>
public sealed record SigmoidMapping(double X0, double W, double H = 100, double A = 0, double S = 1) : QualityMapping
{
    /// <summary>When set, the sigmoid's argument is |x − Center| instead of x.</summary>
    public double? Center { get; init; }

    /// <inheritdoc />
    public override double Map(double raw) => H * (A + S * Sigmoid(Center is { } c ? Math.Abs(raw - c) : raw, X0, W));

    /// <inheritdoc />
    public override string Formula => string.Create(CultureInfo.InvariantCulture,
        $"{H}·({A} + {S}·sigmoid({(Center is { } c ? $"|x − {Number(c)}|" : "x")}; x0={X0}, w={W}))");

    /// <inheritdoc />
    public override string Kind => "sigmoid";

    /// <inheritdoc />
    public override IReadOnlyList<KeyValuePair<string, double>> Parameters => Center is { } c
        ? [new("h", H), new("a", A), new("s", S), new("x0", X0), new("w", W), new("center", c)]
        : [new("h", H), new("a", A), new("s", S), new("x0", X0), new("w", W)];

    /// <summary>Decreasing variant: h·(1 − sigmoid) with a = 1, s = −1.</summary>
    public static SigmoidMapping Inverted(double x0, double w, double h = 100) => new(x0, w, h, 1, -1);
}

/// <summary>Q = h·(a + s·x): a probability or share as it is (h = 100), its complement (a = 1, s = −1), or a scale.</summary>
public sealed record LinearMapping(double H = 100, double A = 0, double S = 1) : QualityMapping
{
    /// <inheritdoc />
    public override double Map(double raw) => H * (A + S * raw);

    /// <inheritdoc />
    public override string Formula => (A, S) switch
    {
        (0, 1) => $"{Number(H)}·x",
        (1, -1) => $"{Number(H)}·(1 − x)",
        _ => $"{Number(H)}·({Number(A)} + {Number(S)}·x)",
    };

    /// <inheritdoc />
    public override string Kind => "linear";

    /// <inheritdoc />
    public override IReadOnlyList<KeyValuePair<string, double>> Parameters => [new("h", H), new("a", A), new("s", S)];
}

/// <summary>Q = h·max(0, x)^exponent (OFIQ's IlluminationUniformity).</summary>
public sealed record PowerMapping(double H, double Exponent) : QualityMapping
{
    /// <inheritdoc />
    public override double Map(double raw) => H * Math.Pow(Math.Max(0, raw), Exponent);

    /// <inheritdoc />
    public override string Formula => $"{Number(H)}·x^{Number(Exponent)}";

    /// <inheritdoc />
    public override string Kind => "power";

    /// <inheritdoc />
    public override IReadOnlyList<KeyValuePair<string, double>> Parameters => [new("h", H), new("exponent", Exponent)];
}

/// <summary>Q = h·max(0, cos x)² with x in degrees (OFIQ's head pose components).</summary>
public sealed record CosineSquaredMapping(double H = 100) : QualityMapping
{
    /// <inheritdoc />
    public override double Map(double raw) => H * Math.Pow(Math.Max(0, Math.Cos(raw * Math.PI / 180)), 2);

    /// <inheritdoc />
    public override string Formula => $"{Number(H)}·max(0, cos x)²";

    /// <inheritdoc />
    public override string Kind => "cosine_squared";

    /// <inheritdoc />
    public override IReadOnlyList<KeyValuePair<string, double>> Parameters => [new("h", H)];
}

/// <summary>Q = h·sin(π·kx / (kx + 1)), highest at x = 1/k (OFIQ's LuminanceVariance, k = 60).</summary>
public sealed record SineRatioMapping(double H, double K) : QualityMapping
{
    /// <inheritdoc />
    public override double Map(double raw) => H * Math.Sin(Math.PI * K * raw / (K * raw + 1));

    /// <inheritdoc />
    public override string Formula => $"{Number(H)}·sin(π·{Number(K)}x / ({Number(K)}x + 1))";

    /// <inheritdoc />
    public override string Kind => "sine_ratio";

    /// <inheritdoc />
    public override IReadOnlyList<KeyValuePair<string, double>> Parameters => [new("h", H), new("k", K)];
}

/// <summary>Q = c / (x + offset) (OFIQ's OverExposurePrevention).</summary>
public sealed record ReciprocalMapping(double C, double Offset) : QualityMapping
{
    /// <inheritdoc />
    public override double Map(double raw) => C / (raw + Offset);

    /// <inheritdoc />
    public override string Formula => $"{Number(C)} / (x + {Number(Offset)})";

    /// <inheritdoc />
    public override string Kind => "reciprocal";

    /// <inheritdoc />
    public override IReadOnlyList<KeyValuePair<string, double>> Parameters => [new("c", C), new("offset", Offset)];
}

/// <summary>Q = h·σ(x; rise_x0, rise_w)·(1 − σ(x; fall_x0, fall_w)): full marks between a rising and a falling edge.</summary>
public sealed record WindowMapping(double H, double RiseX0, double RiseW, double FallX0, double FallW) : QualityMapping
{
    /// <inheritdoc />
    public override double Map(double raw) => H * Sigmoid(raw, RiseX0, RiseW) * (1 - Sigmoid(raw, FallX0, FallW));

    /// <inheritdoc />
    public override string Formula => $"{Number(H)}·σ(x; {Number(RiseX0)}, {Number(RiseW)})·(1 − σ(x; {Number(FallX0)}, {Number(FallW)}))";

    /// <inheritdoc />
    public override string Kind => "window";

    /// <inheritdoc />
    public override IReadOnlyList<KeyValuePair<string, double>> Parameters =>
        [new("h", H), new("rise_x0", RiseX0), new("rise_w", RiseW), new("fall_x0", FallX0), new("fall_w", FallW)];
}

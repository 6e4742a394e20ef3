using System.Globalization;

namespace Fiqa.Quality;

/// <summary>Maps a native value to the 0..100 quality scalar. <see cref="ToScalar"/> rounds half away from zero and
/// clamps to [0, 100], as OFIQ does (OFIQlib/include/Measure.h).</summary>
public abstract record QualityMapping
{
    /// <summary>The unrounded mapped value.</summary>
    public abstract double Map(double raw);

    /// <summary>The formula, for listings and docs.</summary>
    public abstract string Formula { get; }

    /// <summary>The integer scalar 0..100.</summary>
    public int ToScalar(double raw)
    {
        double q = Map(raw);
        if (double.IsNaN(q)) return -1;
        return (int)Math.Clamp(Math.Round(q, MidpointRounding.AwayFromZero), 0, 100);
    }

    /// <summary>The logistic function 1 / (1 + exp((x0 − x) / w)).</summary>
    public static double Sigmoid(double x, double x0, double w) => 1 / (1 + Math.Exp((x0 - x) / w));
}

/// <summary>OFIQ's general mapping Q = h·(a + s·sigmoid(x; x0, w)).</summary>
public sealed record SigmoidMapping(double X0, double W, double H = 100, double A = 0, double S = 1) : QualityMapping
{
    /// <inheritdoc />
    public override double Map(double raw) => H * (A + S * Sigmoid(raw, X0, W));

    /// <inheritdoc />
    public override string Formula => string.Create(CultureInfo.InvariantCulture,
        $"{H}·({A} + {S}·sigmoid(x; x0={X0}, w={W}))");

    /// <summary>Decreasing variant: h·(1 − sigmoid) with a = 1, s = −1.</summary>
    public static SigmoidMapping Inverted(double x0, double w, double h = 100) => new(x0, w, h, 1, -1);
}

/// <summary>A mapping given by its own formula (the components whose OFIQ mapping is not the general sigmoid).</summary>
public sealed record FormulaMapping : QualityMapping
{
    private readonly Func<double, double> _function;

    /// <summary>Creates the mapping; <paramref name="formula"/> is shown in listings.</summary>
    public FormulaMapping(string formula, Func<double, double> function)
    {
        Formula = formula;
        _function = function;
    }

    /// <inheritdoc />
    public override string Formula { get; }

    /// <inheritdoc />
    public override double Map(double raw) => _function(raw);
}

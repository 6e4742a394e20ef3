using ScottPlot;

namespace Fiqa.Evaluation;

/// <summary>Draws FNMR- or FMR-EDC curves (stepwise) with ScottPlot, labelled with a font file so text renders on headless
/// machines without system fonts.</summary>
public static class EdcPlot
{
    /// <summary>Environment variable naming the TrueType font used for labels.</summary>
    public const string FontVariable = "FIQA_FONT";

    private const string FontName = "Fiqa Report Sans";
    private static readonly Lock FontLock = new();
    private static string? _registeredFont;

    /// <summary>The label font: <paramref name="explicitPath"/>, else <c>$FIQA_FONT</c>, else the repository's
    /// <c>data/fonts/DejaVuSans.ttf</c> (installed by scripts/provision-data.sh).</summary>
    public static string LocateFont(string? explicitPath = null)
    {
        var env = Environment.GetEnvironmentVariable(FontVariable);
        var path = explicitPath
            ?? (string.IsNullOrWhiteSpace(env) ? Path.Combine(ProjectPaths.DataDirectory(), "fonts", "DejaVuSans.ttf") : env);
        if (!File.Exists(path))
            throw new FileNotFoundException($"plot font not found: {path}. Install it with scripts/provision-data.sh or set ${FontVariable} to a .ttf file", path);
        return path;
    }

    /// <summary>Writes the plot as PNG and SVG (width×height pixels).</summary>
    public static void Save(EvaluationResult result, string pngPath, string svgPath, string fontPath, int width = 900, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (FontLock)
        {
            if (_registeredFont != fontPath)
            {
                Fonts.AddFontFile(FontName, fontPath);
                _registeredFont = fontPath;
            }
        }
        var plot = new Plot();
        plot.Font.Set(FontName);
        double xMax = Math.Min(1, Math.Max(0.05, result.DiscardLimits.DefaultIfEmpty(0.3).Max() * 1.5));
        var palette = new ScottPlot.Palettes.Category10();
        int colour = 0;
        foreach (var m in EvaluationReport.Ranked(result))
        {
            var line = plot.Add.Scatter(m.Curve.DiscardFractions.ToArray(), m.Curve.ErrorFractions.ToArray());
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.Color = palette.GetColor(colour++);
            if (m.Method == QualityEvaluation.OracleName) line.LinePattern = LinePattern.Dashed;
            line.LegendText = m.PartialAreas.Count > 0
                ? FormattableString.Invariant($"{m.Method} (pAUC@{result.DiscardLimits[0]:0.##} {m.PartialAreas[0]:F4})")
                : m.Method;
        }
        foreach (var d in result.DiscardLimits)
        {
            var v = plot.Add.VerticalLine(d);
            v.LineWidth = 1;
            v.Color = Colors.Gray;
            v.LinePattern = LinePattern.Dotted;
        }
        plot.Title(FormattableString.Invariant($"{result.ErrorName}-EDC at threshold {result.Threshold:F3} ({result.ThresholdRule})"), size: 14);
        plot.XLabel("Fraction of comparisons discarded (lowest pair quality first)");
        plot.YLabel($"{result.ErrorName} of the remaining comparisons");
        double yMax = result.Methods.Max(m => m.Curve.StartingError) * 1.1;
        plot.Axes.SetLimits(0, xMax, 0, yMax > 0 ? yMax : 1);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(pngPath, width, height);
        plot.SaveSvg(svgPath, width, height);
    }
}

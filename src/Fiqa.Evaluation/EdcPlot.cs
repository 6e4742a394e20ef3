using ScottPlot;

namespace Fiqa.Evaluation;

/// <summary>A point marked on an EDC figure (a calibrated threshold), with its interval as a vertical bar.</summary>
/// <param name="Discard">x: fraction of comparisons discarded.</param>
/// <param name="Error">y: error of the remaining comparisons.</param>
/// <param name="Low">Lower end of the interval of <paramref name="Error"/>, if any.</param>
/// <param name="High">Upper end of the interval, if any.</param>
/// <param name="Label">Legend text.</param>
public sealed record EdcMarker(double Discard, double Error, double? Low, double? High, string Label);

/// <summary>Draws FNMR- or FMR-EDC curves (stepwise) with ScottPlot, labelled with a font file so text renders on headless
/// machines without system fonts.</summary>
public static class EdcPlot
{
    private const string FontName = "Fiqa Report Sans";
    private static readonly Lock FontLock = new();
    private static string? _registeredFont;

    /// <summary>Curves named in the legend (best first, plus the oracle); the rest are drawn grey without a label, so a
    /// run over every component stays readable.</summary>
    public const int LabelledCurves = 10;

    /// <summary>The label font file, checked: a missing one is an error that says how to install it.</summary>
    public static string RequireFont(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"plot font not found: {path}. Install it with scripts/provision-data.sh or set ${FiqaPaths.FontVariable} to a .ttf file", path);
        return path;
    }

    /// <summary>Writes the plot as PNG and SVG (width×height pixels).</summary>
    public static void Save(EvaluationResult result, string pngPath, string svgPath, string fontPath, int width = 1200, int height = 600, EdcMarker? marker = null)
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
        if (marker is not null) xMax = Math.Min(1, Math.Max(xMax, marker.Discard * 1.2));
        var palette = new ScottPlot.Palettes.Category10();
        int colour = 0, rank = 0, unlabelled = 0;
        double yMax = 0;
        foreach (var m in EvaluationReport.Ranked(result))
        {
            bool oracle = m.Method == QualityEvaluation.OracleName;
            bool labelled = oracle || rank++ < LabelledCurves;
            var line = plot.Add.Scatter(m.Curve.DiscardFractions.ToArray(), m.Curve.ErrorFractions.ToArray());
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.MarkerSize = 0;
            line.LineWidth = labelled ? 2 : 1;
            line.Color = labelled ? palette.GetColor(colour++) : Colors.LightGray;
            if (oracle) line.LinePattern = LinePattern.Dashed;
            if (labelled)
                line.LegendText = m.PartialAreas.Count > 0 && double.IsFinite(m.PartialAreas[0])
                    ? FormattableString.Invariant($"{m.Method} (pAUC@{result.DiscardLimits[0]:0.##} {m.PartialAreas[0]:F4})")
                    : m.Method;
            else unlabelled++;
            // The y range covers every point inside the x range, not only the starting error (EDCs can rise).
            for (int k = 0; k < m.Curve.DiscardFractions.Count; k++)
                if (m.Curve.DiscardFractions[k] <= xMax) yMax = Math.Max(yMax, m.Curve.ErrorFractions[k]);
        }
        if (unlabelled > 0)
        {
            var note = plot.Add.Scatter(new double[] { double.NaN }, new double[] { double.NaN });
            note.Color = Colors.LightGray;
            note.MarkerSize = 0;
            note.LegendText = FormattableString.Invariant($"{unlabelled} more (grey; see report.md)");
        }
        foreach (var d in result.DiscardLimits)
        {
            var v = plot.Add.VerticalLine(d);
            v.LineWidth = 1;
            v.Color = Colors.Gray;
            v.LinePattern = LinePattern.Dotted;
        }
        if (marker is not null)
        {
            if (marker.Low is double low && marker.High is double high)
            {
                var bar = plot.Add.Line(marker.Discard, low, marker.Discard, high);
                bar.Color = Colors.Black;
                bar.LineWidth = 2;
                yMax = Math.Max(yMax, high);
            }
            var point = plot.Add.Scatter(new[] { marker.Discard }, new[] { marker.Error });
            point.Color = Colors.Black;
            point.MarkerSize = 10;
            point.MarkerShape = MarkerShape.FilledDiamond;
            point.LegendText = marker.Label;
        }
        plot.Title(FormattableString.Invariant($"{result.ErrorName}-EDC at threshold {result.Threshold:F3} ({result.ThresholdRule})"), size: 14);
        plot.XLabel("Fraction of comparisons discarded (lowest pair quality first)");
        plot.YLabel($"{result.ErrorName} of the remaining comparisons");
        plot.Axes.SetLimits(0, xMax, 0, yMax > 0 ? yMax * 1.05 : 1);
        // Outside the data area: the legend never covers a curve.
        plot.ShowLegend(Edge.Right);
        plot.SavePng(pngPath, width, height);
        plot.SaveSvg(svgPath, width, height);
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Fiqa.Batch;

namespace Fiqa.Cli;

/// <summary>The progress line of every long command ("fiqa eval: images: 1,200/10,000 (12.0 %) done, 35.2 images/s, ETA 4:10"),
/// written at most once per interval: <c>assess</c> when stderr is not a terminal, and <c>eval</c>, <c>train-quality</c>,
/// <c>calibrate</c>, <c>jnd-eval</c> and <c>video</c> always. Thread-safe: parallel workers report as they finish.</summary>
internal sealed class ProgressMeter
{
    private readonly TextWriter _to;
    private readonly string _name;
    private readonly double _interval;
    private readonly string _unit;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private double _next;
    private long _printed;
    private bool _shown;

    /// <param name="to">Where the lines go (stderr).</param>
    /// <param name="name">The line's prefix, e.g. "fiqa eval: embeddings".</param>
    /// <param name="intervalSeconds">Seconds between lines; 0: none.</param>
    /// <param name="unit">What is counted, plural ("files", "images", "frames").</param>
    public ProgressMeter(TextWriter to, string name, double intervalSeconds, string unit = "files")
    {
        _to = to;
        _name = name;
        _interval = intervalSeconds;
        _unit = unit;
        _next = intervalSeconds;
    }

    /// <summary>The <c>--progress-interval</c> option the long commands share (default 10 s).</summary>
    public static Option<double> IntervalOption() => new("--progress-interval")
    {
        Description = "Seconds between progress lines (done, rate, ETA) on stderr; 0: none",
        DefaultValueFactory = _ => 10,
    };

    /// <summary>The option's value, checked.</summary>
    public static double Interval(ParseResult p, Option<double> option)
    {
        ArgumentNullException.ThrowIfNull(p);
        double v = p.GetValue(option);
        return v >= 0 && double.IsFinite(v) ? v : throw new UsageException($"--progress-interval must be 0 or more seconds, got {v.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>Reports <paramref name="done"/> of <paramref name="total"/> (null: unknown) counted since this meter started.</summary>
    public void Report(long done, long? total)
    {
        var elapsed = _clock.Elapsed;
        Report(new BatchProgress(done, total, done / Math.Max(1e-9, elapsed.TotalSeconds), elapsed));
    }

    /// <summary>Reports a batch's own progress (its rate counts only this process's work, not a resumed run's).</summary>
    public void Report(BatchProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (_interval <= 0) return;
        lock (_gate)
        {
            // Parallel workers may report their counts out of order: the lines only count up. Once a line was shown, the
            // last count is shown too, however soon after the line before it (two workers finishing within the interval).
            bool last = _shown && p.Total is long total && p.Done >= total && p.Done > _printed;
            if ((p.Elapsed.TotalSeconds < _next && !last) || p.Done < _printed) return;
            _next = p.Elapsed.TotalSeconds + _interval;
            _printed = p.Done;
            _shown = true;
            _to.WriteLine(Line(_name, p, _unit));
        }
    }

    /// <summary>"fiqa assess: 1,200/10,000 (12.0 %) done, 35.2 files/s, ETA 4:10".</summary>
    public static string Line(string name, BatchProgress p, string unit = "files")
    {
        ArgumentNullException.ThrowIfNull(p);
        var total = p.Total is long t ? string.Create(CultureInfo.InvariantCulture, $"/{t:N0} ({100.0 * p.Done / Math.Max(1, t):F1} %)") : "";
        var eta = p.Eta is { } e ? $", ETA {Duration(e)}" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{name}: {p.Done:N0}{total} done, {p.FilesPerSecond:F1} {unit}/s{eta}");
    }

    /// <summary>"fiqa eval: 2 of 149 images had no usable face and are left out: a.jpg, b.jpg" (the first 20 named), or null
    /// when every image had one.</summary>
    public static string? WithoutFaceLine(string name, IReadOnlyList<string> withoutFace, int total)
    {
        ArgumentNullException.ThrowIfNull(withoutFace);
        if (withoutFace.Count == 0) return null;
        return $"{name}: {withoutFace.Count} of {total} images had no usable face and are left out: {string.Join(", ", withoutFace.Take(20))}"
            + (withoutFace.Count > 20 ? $", … and {withoutFace.Count - 20} more" : "");
    }

    /// <summary>"0:04:10", "4:10", "3.2 s".</summary>
    public static string Duration(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t:mm\\:ss}" : t.TotalSeconds >= 10 ? $"{t:m\\:ss}" : $"{t.TotalSeconds:F1} s";
}

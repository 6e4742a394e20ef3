using Fiqa.Quality.Records;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Fiqa.Imaging;
using Fiqa.Iqa;

namespace Fiqa.Cli;

/// <summary><c>fiqa bench-iqa</c>: median ms per image of every IQA metric on a 512×384 pair (TID2013 I04, from
/// ../shared when present, else the astronaut crop) and on a ~2 MP pair (face-api sample1.jpg and its JPEG q30).</summary>
internal static class BenchIqaCommand
{
    public static Command Create(CliOutput io)
    {
        var iterations = new Option<int>("--iterations") { Description = "Timed repetitions per metric and size", DefaultValueFactory = _ => 15 };
        var json = new Option<bool>("--json") { Description = "One JSON line per (metric, size) instead of a table" };
        var only = new Option<string?>("--metric") { Description = "Comma-separated metrics to time (default: every metric of the catalogue)" };
        var command = new Command("bench-iqa", "Median time per image of each IQA metric at 512×384 and ~2 MP") { iterations, json, only };
        command.SetAction(p =>
        {
            int n = p.GetValue(iterations);
            if (n < 3) throw new UsageException("--iterations must be at least 3");
            var pairs = new List<(string Size, RgbImage Ref, RgbImage Dist)>();
            var paths = CliPaths.Resolve();
            var shared = Path.Combine(paths.Installation ?? ".", "..", "shared", "calibration", "iqa");
            if (Directory.Exists(shared))
                pairs.Add(("512x384", ImageDecoder.Decode(Path.Combine(shared, "ref", "I04.bmp")), ImageDecoder.Decode(Path.Combine(shared, "dist", "I04.bmp"))));
            var big = ImageDecoder.Decode(CliPaths.RequireData(paths, "face-api/sample1.jpg"));
            pairs.Add(($"{big.Width}x{big.Height}", big, ImageDecoder.Decode(ImageEncoder.Jpeg(big, 30))));
            if (!p.GetValue(json))
            {
                io.Out.WriteLine($"| metric | {string.Join(" | ", pairs.Select(x => x.Size + " ms"))} |");
                io.Out.WriteLine("|---|" + string.Concat(pairs.Select(_ => "---:|")));
            }
            var selected = p.GetValue(only) is { } names
                ? names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(IqaCatalogue.Find).ToList()
                : IqaCatalogue.All.ToList();
            foreach (var d in selected)
            {
                var metric = IqaCatalogue.Create(d.Name, IqaSettings.FromPaths(paths));
                double score(RgbImage r, RgbImage x) => metric.Score(x, r);
                var medians = new List<double>();
                foreach (var (size, r, x) in pairs)
                {
                    score(r, x); // warm-up (JIT)
                    var ms = new double[n];
                    for (int i = 0; i < n; i++)
                    {
                        long t = Stopwatch.GetTimestamp();
                        score(r, x);
                        ms[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                    }
                    Array.Sort(ms);
                    medians.Add(ms[n / 2]);
                    if (p.GetValue(json))
                        io.Out.WriteLine(FaceJson.Write(w => { w.WriteString("metric", d.Name); w.WriteString("size", size); w.WriteNumber("median_ms", Math.Round(ms[n / 2], 3)); }));
                }
                if (!p.GetValue(json))
                    io.Out.WriteLine($"| {d.Name} | {string.Join(" | ", medians.Select(m => m.ToString("F1", CultureInfo.InvariantCulture)))} |");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}

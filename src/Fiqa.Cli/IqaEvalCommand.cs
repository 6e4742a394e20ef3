using Fiqa.Quality.Records;
using System.CommandLine;
using Fiqa.Iqa;

namespace Fiqa.Cli;

/// <summary><c>fiqa iqa-eval --scores S.csv --mos M.csv</c>: SRCC, KRCC, PLCC and RMSE of a metric against MOS.</summary>
internal static class IqaEvalCommand
{
    public static Command Create(CliOutput io)
    {
        var scores = new Option<string>("--scores") { Description = "CSV: file,score (header optional)", Required = true };
        var mos = new Option<string>("--mos") { Description = "CSV: file,mos (header optional)", Required = true };
        var metric = new Option<string?>("--metric") { Description = "The metric that made the scores (its direction comes from the catalogue)" };
        var lowerBetter = new Option<bool>("--lower-better") { Description = "Lower scores mean better quality (GMSD, NIQE, …), when --metric is not given" };
        var logistic = new Option<string>("--logistic") { Description = "5 (VQEG 5-parameter), 4, or none", DefaultValueFactory = _ => "5" };
        logistic.AcceptOnlyFromAmong("5", "4", "none");
        var bootstrap = new Option<int>("--bootstrap") { Description = "Resamples for 95 % intervals of SRCC and PLCC (0 = none)", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Bootstrap seed", DefaultValueFactory = _ => 1 };
        var command = new Command("iqa-eval", "Correlation of metric scores with mean opinion scores") { scores, mos, metric, lowerBetter, logistic, bootstrap, seed };
        command.SetAction(p =>
        {
            bool lower = p.GetValue(lowerBetter);
            if (p.GetValue(metric) is { } name)
            {
                try
                {
                    lower = IqaCatalogue.Find(name).LowerIsBetter;
                }
                catch (ArgumentException e)
                {
                    throw UsageException.From(e);
                }
            }
            if (p.GetValue(bootstrap) < 0) throw new UsageException($"--bootstrap must be 0 or more, got {p.GetValue(bootstrap)}");
            Dictionary<string, double> s, m;
            try
            {
                s = Read(p.GetRequiredValue(scores));
                m = Read(p.GetRequiredValue(mos));
            }
            catch (Exception e) when (e is FormatException or FileNotFoundException)
            {
                throw new UsageException(e.Message, e);
            }
            var keys = s.Keys.Where(m.ContainsKey).Order(StringComparer.Ordinal).ToList();
            if (keys.Count < 3) throw new UsageException($"only {keys.Count} file(s) appear in both {p.GetValue(scores)} and {p.GetValue(mos)}; need at least 3");
            var unmatched = s.Keys.Where(k => !m.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
            if (unmatched.Count > 0)
                io.Error.WriteLine($"fiqa iqa-eval: using {keys.Count} of {s.Count} scores; {unmatched.Count} have no MOS row: {string.Join(", ", unmatched.Take(10))}{(unmatched.Count > 10 ? ", …" : "")}");
            // For a lower-is-better metric the scores are negated, so a metric that agrees with MOS reads positive
            // SRCC, KRCC and PLCC whatever its direction.
            var x = keys.Select(k => lower ? -s[k] : s[k]).ToArray();
            var y = keys.Select(k => m[k]).ToArray();
            var kind = p.GetValue(logistic) switch { "4" => IqaStatistics.Logistic.FourParameter, "none" => IqaStatistics.Logistic.None, _ => IqaStatistics.Logistic.FiveParameter };
            var a = IqaStatistics.Evaluate(x, y, kind);
            int b = p.GetValue(bootstrap);
            io.Out.WriteLine(FaceJson.Write(w =>
            {
                Number(w, "srcc", a.Srcc);
                Number(w, "krcc", a.Krcc);
                Number(w, "plcc", a.Plcc);
                Number(w, "rmse", a.Rmse);
                w.WriteNumber("n", a.N);
                w.WriteBoolean("lower_better", lower);
                if (b > 0)
                {
                    var sr = IqaStatistics.BootstrapInterval(x, y, IqaStatistics.Spearman, b, p.GetValue(seed));
                    var pl = IqaStatistics.BootstrapInterval(x, y, (xs, ys) => IqaStatistics.Pearson(IqaStatistics.Fit(xs, ys, kind), ys), b, p.GetValue(seed));
                    Interval(w, "srcc_ci95", sr);
                    Interval(w, "plcc_ci95", pl);
                }
            }));
            return ExitCodes.Success;
        });
        return command;
    }

    // Undefined statistics (constant scores) are null, not NaN, so the line stays valid JSON.
    private static void Number(System.Text.Json.Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }

    // An interval no resample could compute (e.g. constant scores) is written as null, not NaN.
    private static void Interval(System.Text.Json.Utf8JsonWriter w, string name, (double Low, double High) ci)
    {
        if (!double.IsFinite(ci.Low) || !double.IsFinite(ci.High))
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartArray(name);
        w.WriteNumberValue(ci.Low);
        w.WriteNumberValue(ci.High);
        w.WriteEndArray();
    }

    // file,value rows; a first row whose value is not a number is a header.
    private static Dictionary<string, double> Read(string path)
    {
        var csv = CsvFile.Read(path, hasHeader: false);
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int i = 0; i < csv.Rows.Count; i++)
        {
            var row = csv.Rows[i];
            if (row.Fields.Count < 2) throw csv.Error(row, "expected file,value");
            var value = csv.Field(row, row.Fields.Count - 1);
            if (i == 0 && !double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)) continue;
            var key = Path.GetFileName(csv.Field(row, 0));
            if (!d.TryAdd(key, csv.Number(row, row.Fields.Count - 1))) throw csv.Error(row, $"'{key}' appears twice");
        }
        return d;
    }
}

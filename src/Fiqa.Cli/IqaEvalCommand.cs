using System.CommandLine;
using System.Globalization;
using Fiqa.Iqa;

namespace Fiqa.Cli;

/// <summary><c>fiqa iqa-eval --scores S.csv --mos M.csv</c>: SRCC, KRCC, PLCC and RMSE of a metric against MOS.</summary>
internal static class IqaEvalCommand
{
    public static Command Create(CliOutput io)
    {
        var scores = new Option<string>("--scores") { Description = "CSV: file,score (header optional)", Required = true };
        var mos = new Option<string>("--mos") { Description = "CSV: file,mos (header optional)", Required = true };
        var logistic = new Option<string>("--logistic") { Description = "5 (VQEG 5-parameter), 4, or none", DefaultValueFactory = _ => "5" };
        logistic.AcceptOnlyFromAmong("5", "4", "none");
        var bootstrap = new Option<int>("--bootstrap") { Description = "Resamples for 95 % intervals of SRCC and PLCC (0 = none)", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Bootstrap seed", DefaultValueFactory = _ => 1 };
        var command = new Command("iqa-eval", "Correlation of metric scores with mean opinion scores") { scores, mos, logistic, bootstrap, seed };
        command.SetAction(p =>
        {
            Dictionary<string, double> s, m;
            try
            {
                s = Read(p.GetRequiredValue(scores));
                m = Read(p.GetRequiredValue(mos));
            }
            catch (FormatException e)
            {
                throw new UsageException(e.Message, e);
            }
            var keys = s.Keys.Where(m.ContainsKey).Order(StringComparer.Ordinal).ToList();
            if (keys.Count < 3) throw new UsageException($"only {keys.Count} file(s) appear in both CSVs; need at least 3");
            var x = keys.Select(k => s[k]).ToArray();
            var y = keys.Select(k => m[k]).ToArray();
            var kind = p.GetValue(logistic) switch { "4" => IqaStatistics.Logistic.FourParameter, "none" => IqaStatistics.Logistic.None, _ => IqaStatistics.Logistic.FiveParameter };
            var a = IqaStatistics.Evaluate(x, y, kind);
            int b = p.GetValue(bootstrap);
            io.Out.WriteLine(FaceJson.Write(w =>
            {
                w.WriteNumber("srcc", a.Srcc);
                w.WriteNumber("krcc", a.Krcc);
                w.WriteNumber("plcc", a.Plcc);
                w.WriteNumber("rmse", a.Rmse);
                w.WriteNumber("n", a.N);
                if (b > 0)
                {
                    var sr = IqaStatistics.BootstrapInterval(x, y, IqaStatistics.Spearman, b, p.GetValue(seed));
                    var pl = IqaStatistics.BootstrapInterval(x, y, (xs, ys) => IqaStatistics.Pearson(IqaStatistics.Fit(xs, ys, kind), ys), b, p.GetValue(seed));
                    w.WriteStartArray("srcc_ci95"); w.WriteNumberValue(sr.Low); w.WriteNumberValue(sr.High); w.WriteEndArray();
                    w.WriteStartArray("plcc_ci95"); w.WriteNumberValue(pl.Low); w.WriteNumberValue(pl.High); w.WriteEndArray();
                }
            }));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Dictionary<string, double> Read(string path)
    {
        if (!File.Exists(path)) throw new FormatException($"file not found: {path}");
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        int line = 0;
        foreach (var raw in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(raw)) continue;
            var f = raw.Split(',');
            if (f.Length < 2) throw new FormatException($"{path}:{line}: expected file,value");
            if (!double.TryParse(f[^1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                if (line == 1) continue; // header
                throw new FormatException($"{path}:{line}: '{f[^1].Trim()}' is not a number");
            }
            d[Path.GetFileName(f[0].Trim())] = v;
        }
        return d;
    }
}

using System.CommandLine;
using System.Text.Json;
using Fiqa.Quality.Reports;

namespace Fiqa.Cli;

/// <summary><c>fiqa report OUT.jsonl</c>: a self-contained HTML page for a batch of <c>fiqa assess</c> records: pass rate,
/// reason histogram, a thumbnail per record.</summary>
internal static class ReportCommand
{
    public static Command Create(CliOutput io)
    {
        var input = new Argument<string>("records") { Description = "JSON Lines written by 'fiqa assess'" };
        var output = new Option<string?>("--out", "-o") { Description = "HTML file (default: the records' name with .html)" };
        var command = new Command("report", "Write a batch HTML report (thumbnails, pass rate, reason histogram) from 'fiqa assess' JSON Lines") { input, output };
        command.SetAction(p =>
        {
            var path = OutputFile.Existing(p.GetRequiredValue(input), "records file");
            var records = new List<JsonElement>();
            int lineNo = 0;
            foreach (var line in File.ReadLines(path))
            {
                lineNo++;
                if (string.IsNullOrWhiteSpace(line)) continue;
                try
                {
                    records.Add(JsonDocument.Parse(line).RootElement.Clone());
                }
                catch (JsonException e)
                {
                    throw new CommandFailedException($"{path}:{lineNo}: not a JSON record: {e.Message}", e);
                }
            }
            var baseDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            // Records hold paths as given to 'fiqa assess': relative to where it ran, else to the records file.
            string Resolve(string file) => Path.IsPathRooted(file) || File.Exists(file) ? file : Path.Combine(baseDir, file);
            var outPath = p.GetValue(output) ?? Path.ChangeExtension(path, ".html");
            using (var writer = OutputFile.Open(outPath))
                writer.Write(BatchReport.Html(records, Resolve, $"Fiqa report: {Path.GetFileName(path)}"));
            var s = BatchReport.Summarise(records);
            io.Error.WriteLine($"fiqa report: {outPath}: {s.Records} record(s)" + (s.PassRate is double r ? $", {r * 100:0.0}% pass" : ""));
            return ExitCodes.Success;
        });
        return command;
    }
}

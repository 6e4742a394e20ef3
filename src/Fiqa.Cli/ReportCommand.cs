using System.CommandLine;
using Fiqa.Batch;
using Fiqa.Quality.Reports;

namespace Fiqa.Cli;

/// <summary><c>fiqa report RECORDS</c>: an HTML page for a batch of <c>fiqa assess</c> records (JSON Lines, CSV or
/// Parquet): pass rate, reason histogram, a card per record with a lazily loaded thumbnail from a folder beside the
/// page, paged and filtered in the browser.</summary>
internal static class ReportCommand
{
    public static Command Create(CliOutput io)
    {
        var input = new Argument<string>("records") { Description = "Records written by 'fiqa assess' (.jsonl, .csv or .parquet; the format is read from the content)" };
        var output = new Option<string?>("--out", "-o") { Description = "HTML file (default: the records' name with .html); thumbnails go to NAME_thumbs/ beside it" };
        var pageSize = new Option<int>("--page-size") { Description = "Records per page of the report", DefaultValueFactory = _ => new BatchReportOptions().PageSize };
        var threads = new Option<int>("--threads") { Description = "Images decoded in parallel for thumbnails (output is identical for any value)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("report", "Write a batch HTML report (thumbnails, pass rate, reason histogram, paging and filters) from 'fiqa assess' records")
        {
            input, output, pageSize, threads,
        };
        command.SetAction(p =>
        {
            var path = OutputFile.Existing(p.GetRequiredValue(input), "records file");
            if (p.GetValue(pageSize) is < 1 or > 10_000) throw new UsageException($"--page-size must be in 1..10000, got {p.GetValue(pageSize)}");
            if (p.GetValue(threads) < 1) throw new UsageException($"--threads must be at least 1, got {p.GetValue(threads)}");
            IReadOnlyList<AssessRecord> records;
            try
            {
                records = AssessRecordFile.Read(path);
            }
            catch (InvalidDataException e)
            {
                throw new UsageException(e.Message, e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandFailedException($"cannot read {path}: {e.Message}", e);
            }
            var baseDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            // Records hold paths as given to 'fiqa assess': relative to where it ran, else to the records file.
            string Resolve(string file) => Path.IsPathRooted(file) || File.Exists(file) ? file : Path.Combine(baseDir, file);
            var outPath = p.GetValue(output) ?? Path.ChangeExtension(path, ".html");
            if (Directory.Exists(outPath)) throw new UsageException($"--out {outPath} is a folder; give a file path (e.g. {Path.Combine(outPath, "report.html")})");
            BatchReportResult result;
            try
            {
                var dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
                if (dir is not null) Directory.CreateDirectory(dir);
                result = BatchReport.Write(records, Resolve, outPath, $"Fiqa report: {Path.GetFileName(path)}",
                    new BatchReportOptions { PageSize = p.GetValue(pageSize), Threads = p.GetValue(threads) });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandFailedException($"cannot write --out {outPath}: {e.Message}", e);
            }
            var s = result.Summary;
            io.Error.WriteLine($"fiqa report: {outPath}: {s.Records} record(s)" + (s.PassRate is double r ? $", {r * 100:0.0}% pass" : "")
                + $"; {result.Thumbnails} thumbnail(s) in {result.ThumbnailFolder}");
            return ExitCodes.Success;
        });
        return command;
    }
}

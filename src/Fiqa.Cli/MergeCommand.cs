using System.CommandLine;
using Fiqa.Batch;

namespace Fiqa.Cli;

/// <summary><c>fiqa merge --out all.jsonl shard-*.jsonl</c>: joins the outputs of <c>fiqa assess --shard</c> runs.</summary>
internal static class MergeCommand
{
    public static Command Create(CliOutput io)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Shard outputs of one format (JSONL, CSV or Parquet)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "The merged file ('-': stdout, JSONL/CSV only)", Required = true };
        var format = new Option<string?>("--format") { Description = "jsonl, csv or parquet; default: from the --out extension" };
        format.AcceptOnlyFromAmong([.. RecordSinks.Formats]);
        var delimiter = new Option<string>("--delimiter") { Description = "CSV delimiter of the inputs", DefaultValueFactory = _ => "," };
        var command = new Command("merge", "Join shard outputs into one file (JSONL/CSV merged by input path; Parquet row groups in input order)")
        {
            inputs, output, format, delimiter,
        };
        command.SetAction(p =>
        {
            var outPath = p.GetRequiredValue(output);
            var delim = p.GetValue(delimiter)!;
            if (delim.Length != 1) throw new UsageException($"--delimiter must be one character, got '{delim}'");
            if (Directory.Exists(outPath)) throw new UsageException($"--out {outPath} is a folder; give a file path");
            var files = p.GetRequiredValue(inputs);
            var fmt = RecordSinks.FormatFor(outPath, p.GetValue(format));
            long n;
            try
            {
                n = RecordMerge.Merge(files, outPath, fmt, delim[0], io.Out);
            }
            catch (ArgumentException e)
            {
                throw UsageException.From(e);
            }
            io.Error.WriteLine($"fiqa merge: {n} record(s) from {files.Length} file(s) into {outPath}");
            return ExitCodes.Success;
        });
        return command;
    }
}

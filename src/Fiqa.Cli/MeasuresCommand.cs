using System.CommandLine;
using Fiqa.Quality;

namespace Fiqa.Cli;

/// <summary><c>fiqa measures</c>: the catalogue, from the descriptors (as a table, or Markdown for the docs).</summary>
internal static class MeasuresCommand
{
    public static Command Create(CliOutput io)
    {
        var markdown = new Option<bool>("--markdown") { Description = "Print a Markdown table (docs/measures.md is generated from it)" };
        var command = new Command("measures", "List the quality measures: id, aspect, native value, mapping, method") { markdown };
        command.SetAction(p =>
        {
            if (p.GetValue(markdown))
            {
                io.Out.WriteLine("| id | aspect | native value | mapping to 0..100 | Fiqa's method and difference from OFIQ | a low value means |");
                io.Out.WriteLine("|---|---|---|---|---|---|");
                foreach (var e in MeasureCatalogue.Entries)
                {
                    var d = e.Descriptor;
                    io.Out.WriteLine($"| {d.Id} | {d.Aspect} | {Cell(d.Native)} | {Cell(d.Mapping.Formula)} | {Cell(d.Method)} | {Cell(e.LowMeans)} |");
                }
                return ExitCodes.Success;
            }
            foreach (var e in MeasureCatalogue.Entries)
                io.Out.WriteLine($"{e.Descriptor.Id,-30} {e.Descriptor.Aspect,-9} {e.Descriptor.Native}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);
}

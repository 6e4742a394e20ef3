using System.CommandLine;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Cli;

/// <summary><c>fiqa measures</c> and <c>fiqa methods</c>: the catalogues, from their descriptors (as a table, or Markdown
/// for the docs).</summary>
internal static class MeasuresCommand
{
    public static Command Create(CliOutput io)
    {
        var markdown = new Option<bool>("--markdown") { Description = "Print a Markdown table (docs/measures.md holds it; a test checks they agree)" };
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
                    io.Out.WriteLine($"| {d.Name} | {d.Aspect} | {Cell(d.Native)} | {Cell(d.Mapping.Formula)} | {Cell(d.Method)} | {Cell(e.LowMeans)} |");
                }
                return ExitCodes.Success;
            }
            foreach (var e in MeasureCatalogue.Entries)
                io.Out.WriteLine($"{e.Descriptor.Name,-30} {e.Descriptor.Aspect,-9} {e.Descriptor.Native}");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command CreateMethods(CliOutput io)
    {
        var markdown = new Option<bool>("--markdown") { Description = "Print a Markdown table" };
        var command = new Command("methods", "List the unified quality methods: name, kind, raw value, mapping, source") { markdown };
        command.SetAction(p =>
        {
            if (p.GetValue(markdown))
            {
                io.Out.WriteLine("| method | kind | raw value | mapping to 0..100 | source |");
                io.Out.WriteLine("|---|---|---|---|---|");
                foreach (var e in UnifiedCatalogue.Methods.Entries)
                {
                    var d = e.Descriptor;
                    io.Out.WriteLine($"| `{e.Syntax()}` | {Kind(d)} | {Cell(d.Description)} | {Cell(d.Mapping.Formula)} | {Cell(d.Source)} |");
                }
                return ExitCodes.Success;
            }
            foreach (var e in UnifiedCatalogue.Methods.Entries)
                io.Out.WriteLine($"{e.Syntax(),-14} {Kind(e.Descriptor),-18} {e.Descriptor.Description}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Kind(UnifiedMethodDescriptor d) => d.Kind == UnifiedMethodKind.Blind ? "blind" : "labelled reference";

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);
}

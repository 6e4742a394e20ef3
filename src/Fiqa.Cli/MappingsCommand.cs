using System.CommandLine;
using System.Globalization;
using Fiqa.Quality;

namespace Fiqa.Cli;

/// <summary><c>fiqa mappings</c>: the effective 0..100 mappings — the built-in file, or it with <c>--mappings FILE</c>'s
/// overrides — as JSON (itself a valid override file) or as the Markdown table docs/measures.md holds.</summary>
internal static class MappingsCommand
{
    /// <summary>The <c>--mappings FILE</c> option of the commands that map native values.</summary>
    public static Option<string?> Option() => new("--mappings")
    {
        Description = "JSON file of 0..100 mapping parameters laid over the built-in ones (only the entries it names; see 'fiqa mappings')",
    };

    /// <summary>The table the option asks for: the built-in one without it; a bad file is a usage error naming it.</summary>
    public static MappingTable Load(ParseResult p, Option<string?> option) =>
        p.GetValue(option) is { } path ? MappingTable.Load(path) : MappingTable.Default;

    public static Command Create(CliOutput io)
    {
        var mappings = Option();
        var markdown = new Option<bool>("--markdown") { Description = "Print the Markdown table (docs/measures.md holds it; a test checks they agree)" };
        var command = new Command("mappings", "Print the effective 0..100 mappings of the quality measures and unified methods (JSON in the --mappings format)") { mappings, markdown };
        command.SetAction(p =>
        {
            var table = Load(p, mappings);
            if (!p.GetValue(markdown))
            {
                io.Out.Write(table.ToJson());
                return ExitCodes.Success;
            }
            io.Out.WriteLine("| section | key | mapping | parameters | source |");
            io.Out.WriteLine("|---|---|---|---|---|");
            foreach (var (section, entries) in new[] { ("measures", table.Measures), ("unified", table.Unified) })
                foreach (var e in entries)
                {
                    var parameters = string.Join(", ", e.Mapping.Parameters.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} = {kv.Value}")));
                    io.Out.WriteLine($"| {section} | {e.Key} | {e.Mapping.Kind} | {parameters} | {Cell(e.Source)} |");
                }
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);
}

using System.CommandLine;
using Fiqa.Quality;

namespace Fiqa.Cli;

/// <summary><c>fiqa profiles [NAME|FILE]</c>: the verdict profiles and their requirements (thresholds in raw units, reason
/// codes, sources), as text or Markdown (docs/measures.md holds the Markdown; a test checks they agree).</summary>
internal static class ProfilesCommand
{
    public static Command Create(CliOutput io)
    {
        var names = new Argument<string[]>("profiles") { Description = "Built-in profile names or JSON files (default: every built-in profile)", Arity = ArgumentArity.ZeroOrMore };
        var markdown = new Option<bool>("--markdown") { Description = "Print Markdown tables" };
        var command = new Command("profiles", "List verdict profiles: each requirement with its threshold, unit, reason code and source") { names, markdown };
        command.SetAction(p =>
        {
            var wanted = p.GetValue(names) is { Length: > 0 } given ? given : VerdictProfile.BuiltIn.ToArray();
            var profiles = wanted.Select(n =>
            {
                try { return VerdictProfile.Load(n); }
                catch (ArgumentException e) { throw UsageException.From(e); }
            }).ToList();
            foreach (var profile in profiles)
            {
                if (p.GetValue(markdown))
                {
                    io.Out.WriteLine(profile.Markdown());
                    continue;
                }
                io.Out.WriteLine($"{profile.Name}: {profile.Description}");
                foreach (var r in profile.Requirements)
                    io.Out.WriteLine($"  {r.Code,-28} {r.Describe(),-44} {r.Clause}");
                io.Out.WriteLine();
            }
            return ExitCodes.Success;
        });
        return command;
    }
}

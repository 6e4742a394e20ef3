using System.CommandLine;
using Fiqa.Face.Models;

namespace Fiqa.Cli;

/// <summary>The <c>fiqa</c> command line, runnable in-process (tests call <see cref="Run"/> with their own writers).</summary>
public static class CliApp
{
    /// <summary>Parses and runs one command line; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var io = new CliOutput(stdout, stderr);
        var root = new RootCommand("Fiqa — face image quality assessment and image quality metrics.")
        {
            AssessCommand.Create(io),
            CompareCommand.Create(io),
            DemoCommand.Create(io),
            BenchCommand.Create(io),
            EvalCommand.Create(io),
            MeasuresCommand.Create(io),
            IqaCommand.Create(io),
            IqaEvalCommand.Create(io),
            BenchIqaCommand.Create(io),
            TrainQualityCommand.CreateDegrade(io),
            TrainQualityCommand.CreateTrain(io),
            TrainQualityCommand.CreateCalibrate(io),
            CropCommand.Create(io),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) stderr.WriteLine($"fiqa: {e.Message}");
            stderr.WriteLine("Run 'fiqa --help' for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"fiqa: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (ModelConfigurationException e)
        {
            stderr.WriteLine($"fiqa: {e.Message}");
            return ExitCodes.Setup;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"fiqa: {e.Message}");
            return ExitCodes.Setup;
        }
    }
}

/// <summary>Where a command writes: results to <see cref="Out"/>, progress and diagnostics to <see cref="Error"/>.</summary>
public sealed record CliOutput(TextWriter Out, TextWriter Error);

/// <summary>A command line that parsed but makes no sense (e.g. a missing input).</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UsageException(string message) : base(message) { }
    /// <summary>Creates the exception.</summary>
    public UsageException() { }
    /// <summary>Creates the exception.</summary>
    public UsageException(string message, Exception inner) : base(message, inner) { }
}

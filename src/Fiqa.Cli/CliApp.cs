using System.CommandLine;
using Fiqa.Onnx;

namespace Fiqa.Cli;

/// <summary>The <c>fiqa</c> command line, runnable in-process (tests call <see cref="Run"/> with their own writers). Every
/// failure is one line on stderr naming the path or value, never a stack trace: exit 2 for a command line that makes no
/// sense, 3 when models are missing, 1 for anything else.</summary>
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
            MergeCommand.Create(io),
            QueueCommands.CreateQueue(io),
            QueueCommands.CreateWorker(io),
            CompareCommand.Create(io),
            DemoCommand.Create(io),
            BenchCommand.Create(io),
            EvalCommand.Create(io),
            EvalVerdictsCommand.Create(io),
            ExplainCommand.Create(io),
            MeasuresCommand.Create(io),
            MeasuresCommand.CreateMethods(io),
            MappingsCommand.Create(io),
            ProfilesCommand.Create(io),
            IqaCommand.Create(io),
            IqaEvalCommand.Create(io),
            JndCommand.Create(io),
            JndCommand.CreateEval(io),
            BenchIqaCommand.Create(io),
            TrainingCommands.CreateDegrade(io),
            TrainingCommands.CreateTrain(io),
            LfwTrainCommand.Create(io),
            TrainingCommands.CreateCalibrate(io),
            TrainingCommands.CreateCrop(io),
            TrainingCommands.CreateExportHead(io),
            VideoCommand.Create(io),
            ServeCommand.Create(),
            ReportCommand.Create(io),
        };
        // '@list.txt' is Fiqa's own list syntax (paths relative to the list, one per line, # comments), not a response file.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
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
        catch (ArgumentException e)
        {
            // Library validation that the command did not translate: still the user's input.
            stderr.WriteLine($"fiqa: {Message(e)}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidDataException or CommandFailedException)
        {
            stderr.WriteLine($"fiqa: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>An exception's message without .NET's "(Parameter 'name')" suffix.</summary>
    public static string Message(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is ArgumentException { ParamName: { } name } a)
        {
            var suffix = $" (Parameter '{name}')";
            return a.Message.EndsWith(suffix, StringComparison.Ordinal) ? a.Message[..^suffix.Length] : a.Message;
        }
        return e.Message;
    }
}

/// <summary>Where a command writes: results to <see cref="Out"/>, progress and diagnostics to <see cref="Error"/>.</summary>
public sealed record CliOutput(TextWriter Out, TextWriter Error);

/// <summary>A command line that parsed but makes no sense (e.g. a missing input): exit 2.</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UsageException(string message) : base(message) { }
    /// <summary>Creates the exception.</summary>
    public UsageException() { }
    /// <summary>Creates the exception.</summary>
    public UsageException(string message, Exception inner) : base(message, inner) { }

    /// <summary>A usage error carrying a library exception's message (without "(Parameter …)").</summary>
    public static UsageException From(Exception inner) => new(CliApp.Message(inner), inner);
}

/// <summary>A run that cannot go on for a reason outside the command line (an output that cannot be written): exit 1.</summary>
public sealed class CommandFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CommandFailedException(string message) : base(message) { }
    /// <summary>Creates the exception.</summary>
    public CommandFailedException() { }
    /// <summary>Creates the exception.</summary>
    public CommandFailedException(string message, Exception inner) : base(message, inner) { }
}

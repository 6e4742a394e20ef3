using System.CommandLine;
using System.Globalization;
using Fiqa.Batch;
using Fiqa.Face;
using Fiqa.Quality;
using Spectre.Console;

namespace Fiqa.Cli;

/// <summary>The parsed batch switches of <c>fiqa assess</c>.</summary>
internal sealed record BatchRunSettings(string? StatePath, bool Resume, Shard? Shard, bool Unordered, bool Provenance, int CheckpointEvery, double ProgressInterval, int InFlight)
{
    public BatchOptions Batch(int workers, bool hash, long maxBytes) => new()
    {
        Workers = workers, Unordered = Unordered, HashContent = hash, MaxContentBytes = maxBytes, Shard = Shard,
        CheckpointEvery = CheckpointEvery, InFlight = InFlight,
    };
}

/// <summary>The switches for batches at scale: run state and resume, shards, order, provenance, progress.</summary>
internal sealed class BatchCliOptions
{
    public Option<string?> State { get; } = new("--state") { Description = "SQLite run state (done and failed inputs, output checkpoints): with --resume a killed run continues where it stopped (needs --out)" };
    public Option<bool> Resume { get; } = new("--resume") { Description = "Continue the run recorded in --state: skip inputs it finished, cut the output back to its last checkpoint and append" };
    public Option<string?> Shard { get; } = new("--shard") { Description = "Only inputs of shard i of n (i/n; auto/n reads i from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID); a stable hash of the path decides" };
    public Option<bool> Unordered { get; } = new("--unordered") { Description = "Write results as they finish rather than in input order" };
    public Option<bool> Provenance { get; } = new("--provenance") { Description = "Add the input's SHA-256 and the model/options fingerprint to each record (on with --state, --shard and Parquet)" };
    public Option<int> CheckpointEvery { get; } = new("--checkpoint-every") { Description = "Fsync the output and commit the run state after this many inputs (and every 10 s)", DefaultValueFactory = _ => 1000 };
    public Option<double> ProgressInterval { get; } = new("--progress-interval") { Description = "Seconds between progress lines when stderr is not a terminal; 0: none", DefaultValueFactory = _ => 10 };
    public Option<int> InFlight { get; } = new("--in-flight") { Description = "Inputs between enumeration and writing at most (bounds memory); 0: 4 per thread + 8", DefaultValueFactory = _ => 0 };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { State, Resume, Shard, Unordered, Provenance, CheckpointEvery, ProgressInterval, InFlight }) command.Options.Add(o);
    }

    public BatchRunSettings Parse(ParseResult p, string? outPath)
    {
        var state = p.GetValue(State);
        bool resume = p.GetValue(Resume);
        if (state is not null && (outPath is null || OutputTarget.Classify(outPath) != OutputKind.File))
            throw new UsageException($"--state needs --out FILE, a regular file: a run that resumes cuts back and appends to it{(outPath is null ? "" : $"; {outPath} is {BatchCli.Describe(outPath)}")}");
        if (resume && state is null) throw new UsageException("--resume needs --state FILE");
        if (p.GetValue(CheckpointEvery) < 1) throw new UsageException($"--checkpoint-every must be at least 1, got {p.GetValue(CheckpointEvery)}");
        if (p.GetValue(ProgressInterval) < 0) throw new UsageException("--progress-interval must be 0 or more seconds");
        if (p.GetValue(InFlight) < 0) throw new UsageException("--in-flight must be 0 or more");
        Shard? shard = null;
        if (p.GetValue(Shard) is { } s)
        {
            try { shard = Fiqa.Batch.Shard.Parse(s); }
            catch (ArgumentException e) { throw UsageException.From(e); }
        }
        return new BatchRunSettings(state, resume, shard, p.GetValue(Unordered), p.GetValue(Provenance) || state is not null || shard is not null,
            p.GetValue(CheckpointEvery), p.GetValue(ProgressInterval), p.GetValue(InFlight));
    }
}

/// <summary>Runs a batch for the CLI: opens state and sink with the CLI's error conventions and shows progress.</summary>
internal static class BatchCli
{
    /// <summary>"standard output" or "a pipe or device", for messages about a non-file --out.</summary>
    public static string Describe(string outPath) => OutputTarget.Classify(outPath) == OutputKind.Stdout ? "standard output" : "a pipe or device";

    public static RunState OpenState(CliOutput io, string name, BatchRunSettings run, string outPath, string format, string fingerprint)
    {
        try
        {
            var state = RunState.Open(run.StatePath!, outPath, format, fingerprint, run.Resume);
            if (run.Resume && state.Checkpoint is null) io.Error.WriteLine($"{name}: --resume: no run state at {run.StatePath} yet; starting a new run");
            return state;
        }
        catch (ArgumentException e)
        {
            throw UsageException.From(e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            throw new CommandFailedException($"cannot open --state {run.StatePath}: {e.Message}", e);
        }
    }

    public static IRecordSink OpenSink(CliOutput io, string? outPath, RecordSinkOptions options, RunState? state)
    {
        if (outPath is null || OutputTarget.Classify(outPath) == OutputKind.Stdout) return RecordSinks.ToWriter(io.Out, options);
        if (Directory.Exists(outPath)) throw new UsageException($"--out {outPath} is a folder; give a file path (e.g. {Path.Combine(outPath, "results.jsonl")})");
        try
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
            if (dir is not null) Directory.CreateDirectory(dir);
            return RecordSinks.ToFile(outPath, options, state?.Checkpoint);
        }
        catch (ArgumentException e)
        {
            throw UsageException.From(e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"cannot write --out {outPath}: {e.Message}", e);
        }
    }

    /// <summary>Runs the batch: a bar on a terminal, a line every <paramref name="interval"/> seconds otherwise.</summary>
    public static BatchSummary Run(CliOutput io, string name, IEnumerable<string> inputs, Func<BatchItem, FaceAssessment> assess, IRecordSink sink,
        RunState? state, BatchOptions options, double interval, Action<FaceAssessment, BatchItem> onResult)
    {
        using var cancel = new CancellationTokenSource();
        // Ctrl+C stops admitting inputs and checkpoints what is written, so --resume continues from there.
        ConsoleCancelEventHandler handler = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += handler;
        try
        {
            if (ReferenceEquals(io.Error, Console.Error) && !Console.IsErrorRedirected)
            {
                BatchSummary? summary = null;
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
                console.Progress().AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask("assessing", maxValue: 1);
                        task.IsIndeterminate = true;
                        summary = BatchRun.Run(inputs, assess, sink, state, options with { TotalSource = options.TotalSource }, onResult, p =>
                        {
                            if (p.Total is long t) { task.IsIndeterminate = false; task.MaxValue = Math.Max(1, t); }
                            task.Value = p.Done;
                            task.Description = $"{p.Done:N0}{(p.Total is long n ? $"/{n:N0}" : "")} · {p.FilesPerSecond:F1} files/s";
                        }, cancel.Token);
                    });
                return summary!;
            }
            var meter = new ProgressMeter(io.Error, name, interval);
            return BatchRun.Run(inputs, assess, sink, state, interval > 0 ? options : options with { TotalSource = null }, onResult,
                interval <= 0 ? null : meter.Report, cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= handler;
        }
    }

    /// <summary>"fiqa assess: 1,000 assessed in 0:00:31 (32.1 files/s); 500 done by an earlier run; 2,000 left to other shards".</summary>
    public static string TimingLine(string name, BatchSummary s)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{name}: {s.Processed:N0} assessed in {ProgressMeter.Duration(s.Elapsed)} ({s.FilesPerSecond:F1} files/s)");
        if (s.AlreadyDone > 0) line += string.Create(CultureInfo.InvariantCulture, $"; {s.AlreadyDone:N0} done by the earlier run");
        if (s.OtherShards > 0) line += string.Create(CultureInfo.InvariantCulture, $"; {s.OtherShards:N0} left to other shards");
        return line;
    }
}

using System.CommandLine;
using System.Globalization;
using Fiqa.Batch;
using Fiqa.Face;
using Fiqa.Quality;

namespace Fiqa.Cli;

/// <summary><c>fiqa queue submit|status</c> and <c>fiqa worker</c>: the RabbitMQ work queue.</summary>
internal static class QueueCommands
{
    private sealed class QueueSwitches
    {
        public Option<string> Broker { get; } = new("--broker") { Description = "AMQP URI of the RabbitMQ broker (default: $FIQA_BROKER, else amqp://guest:guest@127.0.0.1:5672/)" };
        public Option<string> Queue { get; } = new("--queue") { Description = "Work queue name (dead letters go to NAME.dead)", DefaultValueFactory = _ => "fiqa.assess" };
        public Option<int> DeliveryLimit { get; } = new("--delivery-limit") { Description = "Deliveries of a failing message before it is dead-lettered", DefaultValueFactory = _ => 3 };

        public void AddTo(Command c)
        {
            c.Options.Add(Broker);
            c.Options.Add(Queue);
            c.Options.Add(DeliveryLimit);
        }

        public QueueOptions Parse(ParseResult p, int batch = 16)
        {
            var uri = p.GetValue(Broker) ?? Environment.GetEnvironmentVariable("FIQA_BROKER") ?? "amqp://guest:guest@127.0.0.1:5672/";
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var broker) || broker.Scheme is not ("amqp" or "amqps"))
                throw new UsageException($"--broker '{uri}' is not an amqp:// or amqps:// URI");
            int limit = p.GetValue(DeliveryLimit);
            if (limit < 1) throw new UsageException($"--delivery-limit must be at least 1, got {limit}");
            if (batch < 1) throw new UsageException($"--batch must be at least 1, got {batch}");
            return new QueueOptions { Broker = broker, Queue = p.GetValue(Queue)!, DeliveryLimit = limit, BatchSize = batch };
        }
    }

    public static Command CreateQueue(CliOutput io)
    {
        var q = new QueueSwitches();
        var inputs = new Argument<string[]>("inputs") { Description = "Image files, folders (recursive) or @list.txt files; enqueued as absolute paths", Arity = ArgumentArity.OneOrMore };
        var batch = new Option<int>("--batch") { Description = "Inputs per message", DefaultValueFactory = _ => 16 };
        var shard = new Option<string?>("--shard") { Description = "Only inputs of shard i/n" };
        var submit = new Command("submit", "Enqueue inputs on the work queue (a quorum queue with a delivery limit and a dead-letter queue)") { inputs, batch, shard };
        q.AddTo(submit);
        submit.SetAction(p =>
        {
            var o = q.Parse(p, p.GetValue(batch));
            Shard? s = null;
            if (p.GetValue(shard) is { } text)
            {
                try { s = Shard.Parse(text); } catch (ArgumentException e) { throw UsageException.From(e); }
            }
            var scan = new InputScan();
            var paths = InputFiles.Stream(p.GetRequiredValue(inputs), scan).Where(f => s is not { } sh || sh.Contains(f)).Select(Path.GetFullPath);
            var (n, messages) = Broker(o, () => RabbitWorkQueue.Submit(paths, o));
            if (scan.SkippedSummary is { } skipped) io.Error.WriteLine($"fiqa queue: {skipped}");
            io.Error.WriteLine($"fiqa queue: submitted {n} input(s) in {messages} message(s) to {o.Queue}");
            return n == 0 ? ExitCodes.Usage : ExitCodes.Success;
        });

        var sample = new Option<double>("--sample") { Description = "Seconds over which to measure the drain rate; 0: none", DefaultValueFactory = _ => 2 };
        var status = new Command("status", "Depth, consumers, drain rate and dead letters of the work queue") { sample };
        q.AddTo(status);
        status.SetAction(p =>
        {
            var o = q.Parse(p);
            var st = Broker(o, () => RabbitWorkQueue.Status(o, TimeSpan.FromSeconds(Math.Max(0, p.GetValue(sample)))));
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"queue {o.Queue}: {st.Ready} message(s) ready, {st.Consumers} worker(s), draining {st.DrainPerSecond:F1} message(s)/s"));
            io.Out.WriteLine($"dead letters ({o.DeadQueue}): {st.Dead}");
            foreach (var d in st.DeadLetters)
                io.Out.WriteLine($"  {string.Join(", ", d.Inputs.Take(3))}{(d.Inputs.Count > 3 ? $" (+{d.Inputs.Count - 3})" : "")}: {d.Error}{(d.Deliveries > 0 ? $" after {d.Deliveries} deliveries" : "")}");
            return ExitCodes.Success;
        });
        return new Command("queue", "The RabbitMQ work queue: submit inputs, see its state (workers: 'fiqa worker')") { submit, status };
    }

    public static Command CreateWorker(CliOutput io)
    {
        var q = new QueueSwitches();
        var common = new CommonOptions();
        var results = new Option<string>("--results") { Description = "SQLite result store (idempotent: keyed by content hash + fingerprint); may be shared by the workers of one machine", Required = true };
        var prefetch = new Option<int>("--prefetch") { Description = "Unacknowledged messages held at most; 0: twice the threads", DefaultValueFactory = _ => 0 };
        var idleExit = new Option<double?>("--idle-exit") { Description = "Exit after this many seconds with nothing to do (default: run until stopped)" };
        var measures = new Option<string?>("--measures") { Description = "Comma-separated quality measures (default: all); 'none' for none" };
        var profile = new Option<string?>("--profile") { Description = "Verdict profile (see 'fiqa profiles')" };
        var allFaces = new Option<bool>("--all-faces") { Description = "A record for every face, not only the primary" };
        var assumeUpright = new Option<bool>("--assume-upright") { Description = "Do not look for faces turned by 90°/180°/270°" };
        var unified = new Option<string?>("--unified") { Description = "Comma-separated unified quality methods" };
        var mappings = MappingsCommand.Option();
        var command = new Command("worker", "Consume the work queue: assess, store durably, then acknowledge") { results, prefetch, idleExit, measures, profile, allFaces, assumeUpright, unified, mappings };
        q.AddTo(command);
        common.AddTo(command);
        command.SetAction(p =>
        {
            var o = q.Parse(p);
            int threads = common.ThreadCount(p);
            int pre = p.GetValue(prefetch);
            if (pre is < 0 or > ushort.MaxValue) throw new UsageException($"--prefetch must be 0..{ushort.MaxValue}, got {pre}");
            var options = new AssessorOptions
            {
                Face = common.Analyzer(p, FaceParts.All, p.GetValue(allFaces), 1),
                Measures = AssessorOptions.ParseNames(p.GetValue(measures)),
                Profile = p.GetValue(profile),
                DetectRotation = !p.GetValue(assumeUpright),
                UnifiedMethods = AssessorOptions.ParseNames(p.GetValue(unified)) ?? [],
                Decode = common.Decode(p),
                Mappings = MappingsCommand.Load(p, mappings),
            };
            FaceQualityAssessor assessor;
            try { assessor = FaceQualityAssessor.Create(options); }
            catch (ArgumentException e) { throw UsageException.From(e); }
            using (assessor)
            {
                assessor.Warm();
                var records = new RecordSinkOptions { Measures = assessor.Measures, Unified = assessor.UnifiedMethods, Fingerprint = Fiqa.Batch.Fingerprint.Of(assessor, "embeddings=False") };
                using var store = new ResultStore(p.GetRequiredValue(results), records.Fingerprint);
                using var cancel = new CancellationTokenSource();
                ConsoleCancelEventHandler handler = (_, e) => { e.Cancel = true; cancel.Cancel(); };
                Console.CancelKeyPress += handler;
                using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
                try
                {
                    var workerOptions = new WorkerOptions
                    {
                        Threads = threads, Prefetch = (ushort)pre, MaxContentBytes = options.Decode.MaxBytes,
                        IdleExit = p.GetValue(idleExit) is double s ? TimeSpan.FromSeconds(s) : null,
                    };
                    io.Error.WriteLine($"fiqa worker: consuming {o.Queue} with {threads} thread(s)");
                    var summary = Broker(o, () => QueueWorker.Run(o, workerOptions, BatchRun.Assess(assessor), records, store, line => io.Error.WriteLine($"fiqa worker: {line}"), cancel.Token));
                    io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"fiqa worker: {summary.Inputs} input(s) in {summary.Messages} message(s) ({summary.InputsPerSecond:F1} inputs/s over {summary.Busy.TotalSeconds:F1} s busy); {summary.Retried} retried, {summary.DeadLettered} dead-lettered"));
                }
                finally
                {
                    Console.CancelKeyPress -= handler;
                }
            }
            return ExitCodes.Success;
        });
        return command;
    }

    // Broker trouble is a failure of the run (exit 1) with the broker's address, not a stack trace.
    private static T Broker<T>(QueueOptions o, Func<Task<T>> call)
    {
        try
        {
            return call().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.OperationInterruptedException or System.Net.Sockets.SocketException)
        {
            throw new CommandFailedException($"RabbitMQ at {o.Broker.Host}:{o.Broker.Port}: {e.InnerException?.Message ?? e.Message}", e);
        }
    }
}

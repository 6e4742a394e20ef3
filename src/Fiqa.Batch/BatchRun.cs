using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading.Channels;
using Fiqa.Face;
using Fiqa.Quality;

namespace Fiqa.Batch;

/// <summary>How a batch runs.</summary>
public sealed record BatchOptions
{
    /// <summary>Inference workers (one image each at a time).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Write results as they finish instead of in input order.</summary>
    public bool Unordered { get; init; }

    /// <summary>Inputs admitted but not yet written, at most (queues and the reorder buffer together); 0: 4 per
    /// worker + 8. This, not the number of inputs, bounds memory.</summary>
    public int InFlight { get; init; }

    /// <summary>Read each input here and hash it (SHA-256) before it is assessed.</summary>
    public bool HashContent { get; init; }

    /// <summary>Files larger than this are not read here (the assessor reports them as over the limit).</summary>
    public long MaxContentBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Only the inputs of this shard; null: all.</summary>
    public Shard? Shard { get; init; }

    /// <summary>A checkpoint (output fsynced, state committed) after this many inputs…</summary>
    public int CheckpointEvery { get; init; } = 1000;

    /// <summary>…or this much time, whichever comes first.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The inputs again, counted on a second thread so progress can show a total and an ETA; null: no total.</summary>
    public Func<IEnumerable<string>>? TotalSource { get; init; }

    internal int EffectiveInFlight => InFlight > 0 ? InFlight : 4 * Math.Max(1, Workers) + 8;
}

/// <summary>One admitted input.</summary>
/// <param name="Index">Its position among the inputs this run processes.</param>
/// <param name="Path">The path as enumerated.</param>
/// <param name="Content">Its bytes when the pipeline read it (hashing on and the file readable and within the limit).</param>
/// <param name="Sha256">Its content hash (hex), when read.</param>
/// <param name="Size">Its size, −1 when it does not exist or was not looked at.</param>
/// <param name="MtimeTicks">Its last write time (UTC ticks), 0 when not looked at.</param>
public sealed record BatchItem(long Index, string Path, byte[]? Content, string? Sha256, long Size, long MtimeTicks);

/// <summary>Where a batch stands.</summary>
/// <param name="Done">Inputs finished, including those an earlier run finished.</param>
/// <param name="Total">All inputs of this run (shard), once counted.</param>
/// <param name="FilesPerSecond">Rate of this process since it started.</param>
/// <param name="Elapsed">Time since this process started the batch.</param>
public sealed record BatchProgress(long Done, long? Total, double FilesPerSecond, TimeSpan Elapsed)
{
    /// <summary>Time left at the current rate, when the total is known.</summary>
    public TimeSpan? Eta => Total is long t && FilesPerSecond > 0 ? TimeSpan.FromSeconds(Math.Max(0, t - Done) / FilesPerSecond) : null;
}

/// <summary>How a batch ended.</summary>
/// <param name="Processed">Inputs assessed and written by this process.</param>
/// <param name="AlreadyDone">Inputs skipped because the run state had them (resume).</param>
/// <param name="OtherShards">Inputs left to other shards.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record BatchSummary(long Processed, long AlreadyDone, long OtherShards, TimeSpan Elapsed)
{
    /// <summary>Inputs assessed per second.</summary>
    public double FilesPerSecond => Elapsed.TotalSeconds > 0 ? Processed / Elapsed.TotalSeconds : 0;
}

/// <summary>The streaming batch: enumerate → read and hash → assess (decode and inference, N workers) → write, joined by
/// bounded channels, with at most <see cref="BatchOptions.InFlight"/> inputs between enumeration and writing. Ordered
/// output holds finished results until all before them are written, so it is identical for any thread count.</summary>
public static class BatchRun
{
    /// <summary>The assess function for an assessor: bytes already read are decoded from memory (the same decoder
    /// the path overload uses), otherwise the assessor reads the file and reports why it could not.</summary>
    public static Func<BatchItem, FaceAssessment> Assess(FaceQualityAssessor assessor)
    {
        ArgumentNullException.ThrowIfNull(assessor);
        return item => item.Content is { } bytes ? assessor.Assess(bytes, item.Path) : assessor.Assess(item.Path);
    }

    /// <summary>Runs the batch on the calling thread (the writer) plus reader and worker threads.</summary>
    /// <param name="inputs">The inputs, streamed.</param>
    /// <param name="assess">One input's assessment (thread-safe).</param>
    /// <param name="sink">Where records go.</param>
    /// <param name="state">Run state (resume), or null.</param>
    /// <param name="options">Options.</param>
    /// <param name="onResult">Called on the writer thread after each input's records are written.</param>
    /// <param name="onProgress">Called on the writer thread after each input.</param>
    /// <param name="cancel">Stops admitting inputs; what is written is checkpointed.</param>
    public static BatchSummary Run(IEnumerable<string> inputs, Func<BatchItem, FaceAssessment> assess, IRecordSink sink, RunState? state,
        BatchOptions options, Action<FaceAssessment, BatchItem>? onResult = null, Action<BatchProgress>? onProgress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(assess);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        int inFlight = options.EffectiveInFlight;
        int workers = Math.Max(1, options.Workers);
        int readers = options.HashContent ? Math.Clamp(workers / 2, 1, 4) : 1;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var window = new SemaphoreSlim(inFlight, inFlight);
        var admitted = Channel.CreateBounded<BatchItem>(new BoundedChannelOptions(inFlight) { SingleWriter = true });
        var read = Channel.CreateBounded<BatchItem>(new BoundedChannelOptions(inFlight) { SingleReader = false });
        var results = Channel.CreateBounded<(BatchItem Item, FaceAssessment Result)>(new BoundedChannelOptions(inFlight) { SingleReader = true });
        Exception? fault = null;
        void Fail(Exception e)
        {
            Interlocked.CompareExchange(ref fault, e, null);
            stop.Cancel();
        }
        long alreadyDone = 0, otherShards = 0, total = -1;

        var threads = new List<Thread>();
        Thread Start(string name, Action body)
        {
            var t = new Thread(() =>
            {
                try { body(); }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
                catch (Exception e) { Fail(e); }
            }) { Name = name, IsBackground = true };
            threads.Add(t);
            t.Start();
            return t;
        }

        Start("batch-enumerate", () =>
        {
            try
            {
                long index = 0;
                foreach (var path in inputs)
                {
                    if (stop.IsCancellationRequested) break;
                    if (options.Shard is { } shard && !shard.Contains(path)) { otherShards++; continue; }
                    long size = -1, mtime = 0;
                    if (state is not null || options.HashContent)
                    {
                        var info = new FileInfo(path);
                        if (info.Exists) { size = info.Length; mtime = info.LastWriteTimeUtc.Ticks; }
                    }
                    if (state is not null && state.IsDone(path, size, mtime)) { Interlocked.Increment(ref alreadyDone); continue; }
                    window.Wait(stop.Token);
                    Write(admitted.Writer, new BatchItem(index++, path, null, null, size, mtime), stop.Token);
                }
            }
            finally { admitted.Writer.TryComplete(); }
        });
        if (options.TotalSource is { } totalSource)
            Start("batch-count", () =>
            {
                long n = 0;
                foreach (var path in totalSource())
                {
                    if (stop.IsCancellationRequested) return;
                    if (options.Shard is not { } shard || shard.Contains(path)) n++;
                }
                Interlocked.Exchange(ref total, n);
            });

        int readersLeft = readers;
        for (int r = 0; r < readers; r++)
            Start($"batch-read-{r}", () =>
            {
                try
                {
                    while (Read(admitted.Reader, stop.Token) is { } item)
                        Write(read.Writer, options.HashContent ? Load(item, options.MaxContentBytes) : item, stop.Token);
                }
                finally { if (Interlocked.Decrement(ref readersLeft) == 0) read.Writer.TryComplete(); }
            });

        int workersLeft = workers;
        for (int w = 0; w < workers; w++)
            Start($"batch-assess-{w}", () =>
            {
                try
                {
                    while (Read(read.Reader, stop.Token) is { } item)
                        Write(results.Writer, (item with { Content = null }, SafeAssess(assess, item)), stop.Token);
                }
                finally { if (Interlocked.Decrement(ref workersLeft) == 0) results.Writer.TryComplete(); }
            });

        // The writer: this thread.
        long processed = 0, nextIndex = 0;
        var pending = new Dictionary<long, (BatchItem Item, FaceAssessment Result)>();
        var done = new List<DoneInput>();
        var lastCheckpoint = Stopwatch.StartNew();
        void Checkpoint(bool completed)
        {
            var cp = sink.Checkpoint();
            state?.Commit(done, cp, completed);
            done.Clear();
            lastCheckpoint.Restart();
        }
        void Emit(BatchItem item, FaceAssessment result)
        {
            sink.Write(result, item.Sha256);
            processed++;
            done.Add(new DoneInput(item.Path, item.Size, item.MtimeTicks, item.Sha256,
                result.Status switch { FileStatus.Ok => "ok", FileStatus.NoFace => "no_face", _ => "error" }, result.Analysis.Error));
            onResult?.Invoke(result, item);
            window.Release(); // after the callback: an input counts as in flight until its records are written and reported
            if (done.Count >= options.CheckpointEvery || lastCheckpoint.Elapsed >= options.CheckpointInterval) Checkpoint(false);
            if (onProgress is not null)
            {
                long t = Interlocked.Read(ref total);
                var elapsed = clock.Elapsed;
                onProgress(new BatchProgress(processed + Interlocked.Read(ref alreadyDone), t < 0 ? null : t, processed / Math.Max(1e-9, elapsed.TotalSeconds), elapsed));
            }
        }
        try
        {
            while (true)
            {
                (BatchItem Item, FaceAssessment Result) next;
                try
                {
                    if (!results.Reader.WaitToReadAsync(stop.Token).AsTask().GetAwaiter().GetResult()) break;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
                if (!results.Reader.TryRead(out next)) continue;
                if (options.Unordered) { Emit(next.Item, next.Result); continue; }
                pending[next.Item.Index] = next;
                while (pending.Remove(nextIndex, out var ready))
                {
                    Emit(ready.Item, ready.Result);
                    nextIndex++;
                }
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
        stop.Cancel();
        foreach (var t in threads) t.Join();
        if (fault is not null)
        {
            // Keep what was written: a resume continues from here.
            try { Checkpoint(false); } catch (IOException) { }
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(fault).Throw();
        }
        Checkpoint(completed: !cancel.IsCancellationRequested);
        return new BatchSummary(processed, alreadyDone, otherShards, clock.Elapsed);
    }

    private static void Write<T>(ChannelWriter<T> writer, T item, CancellationToken token)
    {
        while (!writer.TryWrite(item))
            if (!writer.WaitToWriteAsync(token).AsTask().GetAwaiter().GetResult()) throw new OperationCanceledException(token);
    }

    private static T? Read<T>(ChannelReader<T> reader, CancellationToken token) where T : class
    {
        while (true)
        {
            if (reader.TryRead(out var item)) return item;
            if (!reader.WaitToReadAsync(token).AsTask().GetAwaiter().GetResult()) return null;
        }
    }

    // Reads and hashes a file; anything that stops the read leaves the file to the assessor, which names the reason.
    private static BatchItem Load(BatchItem item, long maxBytes)
    {
        if (item.Size < 0 || item.Size > maxBytes) return item;
        try
        {
            var bytes = File.ReadAllBytes(item.Path);
            return item with { Content = bytes, Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)), Size = bytes.Length };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return item;
        }
    }

    // A failure inside the assessor on one input becomes that input's error record; the batch goes on.
    private static FaceAssessment SafeAssess(Func<BatchItem, FaceAssessment> assess, BatchItem item)
    {
        try
        {
            return assess(item);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
        {
            return new FaceAssessment(new FileAnalysis(item.Path, FileStatus.Error, [], $"internal error while assessing: {e.GetType().Name}: {e.Message}"), []);
        }
    }
}

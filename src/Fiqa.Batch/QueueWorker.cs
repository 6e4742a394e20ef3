using System.Security.Cryptography;
using System.Threading.Channels;
using Fiqa.Face;
using Fiqa.Quality;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Fiqa.Batch;

/// <summary>How a worker consumes.</summary>
public sealed record WorkerOptions
{
    /// <summary>Messages processed at once (one thread each).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Unacknowledged messages the broker hands this worker at most; 0: twice the threads.</summary>
    public ushort Prefetch { get; init; }

    /// <summary>Exit once nothing has arrived for this long with nothing in progress; null: run until cancelled.</summary>
    public TimeSpan? IdleExit { get; init; }

    /// <summary>Files larger than this are left to the assessor (which reports them over the limit).</summary>
    public long MaxContentBytes { get; init; } = 64L * 1024 * 1024;
}

/// <summary>What a worker did.</summary>
/// <param name="Messages">Messages acknowledged after their results were stored.</param>
/// <param name="Inputs">Inputs assessed and stored.</param>
/// <param name="Retried">Failed deliveries handed back for another try.</param>
/// <param name="DeadLettered">Messages sent to the dead-letter queue with their error.</param>
/// <param name="Busy">From the first delivery to the last settled message (idle time before and after left out).</param>
public sealed record WorkerSummary(long Messages, long Inputs, long Retried, long DeadLettered, TimeSpan Busy)
{
    /// <summary>Inputs per second while busy.</summary>
    public double InputsPerSecond => Busy.TotalSeconds > 0 ? Inputs / Busy.TotalSeconds : 0;
}

/// <summary>A competing consumer on the work queue: takes up to <see cref="WorkerOptions.Prefetch"/> messages, assesses
/// their inputs, stores the results durably in a <see cref="ResultStore"/> and only then acknowledges. A worker that
/// dies leaves its unacknowledged messages to the broker, which redelivers them at once; the store's keys make the
/// repeat harmless. A message that fails is handed back until its delivery limit, then dead-lettered with the error.</summary>
public static class QueueWorker
{
    private sealed record Delivery(ulong Tag, byte[] Body, long PreviousDeliveries);

    /// <summary>Consumes until cancelled or idle.</summary>
    public static async Task<WorkerSummary> Run(QueueOptions queue, WorkerOptions options, Func<BatchItem, FaceAssessment> assess,
        RecordSinkOptions records, ResultStore store, Action<string>? log = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(assess);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(store);
        var json = new JsonLines(records with { Format = "jsonl", Provenance = true });
        int threads = Math.Max(1, options.Threads);
        ushort prefetch = options.Prefetch > 0 ? options.Prefetch : (ushort)Math.Min(ushort.MaxValue, 2 * threads);
        await using var connection = await RabbitWorkQueue.Connect(queue, "fiqa worker").ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancel).ConfigureAwait(false);
        await RabbitWorkQueue.Declare(channel, queue).ConfigureAwait(false);
        await channel.BasicQosAsync(0, prefetch, false, cancel).ConfigureAwait(false);
        var gate = new SemaphoreSlim(1, 1); // one channel operation at a time
        var storeGate = new Lock();
        var inbox = Channel.CreateUnbounded<Delivery>();
        long firstDelivery = 0, lastSettled = 0;
        long lastActivity = Environment.TickCount64, inProgress = 0, messages = 0, inputs = 0, retried = 0, dead = 0;
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, e) =>
        {
            // Quorum queues count earlier deliveries in x-delivery-count (absent on the first).
            long previous = e.BasicProperties.Headers is { } h && h.TryGetValue("x-delivery-count", out var c) && c is not null
                ? Convert.ToInt64(c, System.Globalization.CultureInfo.InvariantCulture) : 0;
            Interlocked.Increment(ref inProgress);
            Interlocked.CompareExchange(ref firstDelivery, Environment.TickCount64, 0);
            Interlocked.Exchange(ref lastActivity, Environment.TickCount64);
            inbox.Writer.TryWrite(new Delivery(e.DeliveryTag, e.Body.ToArray(), previous));
            return Task.CompletedTask;
        };
        var tag = await channel.BasicConsumeAsync(queue.Queue, autoAck: false, consumer, cancel).ConfigureAwait(false);

        async Task Settle(Func<Task> op)
        {
            await gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try { await op().ConfigureAwait(false); }
            finally { gate.Release(); }
        }

        async Task Work()
        {
            await foreach (var d in inbox.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                try
                {
                    var paths = RabbitWorkQueue.Parse(d.Body);
                    var results = new List<StoredResult>(paths.Count);
                    foreach (var path in paths)
                    {
                        var item = Load(path, options.MaxContentBytes);
                        var a = assess(item);
                        results.Add(new StoredResult(path, item.Sha256, a.Status switch { FileStatus.Ok => "ok", FileStatus.NoFace => "no_face", _ => "error" },
                            string.Join('\n', json.Lines(a, item.Sha256))));
                    }
                    lock (storeGate) store.Add(results);
                    await Settle(() => channel.BasicAckAsync(d.Tag, false).AsTask()).ConfigureAwait(false);
                    Interlocked.Increment(ref messages);
                    Interlocked.Add(ref inputs, results.Count);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    long attempt = d.PreviousDeliveries + 1;
                    var error = $"{e.GetType().Name}: {e.Message}";
                    if (attempt >= queue.DeliveryLimit)
                    {
                        log?.Invoke($"dead-lettering a message after {attempt} deliveries: {error}");
                        await Settle(async () =>
                        {
                            await RabbitWorkQueue.Publish(channel, queue.DeadQueue, d.Body, CancellationToken.None, new Dictionary<string, object?>
                            {
                                [RabbitWorkQueue.ErrorHeader] = error,
                                [RabbitWorkQueue.DeliveriesHeader] = attempt,
                            }).ConfigureAwait(false);
                            await channel.BasicAckAsync(d.Tag, false).ConfigureAwait(false);
                        }).ConfigureAwait(false);
                        Interlocked.Increment(ref dead);
                    }
                    else
                    {
                        log?.Invoke($"delivery {attempt} of {queue.DeliveryLimit} failed, handing it back: {error}");
                        await Settle(() => channel.BasicNackAsync(d.Tag, false, requeue: true).AsTask()).ConfigureAwait(false);
                        Interlocked.Increment(ref retried);
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref inProgress);
                    Interlocked.Exchange(ref lastActivity, Environment.TickCount64);
                    Interlocked.Exchange(ref lastSettled, Environment.TickCount64);
                }
            }
        }

        var workers = Enumerable.Range(0, threads).Select(_ => Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToList();
        try
        {
            while (!cancel.IsCancellationRequested && connection.IsOpen)
            {
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                if (options.IdleExit is { } idle && Interlocked.Read(ref inProgress) == 0
                    && Environment.TickCount64 - Interlocked.Read(ref lastActivity) > idle.TotalMilliseconds) break;
            }
        }
        finally
        {
            if (connection.IsOpen)
                await Settle(() => channel.BasicCancelAsync(tag)).ConfigureAwait(false);
            inbox.Writer.TryComplete();
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        if (!connection.IsOpen && !cancel.IsCancellationRequested)
            throw new IOException($"the connection to {queue.Broker.Host}:{queue.Broker.Port} closed: {connection.CloseReason?.ReplyText}");
        return new WorkerSummary(messages, inputs, retried, dead, TimeSpan.FromMilliseconds(firstDelivery == 0 ? 0 : lastSettled - firstDelivery));
    }

    private static BatchItem Load(string path, long maxBytes)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > maxBytes) return new BatchItem(0, path, null, null, -1, 0);
            var bytes = File.ReadAllBytes(path);
            return new BatchItem(0, path, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length, info.LastWriteTimeUtc.Ticks);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new BatchItem(0, path, null, null, -1, 0);
        }
    }
}

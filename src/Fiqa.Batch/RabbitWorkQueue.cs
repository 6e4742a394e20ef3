using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Fiqa.Batch;

/// <summary>Where the work queue lives and how it behaves.</summary>
public sealed record QueueOptions
{
    /// <summary>The broker (AMQP 0-9-1 URI).</summary>
    public Uri Broker { get; init; } = new("amqp://guest:guest@127.0.0.1:5672/");

    /// <summary>The work queue (a quorum queue); its dead letters go to <c>NAME.dead</c>.</summary>
    public string Queue { get; init; } = "fiqa.assess";

    /// <summary>Deliveries of one message before it is dead-lettered with its error.</summary>
    public int DeliveryLimit { get; init; } = 3;

    /// <summary>Inputs per message (fewer round trips; one ack covers them all).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>The dead-letter queue.</summary>
    public string DeadQueue => Queue + ".dead";
}

/// <summary>Depth and dead letters of a work queue.</summary>
/// <param name="Ready">Messages waiting.</param>
/// <param name="Consumers">Workers attached.</param>
/// <param name="Dead">Messages in the dead-letter queue.</param>
/// <param name="DrainPerSecond">Change of <paramref name="Ready"/> per second over the sampling window (positive: draining).</param>
/// <param name="DeadLetters">Up to ten dead letters: their inputs and error.</param>
public sealed record QueueStatus(uint Ready, uint Consumers, uint Dead, double DrainPerSecond, IReadOnlyList<DeadLetter> DeadLetters);

/// <summary>A dead-lettered message.</summary>
/// <param name="Inputs">Its inputs (or its raw body when it could not be parsed).</param>
/// <param name="Error">The error the last worker recorded, or the broker's reason.</param>
/// <param name="Deliveries">How often it was delivered.</param>
public sealed record DeadLetter(IReadOnlyList<string> Inputs, string Error, long Deliveries);

/// <summary>The RabbitMQ work queue: a durable quorum queue with a delivery limit whose dead letters go to a second
/// queue; messages are persistent JSON batches of input paths, published with confirms.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue.")]
public static class RabbitWorkQueue
{
    /// <summary>Header carrying a worker's error on a dead letter.</summary>
    public const string ErrorHeader = "x-fiqa-error";

    /// <summary>Header carrying the number of deliveries on a dead letter.</summary>
    public const string DeliveriesHeader = "x-fiqa-deliveries";

    internal static async Task<IConnection> Connect(QueueOptions o, string name) =>
        await new ConnectionFactory { Uri = o.Broker, ClientProvidedName = name, AutomaticRecoveryEnabled = false }.CreateConnectionAsync().ConfigureAwait(false);

    /// <summary>Declares the work queue and its dead-letter queue (idempotent; the arguments must match an existing queue).</summary>
    public static async Task Declare(IChannel channel, QueueOptions o)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(o);
        await channel.QueueDeclareAsync(o.DeadQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }).ConfigureAwait(false);
        await channel.QueueDeclareAsync(o.Queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            // The broker's own limit backs up the workers' for a message that kills its worker before it can report.
            ["x-delivery-limit"] = o.DeliveryLimit,
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = o.DeadQueue,
        }).ConfigureAwait(false);
    }

    /// <summary>Enqueues <paramref name="inputs"/> in messages of <see cref="QueueOptions.BatchSize"/>; returns the
    /// number of inputs and messages. Each publish is confirmed by the broker before the next batch is built.</summary>
    public static async Task<(long Inputs, long Messages)> Submit(IEnumerable<string> inputs, QueueOptions o, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(o);
        await using var connection = await Connect(o, "fiqa queue submit").ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancel).ConfigureAwait(false);
        await Declare(channel, o).ConfigureAwait(false);
        long n = 0, messages = 0;
        var batch = new List<string>(o.BatchSize);
        foreach (var input in inputs)
        {
            batch.Add(input);
            n++;
            if (batch.Count < o.BatchSize) continue;
            await Publish(channel, o.Queue, Body(batch), cancel).ConfigureAwait(false);
            messages++;
            batch.Clear();
        }
        if (batch.Count > 0) { await Publish(channel, o.Queue, Body(batch), cancel).ConfigureAwait(false); messages++; }
        return (n, messages);
    }

    internal static byte[] Body(IReadOnlyList<string> inputs) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, IReadOnlyList<string>> { ["inputs"] = inputs });

    internal static IReadOnlyList<string> Parse(ReadOnlySpan<byte> body)
    {
        using var doc = JsonDocument.Parse(body.ToArray());
        if (!doc.RootElement.TryGetProperty("inputs", out var list) || list.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException("message has no \"inputs\" array");
        return list.EnumerateArray().Select(e => e.GetString() ?? throw new InvalidDataException("an input that is not a string")).ToList();
    }

    internal static async Task Publish(IChannel channel, string queue, ReadOnlyMemory<byte> body, CancellationToken cancel, IDictionary<string, object?>? headers = null)
    {
        var props = new BasicProperties { Persistent = true, ContentType = "application/json", Headers = headers };
        await channel.BasicPublishAsync("", queue, mandatory: true, props, body, cancel).ConfigureAwait(false);
    }

    /// <summary>Publishes a raw body (a malformed message, to see it dead-lettered).</summary>
    internal static async Task PublishRaw(QueueOptions o, byte[] body)
    {
        await using var connection = await Connect(o, "fiqa raw").ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)).ConfigureAwait(false);
        await Declare(channel, o).ConfigureAwait(false);
        await Publish(channel, o.Queue, body, default).ConfigureAwait(false);
    }

    /// <summary>Depth, consumers and dead letters; the drain rate is sampled over <paramref name="sample"/>.</summary>
    public static async Task<QueueStatus> Status(QueueOptions o, TimeSpan sample)
    {
        ArgumentNullException.ThrowIfNull(o);
        await using var connection = await Connect(o, "fiqa queue status").ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync().ConfigureAwait(false);
        await Declare(channel, o).ConfigureAwait(false);
        var first = await channel.QueueDeclarePassiveAsync(o.Queue).ConfigureAwait(false);
        double rate = 0;
        if (sample > TimeSpan.Zero)
        {
            await Task.Delay(sample).ConfigureAwait(false);
            var second = await channel.QueueDeclarePassiveAsync(o.Queue).ConfigureAwait(false);
            rate = ((double)first.MessageCount - second.MessageCount) / sample.TotalSeconds;
            first = second;
        }
        var dead = await channel.QueueDeclarePassiveAsync(o.DeadQueue).ConfigureAwait(false);
        // Peek: get without ack, then close the channel, which returns the messages to the dead-letter queue.
        var letters = new List<DeadLetter>();
        await using (var peek = await connection.CreateChannelAsync().ConfigureAwait(false))
        {
            for (int i = 0; i < Math.Min(10, (int)dead.MessageCount); i++)
            {
                var m = await peek.BasicGetAsync(o.DeadQueue, autoAck: false).ConfigureAwait(false);
                if (m is null) break;
                letters.Add(Describe(m.Body.Span, m.BasicProperties.Headers));
            }
        }
        return new QueueStatus(first.MessageCount, first.ConsumerCount, dead.MessageCount, rate, letters);
    }

    internal static DeadLetter Describe(ReadOnlySpan<byte> body, IDictionary<string, object?>? headers)
    {
        IReadOnlyList<string> inputs;
        try { inputs = Parse(body); }
        catch (Exception e) when (e is JsonException or InvalidDataException) { inputs = [Encoding.UTF8.GetString(body)]; }
        string error = headers is not null && headers.TryGetValue(ErrorHeader, out var v) ? Text(v)
            : headers is not null && headers.TryGetValue("x-first-death-reason", out var r) ? "dead-lettered by the broker: " + Text(r) : "(no reason recorded)";
        long deliveries = headers is not null && headers.TryGetValue(DeliveriesHeader, out var d) && d is not null ? Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return new DeadLetter(inputs, error, deliveries);
    }

    internal static string Text(object? v) => v switch
    {
        byte[] b => Encoding.UTF8.GetString(b),
        null => "",
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}

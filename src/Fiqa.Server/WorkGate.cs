namespace Fiqa.Server;

/// <summary>Bounded concurrency with a bounded queue. A slot is held until the computation itself ends, not the
/// request: a request that timed out does not free its core early, so the bound on parallel work always holds.</summary>
internal sealed class WorkGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly int _capacity;
    private int _admitted;
    private long _completed;
    private double _meanSeconds = 0.2;
    private readonly Lock _lock = new();

    public WorkGate(int concurrency, int queue)
    {
        _slots = new SemaphoreSlim(concurrency, concurrency);
        Concurrency = concurrency;
        _capacity = concurrency + queue;
    }

    public int Concurrency { get; }

    public void Dispose() => _slots.Dispose();

    /// <summary>Requests running or waiting.</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Seconds a client should wait before retrying: the queue's drain time at the mean service time.</summary>
    public int RetryAfterSeconds
    {
        get
        {
            lock (_lock) return Math.Max(1, (int)Math.Ceiling(_capacity * _meanSeconds / Concurrency));
        }
    }

    /// <summary>Runs <paramref name="work"/> on the thread pool when a slot is free. Returns Rejected when the queue is
    /// full, TimedOut when <paramref name="deadline"/> passes first (waiting or computing).</summary>
    public async Task<(GateOutcome Outcome, T? Value)> RunAsync<T>(Func<T> work, DateTime deadline, CancellationToken aborted)
    {
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return (GateOutcome.Rejected, default);
        }
        bool acquired;
        try
        {
            var wait = deadline - DateTime.UtcNow;
            acquired = wait > TimeSpan.Zero && await _slots.WaitAsync(wait, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Decrement(ref _admitted);
            return (GateOutcome.Aborted, default);
        }
        if (!acquired)
        {
            Interlocked.Decrement(ref _admitted);
            return (GateOutcome.TimedOut, default);
        }
        // From here the task owns the slot and the admission: both are given back when the work ends.
        var task = Task.Run(() =>
        {
            var started = DateTime.UtcNow;
            try
            {
                return work();
            }
            finally
            {
                var seconds = (DateTime.UtcNow - started).TotalSeconds;
                lock (_lock)
                {
                    _completed++;
                    _meanSeconds += (seconds - _meanSeconds) / Math.Min(_completed, 100);
                }
                _slots.Release();
                Interlocked.Decrement(ref _admitted);
            }
        }, CancellationToken.None);
        var remaining = deadline - DateTime.UtcNow;
        try
        {
            return remaining <= TimeSpan.Zero ? (GateOutcome.TimedOut, default) : (GateOutcome.Done, await task.WaitAsync(remaining, aborted).ConfigureAwait(false));
        }
        catch (TimeoutException)
        {
            return (GateOutcome.TimedOut, default);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return (GateOutcome.Aborted, default);
        }
    }
}

internal enum GateOutcome
{
    Done,
    Rejected,
    TimedOut,
    Aborted,
}

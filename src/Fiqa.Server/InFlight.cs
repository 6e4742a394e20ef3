namespace Fiqa.Server;

/// <summary>Counts the runs that use an owner's models, so that the owner frees them only once every run has ended.
/// Work outlives its request (a timed-out request keeps computing, the warm-up runs in the background), and freeing an
/// ONNX session under a running inference takes the process down.</summary>
internal sealed class InFlight
{
    // A monitor rather than a Lock: Close waits on it for the last user to leave.
    private readonly object _gate = new();
    private int _users;
    private bool _closed;

    /// <summary>Runs <paramref name="work"/> as one user; throws <see cref="ObjectDisposedException"/> naming
    /// <paramref name="owner"/> once closed.</summary>
    public T Use<T>(object owner, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, owner);
            _users++;
        }
        try
        {
            return work();
        }
        finally
        {
            lock (_gate)
                if (--_users == 0) Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Refuses new users and waits up to <paramref name="timeout"/> for the running ones. True when the owner may
    /// now free its models; false when already closed, or a run is still going (its models are then abandoned: a leak at
    /// shutdown, not a crash).</summary>
    public bool Close(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        lock (_gate)
        {
            if (_closed) return false;
            _closed = true;
            while (_users > 0)
            {
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left)) return false;
            }
            return true;
        }
    }
}

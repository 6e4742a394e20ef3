using System.Collections.Concurrent;
using Fiqa.Iqa;

namespace Fiqa.Server;

/// <summary>The IQA metrics of one service, each created on first use from that service's installation (its models and
/// data folders) and shared by its requests; disposed with the service's host, after the runs that use them end.</summary>
internal sealed class IqaMetricPool(FiqaPaths paths) : IDisposable
{
    private readonly IqaSettings _settings = IqaSettings.FromPaths(paths);
    private readonly ConcurrentDictionary<string, Lazy<IIqaMetric>> _metrics = new(StringComparer.Ordinal);
    private readonly InFlight _inFlight = new();

    /// <summary>The installation the metrics are loaded from.</summary>
    public FiqaPaths Paths => paths;

    /// <summary>Runs <paramref name="work"/>, which scores with metrics of this pool; <see cref="Dispose"/> waits for it.
    /// Throws <see cref="ObjectDisposedException"/> once the service is stopping.</summary>
    public T Use<T>(Func<T> work) => _inFlight.Use(this, work);

    /// <summary>The metric, loading its model files on first use (a missing file is a <see cref="FileNotFoundException"/>
    /// or <see cref="Fiqa.Onnx.ModelConfigurationException"/>; a failure is not kept, the next request tries again).</summary>
    public IIqaMetric Get(MetricDescriptor metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var lazy = _metrics.GetOrAdd(metric.Name, n => new Lazy<IIqaMetric>(() => IqaCatalogue.Create(n, _settings)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _metrics.TryRemove(new KeyValuePair<string, Lazy<IIqaMetric>>(metric.Name, lazy));
            throw;
        }
    }

    public void Dispose()
    {
        if (!_inFlight.Close(TimeSpan.FromMinutes(2))) return;
        foreach (var lazy in _metrics.Values)
            if (lazy.IsValueCreated && lazy.Value is IDisposable owned) owned.Dispose();
    }
}

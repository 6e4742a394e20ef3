using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Fiqa.Tests;
using Xunit.Abstractions;

namespace Fiqa.Server.Tests;

/// <summary>Bounded load on loopback against the real service (Kestrel): counts and time are capped, traffic goes to
/// 127.0.0.1 only. Sizes come from FIQA_LOAD_REQUESTS / FIQA_LOAD_CLIENTS (docs/server.md runs 2,000 at 16; CI runs the
/// defaults, well under a minute on two cores).</summary>
public class LoadTests(ITestOutputHelper output)
{
    /// <summary>The single-face portrait scripts/bench-server.sh times too (512×512, 0.26 MP).</summary>
    internal static string Portrait() => TestData.File("fixtures/astronaut.jpg");

    private static int Env(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;

    internal sealed record LoadResult(int Requests, int Clients, double Seconds, List<double> LatenciesMs, Dictionary<int, int> Codes,
        List<long> RssSamples, int RejectedWithinCapacity)
    {
        public double Percentile(double p)
        {
            var sorted = LatenciesMs.Order().ToList();
            return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        }

        public string Summary(string label) => string.Create(CultureInfo.InvariantCulture,
            $"{label}: {Requests} requests, {Clients} clients, {Seconds:0.0} s, {Requests / Seconds:0.0} req/s; 200-latency p50 {Percentile(0.5):0} ms, p99 {Percentile(0.99):0} ms; " +
            $"codes {string.Join(" ", Codes.OrderBy(c => c.Key).Select(c => $"{c.Key}×{c.Value}"))}; peak RSS {RssSamples.Max() / (1 << 20)} MiB");
    }

    /// <summary>Sends <paramref name="requests"/> POST /v1/assess from <paramref name="clients"/> concurrent loops,
    /// sampling this process's RSS (the service runs in it) every 100 ms.</summary>
    internal static async Task<LoadResult> RunAsync(string url, byte[] image, int requests, int clients, int capacity)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(120) };
        var latencies = new ConcurrentBag<double>();
        var codes = new ConcurrentDictionary<int, int>();
        var rss = new List<long>();
        int next = -1;
        var spans = new ConcurrentBag<(long Start, long End, int Code)>();
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var self = Process.GetCurrentProcess();
            while (!stop.IsCancellationRequested)
            {
                self.Refresh();
                lock (rss) rss.Add(self.WorkingSet64);
                try { await Task.Delay(100, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < requests)
            {
                using var content = new ByteArrayContent(image);
                content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                long start = Stopwatch.GetTimestamp();
                var t = Stopwatch.StartNew();
                using var r = await http.PostAsync("/v1/assess?profile=icao", content);
                await r.Content.ReadAsByteArrayAsync();
                spans.Add((start, Stopwatch.GetTimestamp(), (int)r.StatusCode));
                codes.AddOrUpdate((int)r.StatusCode, 1, (_, n) => n + 1);
                if (r.StatusCode == HttpStatusCode.OK) latencies.Add(t.Elapsed.TotalMilliseconds);
            }
        })));
        var seconds = sw.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await sampler;
        return new LoadResult(requests, clients, seconds, [.. latencies], new Dictionary<int, int>(codes), rss, RejectedWithinCapacity([.. spans], capacity));
    }

    /// <summary>429s that no moment of their request's life could justify: a request is refused only when, at its
    /// admission, <paramref name="capacity"/> others are admitted, and those are outstanding on the client side then. So
    /// a fair 429 has some instant in its [send, answer] span where at least <paramref name="capacity"/> other requests
    /// are outstanding; the count is checked at the span's start and at every other request's start inside it.</summary>
    private static int RejectedWithinCapacity(List<(long Start, long End, int Code)> spans, int capacity)
    {
        int unjustified = 0;
        foreach (var r in spans.Where(s => s.Code == 429))
        {
            var instants = spans.Where(s => s.Start >= r.Start && s.Start <= r.End).Select(s => s.Start).Append(r.Start);
            bool justified = instants.Any(t => spans.Count(o => o != r && o.Start <= t && o.End >= t) >= capacity);
            if (!justified) unjustified++;
        }
        return unjustified;
    }

    [Fact]
    public async Task BoundedLoad_No5xx_No429WithinTheQueue_MemoryFlat()
    {
        int requests = Env("FIQA_LOAD_REQUESTS", 64), clients = Env("FIQA_LOAD_CLIENTS", 16);
        int concurrency = Environment.ProcessorCount, queue = 64;
        var (app, url) = await BrowserTests.StartAsync($"--Fiqa:MaxConcurrency={concurrency}", $"--Fiqa:QueueLimit={queue}");
        await using var service = app;
        var image = await File.ReadAllBytesAsync(Portrait());
        await RunAsync(url, image, clients, clients, concurrency + queue); // warm the JIT and the connection pool
        var r = await RunAsync(url, image, requests, clients, concurrency + queue);
        var line = r.Summary("load");
        output.WriteLine(line);
        await File.AppendAllTextAsync(Path.Combine(AppContext.BaseDirectory, "load-report.txt"), line + "\n");

        Assert.DoesNotContain(r.Codes.Keys, c => c >= 500);
        Assert.Equal(0, r.RejectedWithinCapacity);
        if (clients <= concurrency + queue) Assert.Equal(requests, r.Codes.GetValueOrDefault(200));
        // Flat memory: the last quarter of the run holds no more than the second quarter plus a margin for GC timing.
        var q = r.RssSamples.Count / 4;
        Assert.True(q >= 2, $"run too short to judge memory ({r.RssSamples.Count} samples)");
        double second = r.RssSamples.Skip(q).Take(q).Average(), last = r.RssSamples.Skip(3 * q).Average();
        Assert.True(last <= second * 1.15 + (64 << 20), $"RSS grew: second quarter {second / (1 << 20):0} MiB, last quarter {last / (1 << 20):0} MiB");
    }

    [Fact]
    public async Task OverTheQueue_Is429_OnlyBeyondIt_AndNever5xx()
    {
        const int concurrency = 2, queue = 2;
        var (app, url) = await BrowserTests.StartAsync($"--Fiqa:MaxConcurrency={concurrency}", $"--Fiqa:QueueLimit={queue}");
        await using var service = app;
        var r = await RunAsync(url, await File.ReadAllBytesAsync(Portrait()), 32, 16, concurrency + queue);
        output.WriteLine(r.Summary("overload"));
        Assert.DoesNotContain(r.Codes.Keys, c => c >= 500);
        Assert.Equal(0, r.RejectedWithinCapacity);
        Assert.True(r.Codes.GetValueOrDefault(429) > 0, "16 clients against 2 slots and a queue of 2 must see 429s");
        Assert.True(r.Codes.GetValueOrDefault(200) >= concurrency + queue);
        Assert.Equal(32, r.Codes.GetValueOrDefault(200) + r.Codes.GetValueOrDefault(429));
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fiqa.Server.Tests;

/// <summary>Debian's headless Chromium driven over the Chrome DevTools Protocol (one WebSocket, flat sessions): enough
/// to load a page, set a file input, evaluate script and take a screenshot, with nothing to install besides the browser
/// (scripts/provision-browser.sh).</summary>
public sealed class Cdp : IAsyncDisposable
{
    private readonly Process _browser;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;
    private int _nextId;
    private string? _session;

    private Cdp(Process browser, string profile)
    {
        _browser = browser;
        _profile = profile;
    }

    public static string Executable => File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : throw new FileNotFoundException("Chromium not found at /usr/bin/chromium: run scripts/provision-browser.sh");

    /// <summary>Starts the browser and opens one page of <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static async Task<Cdp> LaunchAsync(int width = 1280, int height = 900)
    {
        var profile = Path.Combine(Path.GetTempPath(), "fiqa-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", $"--user-data-dir={profile}", $"--window-size={width},{height}", "about:blank" })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("chromium did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var cdp = new Cdp(process, profile);
        // Chromium writes the port it chose and the browser target's path here once it listens.
        var portFile = Path.Combine(profile, "DevToolsActivePort");
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(portFile) || File.ReadAllLines(portFile).Length < 2)
        {
            if (process.HasExited) throw new InvalidOperationException($"chromium exited with {process.ExitCode}");
            if (DateTime.UtcNow > until) throw new TimeoutException("chromium did not open its DevTools port within 30 s");
            await Task.Delay(100);
        }
        var lines = File.ReadAllLines(portFile);
        await cdp._socket.ConnectAsync(new Uri($"ws://127.0.0.1:{lines[0].Trim()}{lines[1].Trim()}"), CancellationToken.None);
        cdp._reader = Task.Run(cdp.ReadLoop);
        var target = await cdp.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, browserLevel: true);
        var attached = await cdp.SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target.GetProperty("targetId").GetString(), ["flatten"] = true }, browserLevel: true);
        cdp._session = attached.GetProperty("sessionId").GetString();
        await cdp.SendAsync("Page.enable");
        await cdp.SendAsync("Runtime.enable");
        await cdp.SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false });
        return cdp;
    }

    public async Task<JsonElement> SendAsync(string method, JsonObject? parameters = null, bool browserLevel = false)
    {
        int id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (!browserLevel && _session is not null) message["sessionId"] = _session;
        var tcs = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        return await tcs.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page and returns its JSON value (promises awaited).</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var r = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (r.TryGetProperty("exceptionDetails", out var ex)) throw new InvalidOperationException($"page script failed: {ex}");
        var result = r.GetProperty("result");
        return result.TryGetProperty("value", out var v) ? v.Clone() : default;
    }

    /// <summary>Polls <paramref name="condition"/> until it is true.</summary>
    public async Task WaitForAsync(string condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var v = await EvaluateAsync($"Boolean({condition})");
            if (v.ValueKind == JsonValueKind.True) return;
            if (DateTime.UtcNow > until) throw new TimeoutException($"page condition not met within {timeout.TotalSeconds} s: {condition}");
            await Task.Delay(100);
        }
    }

    public async Task NavigateAsync(string url)
    {
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        await WaitForAsync("document.readyState === 'complete'", TimeSpan.FromSeconds(30));
    }

    /// <summary>Puts <paramref name="path"/> into the file input matched by <paramref name="selector"/> (fires change).</summary>
    public async Task SetFileAsync(string selector, string path)
    {
        var doc = await SendAsync("DOM.getDocument");
        var node = await SendAsync("DOM.querySelector", new JsonObject { ["nodeId"] = doc.GetProperty("root").GetProperty("nodeId").GetInt32(), ["selector"] = selector });
        await SendAsync("DOM.setFileInputFiles", new JsonObject { ["nodeId"] = node.GetProperty("nodeId").GetInt32(), ["files"] = new JsonArray(path) });
    }

    /// <summary>Types <paramref name="text"/> into the input matched by <paramref name="selector"/> as a user would,
    /// replacing what it holds (fires input events; change fires on blur).</summary>
    public async Task TypeAsync(string selector, string text)
    {
        await EvaluateAsync($"(() => {{ const e = document.querySelector({JsonSerializer.Serialize(selector)}); e.focus(); e.select(); }})()");
        await SendAsync("Input.insertText", new JsonObject { ["text"] = text });
    }

    public async Task<byte[]> ScreenshotAsync()
    {
        var r = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        return Convert.FromBase64String(r.GetProperty("data").GetString()!);
    }

    private async Task ReadLoop()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open && !_stop.IsCancellationRequested)
            {
                var r = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                using var doc = JsonDocument.Parse(message.ToArray());
                message.SetLength(0);
                var root = doc.RootElement;
                if (!root.TryGetProperty("id", out var idProp) || !_pending.TryRemove(idProp.GetInt32(), out var tcs)) continue;
                if (root.TryGetProperty("error", out var error)) tcs.TrySetException(new InvalidOperationException($"CDP error: {error}"));
                else tcs.TrySetResult(root.GetProperty("result").Clone());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        foreach (var p in _pending.Values) p.TrySetCanceled();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await SendAsync("Browser.close", browserLevel: true).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or TaskCanceledException or WebSocketException)
        {
        }
        await _stop.CancelAsync();
        if (_reader is not null) await _reader.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        if (!_browser.WaitForExit(5000)) _browser.Kill(entireProcessTree: true);
        _browser.Dispose();
        _socket.Dispose();
        _stop.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

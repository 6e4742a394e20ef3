using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Fiqa.Tests;

namespace Fiqa.Batch.Tests;

/// <summary>A private RabbitMQ node on loopback for one test (Debian's rabbitmq-server, installed by
/// scripts/provision-queue.sh): its own node name, ports, database and log folders in a temporary folder; stopped and
/// removed at the end.</summary>
internal sealed class RabbitNode : IDisposable
{
    private const string Bin = "/usr/lib/rabbitmq/bin";
    private readonly Process _server;
    private readonly string _dir;

    public string NodeName { get; }

    public int Port { get; }

    public Uri Broker => new($"amqp://guest:guest@127.0.0.1:{Port}/");

    public RabbitNode()
    {
        if (!File.Exists(Path.Combine(Bin, "rabbitmq-server")))
            throw new InvalidOperationException("rabbitmq-server is not installed: run scripts/provision-queue.sh (or scripts/provision.sh)");
        _dir = TestData.TempDirectory();
        Port = FreePort();
        NodeName = $"fiqa-test-{Guid.NewGuid():N}"[..24] + "@localhost";
        File.WriteAllText(Path.Combine(_dir, "enabled_plugins"), "[].");
        var psi = new ProcessStartInfo(Path.Combine(Bin, "rabbitmq-server")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in Environment())
            psi.Environment[k] = v;
        _server = Process.Start(psi)!;
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        // await_startup waits for a node that is booting, but fails at once while the node has not yet registered
        // with epmd: try again until it answers or the bounded wait is over.
        var clock = Stopwatch.StartNew();
        int code;
        string output;
        do
        {
            (code, output) = Ctl(TimeSpan.FromSeconds(90), "await_startup", "--timeout", "60");
            if (code != 0) Thread.Sleep(500);
        }
        while (code != 0 && !_server.HasExited && clock.Elapsed < TimeSpan.FromSeconds(90));
        if (code != 0)
        {
            Dispose();
            throw new InvalidOperationException($"the test RabbitMQ node did not start: {output}");
        }
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["RABBITMQ_NODENAME"] = NodeName,
        ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_NODE_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RABBITMQ_DIST_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_dir, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(_dir, "log"),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_dir, "enabled_plugins"),
        ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_dir, "rabbitmq"),
        ["RABBITMQ_PID_FILE"] = Path.Combine(_dir, "node.pid"),
    };

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private (int Code, string Output) Ctl(TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(Bin, "rabbitmqctl")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-n");
        psi.ArgumentList.Add(NodeName);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout)) { p.Kill(true); return (-1, "rabbitmqctl timed out"); }
        p.WaitForExit();
        return (p.ExitCode, output.Result + error.Result);
    }

    public void Dispose()
    {
        if (!_server.HasExited)
        {
            Ctl(TimeSpan.FromSeconds(30), "stop");
            if (!_server.WaitForExit(TimeSpan.FromSeconds(15))) _server.Kill(entireProcessTree: true);
        }
        _server.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

using System.Diagnostics;
using Fiqa.Tests;

namespace Fiqa.Batch.Tests;

/// <summary>Inputs and a way to run the real CLI, in-process or as a process that can be killed.</summary>
internal static class BatchFixture
{
    /// <summary>A folder of <paramref name="count"/> small real face crops (the provisioned crops, repeated under new
    /// names in a few sub-folders, each with its own content hash), so the batch machinery is what the time goes to.</summary>
    public static string CropFolder(int count)
    {
        var crops = Directory.EnumerateFiles(TestData.File("crops"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var dir = TestData.TempDirectory();
        for (int i = 0; i < count; i++)
        {
            var sub = Path.Combine(dir, $"part{i % 3}");
            Directory.CreateDirectory(sub);
            // Bytes after IEND are ignored by decoders: the same pixels, a distinct content hash per input.
            var bytes = File.ReadAllBytes(crops[i % crops.Count]).Concat(System.Text.Encoding.ASCII.GetBytes($"fiqa{i:D8}")).ToArray();
            File.WriteAllBytes(Path.Combine(sub, $"img{i:D5}.png"), bytes);
        }
        return dir;
    }

    public static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = Fiqa.Cli.CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The CLI as a child process (the fiqa.dll built beside the tests).</summary>
    public static Process Start(IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fiqa.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["FIQA_HOME"] = TestData.RepoRoot;
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        return p;
    }

    /// <summary>Runs the CLI as a process to the end.</summary>
    public static (int Code, string Err) RunProcess(IEnumerable<string> args, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        using var p = Start(args, environment);
        var err = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout)) { p.Kill(true); throw new TimeoutException($"fiqa {string.Join(' ', args)} ran over {timeout}"); }
        p.WaitForExit();
        return (p.ExitCode, err.Result);
    }

    /// <summary>Starts the CLI, waits until the output grows (records are flowing), then SIGKILLs it after
    /// <paramref name="delayMs"/>; false when it had ended by itself first.</summary>
    public static bool KillWhileWriting(IEnumerable<string> args, string output, int delayMs)
    {
        using var p = Start(args);
        var err = p.StandardError.ReadToEndAsync();
        long start = File.Exists(output) ? new FileInfo(output).Length : 0;
        var clock = Stopwatch.StartNew();
        while (!p.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30) && (!File.Exists(output) || new FileInfo(output).Length <= start + 1))
            Thread.Sleep(5);
        Thread.Sleep(delayMs);
        bool killed = false;
        if (!p.HasExited)
        {
            p.Kill(); // SIGKILL on Unix: no handler, no flush
            killed = true;
        }
        p.WaitForExit();
        _ = err.Result;
        return killed;
    }

    /// <summary>The records of a JSONL, CSV or Parquet output as comparable lines (CSV without its header).</summary>
    public static List<string> Records(string path) => Path.GetExtension(path) switch
    {
        ".parquet" => ParquetRecords.Rows(path).Select(r => string.Join('|', r.Select(kv => $"{kv.Key}={kv.Value}"))).ToList(),
        ".csv" => File.ReadAllLines(path).Skip(1).ToList(),
        _ => File.ReadAllLines(path).ToList(),
    };

    /// <summary>The input path of a record line (JSONL "file", CSV first column, Parquet "file").</summary>
    public static string FileOf(string record) => record.StartsWith('{')
        ? System.Text.Json.JsonDocument.Parse(record).RootElement.GetProperty("file").GetString()!
        : record.StartsWith("file=", StringComparison.Ordinal) ? record[5..record.IndexOf('|', StringComparison.Ordinal)] : record[..record.IndexOf(',', StringComparison.Ordinal)];
}

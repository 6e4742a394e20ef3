using System.Diagnostics;
using Fiqa.Tests;
using Microsoft.Data.Sqlite;

namespace Fiqa.Batch.Tests;

public class QueueTests
{
    private const int Inputs = 30;

    /// <summary>Two workers on a real broker, one SIGKILLed mid-run and restarted: every input is stored once, and a
    /// poison message ends in the dead-letter queue with its error after the delivery limit.</summary>
    [Fact]
    public async Task TwoWorkers_OneKilledAndRestarted_EveryInputOnce_PoisonDeadLettered()
    {
        using var node = new RabbitNode();
        var dir = BatchFixture.CropFolder(Inputs);
        var results = Path.Combine(TestData.TempDirectory(), "results.db");
        var broker = node.Broker.ToString();
        var submit = BatchFixture.Cli("queue", "submit", dir, "--broker", broker, "--batch", "2");
        Assert.True(submit.Code == 0, submit.Err);
        Assert.Contains($"submitted {Inputs} input(s) in {Inputs / 2} message(s)", submit.Err);
        var options = new QueueOptions { Broker = node.Broker };
        await RabbitWorkQueue.PublishRaw(options, "{\"inputs\": not json"u8.ToArray());

        string[] worker = ["worker", "--broker", broker, "--results", results, "--measures", "none", "--assume-upright", "--threads", "1", "--prefetch", "2", "--idle-exit", "3"];
        var clock = Stopwatch.StartNew();
        using var a = BatchFixture.Start(worker);
        using var b = BatchFixture.Start(worker);
        var aErr = a.StandardError.ReadToEndAsync();
        var bErr = b.StandardError.ReadToEndAsync();
        // Kill A once results are arriving (it holds unacknowledged messages then), and start it again.
        while (StoredInputs(results) < 6 && clock.Elapsed < TimeSpan.FromSeconds(60) && !a.HasExited) await Task.Delay(20);
        Assert.False(a.HasExited, "worker A ended before it could be killed: " + await aErr);
        a.Kill();
        await a.WaitForExitAsync();
        using var again = BatchFixture.Start(worker);
        var againErr = again.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await b.WaitForExitAsync(timeout.Token);
        await again.WaitForExitAsync(timeout.Token);
        Assert.True(b.ExitCode == 0, await bErr);
        Assert.True(again.ExitCode == 0, await againErr);

        var expected = Directory.EnumerateFiles(dir, "*.png", SearchOption.AllDirectories).Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToList();
        using (var db = new SqliteConnection($"Data Source={results};Pooling=False"))
        {
            db.Open();
            Assert.Equal(expected, Column(db, "SELECT path FROM inputs ORDER BY path"));
            // One result row per distinct content (each input has its own), each carrying its JSON record with that hash.
            Assert.Equal(Inputs, Column(db, "SELECT key FROM results").Distinct().Count());
            foreach (var row in Column(db, "SELECT key || char(9) || records FROM results"))
            {
                var (key, record) = (row[..row.IndexOf('\t', StringComparison.Ordinal)], row[(row.IndexOf('\t', StringComparison.Ordinal) + 1)..]);
                Assert.Equal(key, System.Text.Json.JsonDocument.Parse(record.Split('\n')[0]).RootElement.GetProperty("sha256").GetString());
            }
        }
        var status = await RabbitWorkQueue.Status(options, TimeSpan.Zero);
        Assert.Equal(0u, status.Ready);
        Assert.Equal(1u, status.Dead);
        var dead = Assert.Single(status.DeadLetters);
        Assert.Contains("not json", dead.Inputs[0]);
        Assert.Contains("Json", dead.Error);
        Assert.Equal(3, dead.Deliveries);
        var cli = BatchFixture.Cli("queue", "status", "--broker", broker, "--sample", "0");
        Assert.Contains("dead letters (fiqa.assess.dead): 1", cli.Out);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"the queue run took {clock.Elapsed}");
    }

    private static long StoredInputs(string path)
    {
        if (!File.Exists(path)) return 0;
        try
        {
            using var db = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            db.Open();
            using var c = db.CreateCommand();
            c.CommandText = "SELECT COUNT(*) FROM inputs";
            return (long)c.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0; // not created yet
        }
    }

    private static List<string> Column(SqliteConnection db, string sql)
    {
        using var c = db.CreateCommand();
        c.CommandText = sql;
        using var r = c.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }
}

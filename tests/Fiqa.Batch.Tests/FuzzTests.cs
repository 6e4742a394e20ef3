using System.Text.Json;
using Fiqa.Tests;

namespace Fiqa.Batch.Tests;

public class FuzzTests
{
    /// <summary>Malformed files through the whole batch (enumerate, hash, decode, assess, write): no crash, exit 0, one
    /// record each. CI runs a slice of 500; scripts/fuzz-batch.sh sets FIQA_FUZZ_COUNT=10000 for the full run.</summary>
    [Fact]
    public void MalformedInputs_NoCrash_OneRecordEach()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("FIQA_FUZZ_COUNT"), out var n) ? n : 500;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("FIQA_FUZZ_SEED"), out var s) ? s : 18;
        var dir = TestData.TempDirectory();
        var mutator = new Mutator(seed);
        for (int i = 0; i < count; i++)
        {
            var (name, bytes) = mutator.Next(i);
            File.WriteAllBytes(Path.Combine(dir, name), bytes);
        }
        var output = Path.Combine(TestData.TempDirectory(), "fuzz.jsonl");
        var r = BatchFixture.Cli("assess", dir, "--measures", "none", "--assume-upright", "--threads", "2", "--out", output, "--state", output + ".db");
        Assert.True(r.Code == 0, r.Err[..Math.Min(2000, r.Err.Length)]);
        var records = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(count, records.Select(e => e.GetProperty("file").GetString()).Distinct().Count());
        Assert.Equal(count, records.Count);
        var statuses = records.GroupBy(e => e.GetProperty("status").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(statuses.Keys.All(k => k is "ok" or "no_face" or "error"), string.Join(", ", statuses.Keys));
        Assert.True(statuses.GetValueOrDefault("error") > count / 4, $"only {statuses.GetValueOrDefault("error")} errors among {count} malformed files: the mutator is too mild");
        Assert.DoesNotContain(records, e => e.TryGetProperty("error", out var m) && m.GetString()!.StartsWith("internal error", StringComparison.Ordinal));
        var summary = $"fuzz: {count} malformed inputs (seed {seed}): " + string.Join(", ", statuses.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}")) + "; 0 crashes";
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "fiqa-fuzz-summary.txt"), summary + "\n");
    }
}

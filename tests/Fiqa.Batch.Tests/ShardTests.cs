using Fiqa.Tests;

namespace Fiqa.Batch.Tests;

public class ShardTests
{
    [Fact]
    public void ThreeShards_AreDisjoint_CoverTheInputs_AndMergeToTheUnshardedRun()
    {
        var dir = BatchFixture.CropFolder(24);
        var work = TestData.TempDirectory();
        var whole = Path.Combine(work, "whole.jsonl");
        var r = BatchFixture.Cli("assess", dir, "--measures", "none", "--provenance", "--out", whole);
        Assert.True(r.Code == 0, r.Err);
        var parts = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            var part = Path.Combine(work, $"part{i}.jsonl");
            var s = BatchFixture.Cli("assess", dir, "--measures", "none", "--shard", $"{i}/3", "--out", part);
            Assert.True(s.Code == 0, s.Err);
            parts.Add(part);
        }
        var files = parts.Select(p => File.ReadAllLines(p).Select(BatchFixture.FileOf).ToHashSet()).ToList();
        Assert.All(files, f => Assert.NotEmpty(f));
        Assert.Empty(files[0].Intersect(files[1]).Concat(files[0].Intersect(files[2])).Concat(files[1].Intersect(files[2])));
        Assert.Equal(24, files.Sum(f => f.Count));
        var merged = Path.Combine(work, "merged.jsonl");
        var m = BatchFixture.Cli(["merge", "--out", merged, .. parts]);
        Assert.True(m.Code == 0, m.Err);
        Assert.Equal(File.ReadAllText(whole), File.ReadAllText(merged));
    }

    [Fact]
    public void ParquetShards_MergeToTheUnshardedRows()
    {
        var dir = BatchFixture.CropFolder(9);
        var work = TestData.TempDirectory();
        var whole = Path.Combine(work, "whole.parquet");
        Assert.Equal(0, BatchFixture.Cli("assess", dir, "--measures", "none", "--out", whole).Code);
        var parts = Enumerable.Range(0, 3).Select(i => Path.Combine(work, $"p{i}.parquet")).ToList();
        for (int i = 0; i < 3; i++) Assert.Equal(0, BatchFixture.Cli("assess", dir, "--measures", "none", "--shard", $"{i}/3", "--out", parts[i]).Code);
        var merged = Path.Combine(work, "merged.parquet");
        Assert.Equal(0, BatchFixture.Cli(["merge", "--out", merged, .. parts]).Code);
        Assert.Equal(BatchFixture.Records(whole).Order(StringComparer.Ordinal), BatchFixture.Records(merged).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Shard_IndexFromClusterSchedulers_AndTheHashIsStable()
    {
        Assert.Equal(new Shard(2, 5), Shard.Parse("auto/5", n => n == "JOB_COMPLETION_INDEX" ? "2" : null));
        Assert.Equal(new Shard(3, 8), Shard.Parse("/8", n => n switch { "SLURM_ARRAY_TASK_ID" => "4", "SLURM_ARRAY_TASK_MIN" => "1", _ => null }));
        var e = Assert.Throws<ArgumentException>(() => Shard.Parse("auto/4", _ => null));
        Assert.Contains("JOB_COMPLETION_INDEX", e.Message);
        Assert.Throws<ArgumentException>(() => Shard.Parse("4/4", _ => null));
        // FNV-1a 64 test vectors (Fowler–Noll–Vo reference): "" and "a".
        Assert.Equal(0xcbf29ce484222325UL, Shard.Hash(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, Shard.Hash("a"));
        Assert.Equal(Shard.Hash("x/y.jpg"), Shard.Hash("x\\y.jpg"));
    }
}

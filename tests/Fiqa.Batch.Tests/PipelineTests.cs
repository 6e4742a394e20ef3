using Fiqa.Quality;
using Fiqa.Tests;

namespace Fiqa.Batch.Tests;

public class PipelineTests
{
    /// <summary>Folder order is the ordinal order of full paths, streamed one folder at a time.</summary>
    [Fact]
    public void FolderWalk_IsOrdinalOrderOfFullPaths()
    {
        var dir = TestData.TempDirectory();
        foreach (var rel in new[] { "b.jpg", "b/c.jpg", "b0.jpg", "b-x.jpg", "a/z/y.png", "B.png", "b/notes.txt" })
        {
            var path = Path.Combine(dir, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, [1]);
        }
        var scan = new InputScan();
        var streamed = InputSource.Enumerate([dir], scan).ToList();
        var sorted = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".txt", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(sorted, streamed);
        Assert.Equal(1, scan.Skipped[".txt"]);
    }

    /// <summary>30,000 inputs through the real assessor (missing files: an error record each, no model run) with a
    /// window of 16: never more than 16 in flight, every input written once and in order.</summary>
    [Fact]
    public void ThirtyThousandInputs_InFlightStaysBounded_OutputInOrder()
    {
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Measures = [] });
        var missing = Path.Combine(TestData.TempDirectory(), "none");
        IEnumerable<string> Inputs() { for (int i = 0; i < 30_000; i++) yield return Path.Combine(missing, $"{i:D6}.jpg"); }
        int inFlight = 0, peak = 0;
        var assess = BatchRun.Assess(assessor);
        var sink = new CountingSink();
        var summary = BatchRun.Run(Inputs(), item =>
        {
            int now = Interlocked.Increment(ref inFlight);
            int seen;
            while ((seen = Volatile.Read(ref peak)) < now && Interlocked.CompareExchange(ref peak, now, seen) != seen) { }
            return assess(item);
        }, sink, null, new BatchOptions { Workers = 4, InFlight = 16, HashContent = true }, (_, _) => Interlocked.Decrement(ref inFlight));
        Assert.Equal(30_000, summary.Processed);
        Assert.Equal(30_000, sink.Files.Count);
        Assert.True(peak <= 16, $"{peak} inputs in flight with a window of 16");
        Assert.Equal(Inputs(), sink.Files);
        Assert.All(sink.Errors.Take(3), e => Assert.Equal("file not found", e));
    }

    /// <summary>Ordered output does not depend on the thread count; --unordered holds the same records.</summary>
    [Fact]
    public void OrderedOutput_SameForAnyThreadCount_UnorderedSameRecords()
    {
        var dir = BatchFixture.CropFolder(12);
        var one = BatchFixture.Cli("assess", dir, "--measures", "none", "--threads", "1", "--provenance");
        var two = BatchFixture.Cli("assess", dir, "--measures", "none", "--threads", "2", "--provenance");
        var unordered = BatchFixture.Cli("assess", dir, "--measures", "none", "--threads", "2", "--provenance", "--unordered");
        Assert.Equal(0, one.Code);
        Assert.Equal(one.Out, two.Out);
        Assert.Equal(one.Out.Split('\n').Order(StringComparer.Ordinal), unordered.Out.Split('\n').Order(StringComparer.Ordinal));
        Assert.Contains("files/s", one.Err);
        // Each record names its input's content hash and the run's fingerprint.
        var first = System.Text.Json.JsonDocument.Parse(one.Out.Split('\n')[0]).RootElement;
        var path = first.GetProperty("file").GetString()!;
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), first.GetProperty("sha256").GetString());
        Assert.Equal(64, first.GetProperty("fingerprint").GetString()!.Length);
    }

    private sealed class CountingSink : IRecordSink
    {
        public List<string> Files { get; } = [];
        public List<string?> Errors { get; } = [];
        public void Write(FaceAssessment assessment, string? sha256) { Files.Add(assessment.File); Errors.Add(assessment.Analysis.Error); }
        public SinkCheckpoint Checkpoint() => SinkCheckpoint.Empty;
        public void Dispose() { }
    }
}

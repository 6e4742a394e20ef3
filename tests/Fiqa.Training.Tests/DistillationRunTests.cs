using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Training.Tests;

/// <summary>train-quality's run as the library gives it: plan, collect through the cache, train, report, provenance.</summary>
public class DistillationRunTests
{
    private static readonly HashSet<string> Images = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".png" };

    [Fact]
    public void Run_OnInstalledJohns_ReportsItsPlan_NamesItsDataInTheHead_AndRepeatsFromTheCache()
    {
        var options = new DistillationRunOptions
        {
            Data = [TestData.File("dlib/johns")], ImageExtensions = Images, Kinds = [DegradationKind.Blur], Levels = [2], JitterCopies = 0, Threads = 2,
            Face = new FaceAnalyzerOptions { Parts = FaceParts.Embedding, Session = new Fiqa.Onnx.OnnxSessionOptions { IntraOpThreads = 1 } },
            CacheFolder = TestData.TempDirectory(),
            Distillation = new DistillationOptions { Teachers = ["reference"], Training = new QualityHeadTrainingOptions { Epochs = 3, Hidden = 8 } },
        };
        var plan = DistillationRun.Plan(options);
        Assert.Equal(2 * plan.Dataset.Samples.Count, plan.Samples.Count); // each original and its blurred copy
        Assert.InRange(plan.HeldOut.Count, 1, plan.Identities - 1);
        int scored = 0, epochs = 0;
        DistillationSet? collected = null;
        var progress = new DistillationProgress
        {
            Scored = (done, total) => { Assert.Equal(plan.Samples.Count, total); Interlocked.Increment(ref scored); },
            Collected = set => collected = set,
            Epoch = (_, loss) => { Assert.InRange(loss, 0, 1); epochs++; },
        };
        var first = DistillationRun.Run(options, plan, progress);
        Assert.Equal(plan.Samples.Count, scored);
        Assert.Equal(3, epochs);
        Assert.Same(collected, first.Set);
        Assert.Equal(plan.Samples.Count, first.Report.Samples);
        Assert.Equal(first.Set.WithoutFace.Count, first.Report.WithoutFace);
        Assert.Equal(plan.HeldOut.Order(StringComparer.Ordinal), first.Report.HeldOutIdentities);
        Assert.Equal("johns", (string?)first.Head.Provenance["data"]);
        Assert.Equal("blur levels 2 seed 1", (string?)first.Head.Provenance["degradations"]);
        Assert.Equal("reference", (string?)first.Head.Provenance["teacher"]);
        // The second run reads every teacher score and head input from the cache and trains the same weights.
        var again = DistillationRun.Run(options, DistillationRun.Plan(options));
        Assert.Equal(first.Head.Weights, again.Head.Weights);
        Assert.Equal(DistillationReporting.Describe(first.Report), DistillationReporting.Describe(again.Report));
        Assert.Contains("jitter copies", Assert.Throws<ArgumentException>(() => DistillationRun.Collect(options with { JitterCopies = 17 }, plan)).Message);
    }
}

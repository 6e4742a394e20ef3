using Fiqa.Imaging;
using Fiqa.Tests;
using Xunit.Abstractions;

namespace Fiqa.Face.Tests;

/// <summary>Identity verification with the default embedder on dlib's johns (5 identities × 11 photos).</summary>
public class VerificationTests(FaceModelsFixture models, ITestOutputHelper output) : IClassFixture<FaceModelsFixture>
{
    private List<(string Identity, FaceEmbedding Embedding)> Johns()
    {
        var list = new List<(string, FaceEmbedding)>();
        foreach (var dir in Directory.GetDirectories(TestData.File("dlib/johns")).Order(StringComparer.Ordinal))
            foreach (var file in Directory.GetFiles(dir, "*.jpg").Order(StringComparer.Ordinal))
            {
                var faces = models.Primary.Analyze(ImageDecoder.Decode(file));
                Assert.True(faces.Count == 1, $"{file}: no face");
                list.Add((Path.GetFileName(dir), faces[0].Embedding!));
            }
        return list;
    }

    private static (List<double> Mated, List<double> NonMated) Pairs(List<(string Identity, FaceEmbedding Embedding)> items)
    {
        var mated = new List<double>();
        var nonMated = new List<double>();
        for (int i = 0; i < items.Count; i++)
            for (int j = i + 1; j < items.Count; j++)
                (items[i].Identity == items[j].Identity ? mated : nonMated).Add(items[i].Embedding.CosineSimilarity(items[j].Embedding));
        return (mated, nonMated);
    }

    [Fact]
    public void Embeddings_Johns_RocAucAtLeast097()
    {
        var items = Johns();
        Assert.Equal(55, items.Count);
        var (mated, nonMated) = Pairs(items);
        double auc = mated.Sum(m => nonMated.Count(n => n < m) + 0.5 * nonMated.Count(n => n == m)) / ((double)mated.Count * nonMated.Count);
        // EER: the threshold where FNMR and FMR cross.
        double eer = Enumerable.Range(0, 1001).Select(k => k / 1000.0 * 2 - 1)
            .Select(t => (Fnmr: mated.Count(m => m < t) / (double)mated.Count, Fmr: nonMated.Count(n => n >= t) / (double)nonMated.Count))
            .MinBy(r => Math.Abs(r.Fnmr - r.Fmr)) is var r ? (r.Fnmr + r.Fmr) / 2 : 1;
        output.WriteLine($"johns: {mated.Count} mated, {nonMated.Count} non-mated pairs; ROC AUC {auc:F4}, EER {eer:P2}; " +
            $"mated cosine min {mated.Min():F3} mean {mated.Average():F3}; non-mated max {nonMated.Max():F3} mean {nonMated.Average():F3}");
        Assert.True(auc >= 0.97, $"AUC {auc:F4}");
    }

    [Fact]
    public void Embedding_IsUnitLength_AndKeepsRawNorm()
    {
        var face = models.Primary.Analyze(ImageDecoder.Decode(TestData.File("skimage/astronaut.png")))[0];
        var e = face.Embedding!;
        Assert.Equal(512, e.Dimensions);
        Assert.Equal(1.0, System.Numerics.Tensors.TensorPrimitives.Norm(e.Vector), 4);
        Assert.InRange(e.Norm, 1.0f, 10.0f);
        Assert.Equal(1.0f, e.CosineSimilarity(e), 4);
    }

    [Fact]
    public void DefaultThreshold_MatchesCalibrationOnInstalledData()
    {
        // Non-mated pairs: every cross-identity pair among the johns, plus every john against every face detected in
        // the dlib VOC photos and the face-api group photos (none of whom is a john).
        var johns = Johns();
        var (mated, nonMated) = Pairs(johns);
        var strangers = new List<FaceEmbedding>();
        var photos = Directory.GetFiles(TestData.File("dlib/faces"), "*.jpg").Concat(Directory.GetFiles(TestData.File("face-api"), "*.jpg"));
        foreach (var file in photos.Order(StringComparer.Ordinal))
            strangers.AddRange(models.AllFaces.Analyze(ImageDecoder.Decode(file)).Select(f => f.Embedding!));
        foreach (var (_, e) in johns)
            foreach (var s in strangers) nonMated.Add(e.CosineSimilarity(s));
        double calibrated = Verification.ThresholdAtFalseMatchRate(nonMated, 1e-3);
        double fmr = nonMated.Count(s => s >= Verification.DefaultThreshold) / (double)nonMated.Count;
        double fnmr = mated.Count(s => s < Verification.DefaultThreshold) / (double)mated.Count;
        output.WriteLine($"{nonMated.Count} non-mated pairs ({strangers.Count} stranger faces): threshold at FMR 1e-3 = {calibrated:F4}; " +
            $"default {Verification.DefaultThreshold}: FMR {fmr:E2}, FNMR on johns {fnmr:P2}");
        Assert.True(nonMated.Count >= 5000);
        Assert.InRange(Verification.DefaultThreshold, calibrated - 0.02, calibrated + 0.02);
        Assert.True(fmr <= 2e-3, $"FMR at the default threshold {fmr:E2}");
    }

    [Fact]
    public void ThresholdAtFalseMatchRate_HandComputedCases()
    {
        double[] scores = [0.9, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0, -0.1, -0.2, -0.3];
        // FMR ≤ 0.1 allows one of ten: threshold between 0.9 and 0.5.
        Assert.Equal(0.7, Verification.ThresholdAtFalseMatchRate(scores, 0.1), 9);
        // FMR ≤ 0.05 allows none: threshold above the maximum.
        Assert.True(Verification.ThresholdAtFalseMatchRate(scores, 0.05) > 0.9);
        // FMR ≤ 0.25 allows two: between 0.5 and 0.4.
        Assert.Equal(0.45, Verification.ThresholdAtFalseMatchRate(scores, 0.25), 9);
    }

    [Fact]
    public void FaceComparison_AtTheThreshold_Matches_AndTheRecordRoundsTo1e4()
    {
        // 0.31f widened to double is 0.3100000023841858: the record must not carry the float's tail.
        var at = new FaceComparison(Verification.DefaultThreshold, Verification.DefaultThreshold);
        Assert.True(at.Match);
        Assert.Equal("{\"similarity\":0.31,\"threshold\":0.31,\"match\":true}", at.ToJsonLine());
        Assert.Equal("{\"similarity\":0.3099,\"threshold\":0.31,\"match\":false}", new FaceComparison(0.30994f, 0.31f).ToJsonLine());
    }
}

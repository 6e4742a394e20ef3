using Fiqa.Imaging;
using Fiqa.Iqa.Metrics;
using Fiqa.Tests;

namespace Fiqa.Iqa.Tests;

public sealed class DeepWsdFrTests
{
    // One metric (one embedder session) for the class: opening sessions is what costs, not scoring.
    private static readonly Lazy<DeepWsdFr> Metric = new(() => new DeepWsdFr(null, null, TestData.Paths));

    private static RgbImage Face(string file = "dlib/johns/John_Salley/000179_02159509.jpg") => ImageDecoder.Decode(TestData.File(file));

    [Fact]
    public void Score_IdenticalImages_IsZero()
    {
        var face = Face();
        Assert.Equal(0, Metric.Value.Score(face, face.Clone()), 12);
    }

    [Fact]
    public void Score_JpegLadder_RisesWithCompression()
    {
        var face = Face();
        var jpeg = SkiaCodec.Jpeg();
        var scores = new[] { 90, 50, 20, 5 }.Select(q => Metric.Value.Score(jpeg.Decode(jpeg.Encode(face, q)), face)).ToArray();
        Assert.True(scores[0] > 0, $"JPEG 90 scored {scores[0]}");
        for (int i = 1; i < scores.Length; i++)
            Assert.True(scores[i] > scores[i - 1], $"not rising: {string.Join(", ", scores)}");
    }

    [Fact]
    public void Score_BlurLadder_RisesWithSigma()
    {
        var face = Face("dlib/johns/John_Simm/000310_00470511.jpg");
        var scores = Enumerable.Range(1, 4).Select(l => Metric.Value.Score(Degradation.Apply(face, DegradationKind.Blur, l, seed: 1), face)).ToArray();
        for (int i = 1; i < scores.Length; i++)
            Assert.True(scores[i] > scores[i - 1], $"not rising: {string.Join(", ", scores)}");
    }

    [Fact]
    public void Score_SwappedInputs_SameValue()
    {
        var face = Face();
        var jpeg = SkiaCodec.Jpeg();
        var distorted = jpeg.Decode(jpeg.Encode(face, 20));
        double ab = Metric.Value.Score(distorted, face), ba = Metric.Value.Score(face, distorted);
        Assert.Equal(ab, ba, 9); // the Wasserstein and L2 terms are both symmetric
    }

    [Fact]
    public void Score_MismatchedSizes_ErrorNamesBothSizes()
    {
        var face = Face();
        var e = Assert.ThrowsAny<ArgumentException>(() => Metric.Value.Score(Resize.Bilinear(face, 100, 100), face));
        Assert.Contains("150x150", e.Message, StringComparison.Ordinal);
        Assert.Contains("100x100", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stages_OnePerResolution_ShallowToDeep()
    {
        // fr_feature (112×112 input) computes maps at 56, 28, 14 and 7 px at least.
        Assert.True(Metric.Value.StageTensors.Count >= 4, string.Join(", ", Metric.Value.StageTensors));
    }

    [Fact]
    public void Wasserstein1D_PointMasses_IsSquaredDistance()
    {
        double[] u = [1, 0, 0, 0], v = [0, 0, 0, 2];
        Assert.Equal(9, DeepWsdFr.Wasserstein1D(u, v, 2), 12);   // all mass moves 3 positions: 3²
        Assert.Equal(3, DeepWsdFr.Wasserstein1D(u, v, 1), 12);
        double[] half = [0.5, 0, 0, 0.5];
        Assert.Equal(4.5, DeepWsdFr.Wasserstein1D(u, half, 2), 12); // half the mass moves 3: 0.5 · 9
    }

    [Fact]
    public void Catalogue_CreatesDeepWsdFr_LowerIsBetter()
    {
        var d = IqaCatalogue.Find("deepwsd_fr");
        Assert.True(d.LowerIsBetter);
        Assert.Equal(MetricKind.FullReference, d.Kind);
    }
}

using Fiqa.Quality.Unified;

namespace Fiqa.Training.Tests;

/// <summary>FROQ's layer choice on hand-made observations, and its file round trip.</summary>
public class FroqCalibrationTests
{
    private static FroqCalibrator.Observations Observations()
    {
        // Six faces, labels 1..6. t0 ranks exactly as the labels, t1 inversely, t2 at random, t3 with one swap.
        double[] labels = [1, 2, 3, 4, 5, 6];
        double[] t2 = [5, 1, 4, 2, 6, 3], t3 = [1, 2, 3, 5, 4, 6];
        var norms = labels.Select((l, f) => new[] { 10 * l, 100 - l, t2[f], t3[f] }).ToList();
        return new FroqCalibrator.Observations(["t0", "t1", "t2", "t3"], labels, norms, WithoutFace: 0);
    }

    [Fact]
    public void Choose_RanksLayersBySpearman_AndKeepsTheGreedyPrefixWithTheBestSet()
    {
        var c = FroqCalibrator.Choose(Observations(), new FroqCalibrationOptions { TopLayers = 3 }, "model", "abc");
        Assert.Equal(["t0", "t3", "t2"], c.Candidates.Select(l => l.Tensor));
        Assert.Equal(1.0, c.Candidates[0].Spearman, 9);
        Assert.Equal(0.9429, c.Candidates[1].Spearman, 4); // one adjacent swap in six: 1 − 6·2/(6·35)
        // t0 alone is already perfect; adding t3 keeps ρ = 1 but the first best prefix is kept.
        Assert.Equal(["t0"], c.Layers.Select(l => l.Tensor));
        Assert.Equal(1.0, c.SetSpearman, 9);
        Assert.Equal(35.0, c.MedianNorm, 9); // median of 10..60
        Assert.Equal(6, c.Faces);
    }

    [Fact]
    public void Choose_NeedsThreeFaces_AndTheFileRoundTrips()
    {
        var few = new FroqCalibrator.Observations(["t0"], [1, 2], [[1.0], [2.0]], 0);
        Assert.Contains("at least 3 faces", Assert.Throws<ArgumentException>(() => FroqCalibrator.Choose(few, new FroqCalibrationOptions(), "m", null)).Message);

        var c = FroqCalibrator.Choose(Observations(), new FroqCalibrationOptions { TopLayers = 4 }, "model", "abc", "test data");
        var path = Path.Combine(Path.GetTempPath(), $"froq-{Guid.NewGuid():N}.json");
        try
        {
            c.Save(path);
            var back = FroqCalibration.Load(path);
            Assert.Equal(c.Layers, back.Layers);
            Assert.Equal((c.MedianNorm, c.SetSpearman, c.EmbedderSha256, c.Provenance), (back.MedianNorm, back.SetSpearman, back.EmbedderSha256, back.Provenance));
            File.WriteAllText(path, "{\"format\":\"something-else\",\"version\":1}");
            Assert.Contains("not a FROQ calibration", Assert.Throws<InvalidDataException>(() => FroqCalibration.Load(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

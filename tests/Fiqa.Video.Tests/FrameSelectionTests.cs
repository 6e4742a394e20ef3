using Fiqa.Face;

namespace Fiqa.Video.Tests;

/// <summary>The choice rules on given scores (the embeddings are irrelevant to them).</summary>
public sealed class FrameSelectionTests
{
    private static List<FaceObservation> Track(params double[] quality) => quality.Select((q, i) =>
        new FaceObservation(i, i / 2.0, $"f{i}", 0, new FaceDetection(new FaceBox(0, 0, 100, 100), 1), new FaceEmbedding([1f, 0f]), q, (int)(q * 100))).ToList();

    [Fact]
    public void Best_MinGap_NeverChoosesFramesCloserThanTheGap()
    {
        var track = Track(0.9, 0.89, 0.88, 0.5, 0.5, 0.7, 0.1, 0.6);
        var picks = FrameSelection.Best(track, new SelectionOptions { Top = 3, MinGap = 3 });
        // 0 (0.9) first; 1 and 2 are too close to it; 5 (0.7) next; 7, 3, 4 and 6 are each within 2 of a choice.
        Assert.Equal([0, 5], picks.Select(p => p.Frame));
    }

    [Fact]
    public void Best_NotAssessedFrames_AreNeverChosen()
    {
        var picks = FrameSelection.Best(Track(double.NaN, 0.2, double.NaN), new SelectionOptions { Top = 3, MinGap = 1 });
        Assert.Equal([1], picks.Select(p => p.Frame));
    }

    [Fact]
    public void Best_ShortWindow_PrefersAGoodStretchOverAOneFrameSpike()
    {
        // Frame 2 is a spike among poor frames; frames 6–8 are steadily good.
        var track = Track(0.2, 0.2, 0.95, 0.2, 0.2, 0.2, 0.8, 0.85, 0.8, 0.2);
        Assert.Equal([2], FrameSelection.Best(track, new SelectionOptions { Top = 1 }).Select(p => p.Frame));
        Assert.Equal([7], FrameSelection.Best(track, new SelectionOptions { Top = 1, ShortWindow = 1 }).Select(p => p.Frame));
    }

    [Fact]
    public void UniformAndRandom_GiveKDistinctFramesReproducibly()
    {
        var track = Track(Enumerable.Range(0, 100).Select(i => i / 100.0).ToArray());
        Assert.Equal([10, 30, 50, 70, 90], FrameSelection.Uniform(track, 5).Select(p => p.Frame));
        var a = FrameSelection.Random(track, 5, seed: 7).Select(p => p.Frame).ToList();
        Assert.Equal(a, FrameSelection.Random(track, 5, seed: 7).Select(p => p.Frame));
        Assert.Equal(5, a.Distinct().Count());
    }
}

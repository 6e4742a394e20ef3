using Fiqa.Face;
using Fiqa.Tests;

namespace Fiqa.Video.Tests;

[Collection("video")]
public sealed class VideoSelectionTests(VideoClips clips, SelectorFixture fixture)
{
    private static readonly FrameSampling EveryFrame = new() { Every = 1 };

    [Fact]
    public void Probe_FfmpegMadeClip_ReportsSizeRateAndLength()
    {
        var info = new FfmpegFrameSource(clips.Degraded, EveryFrame, FfmpegTools.Default).Probe();
        Assert.Equal((360, 288, 0), (info.Width, info.Height, info.Rotation));
        Assert.Equal(4.0, info.FramesPerSecond, 6);
        Assert.Equal(16, info.FrameCount);
    }

    [Fact]
    public void Frames_EveryNth_YieldsThoseFramesWithTimestamps()
    {
        var frames = new FfmpegFrameSource(clips.Degraded, new FrameSampling { Every = 3 }, FfmpegTools.Default).Frames().ToList();
        Assert.Equal(6, frames.Count); // source frames 0, 3, 6, 9, 12, 15
        Assert.Equal([0, 0.75, 1.5, 2.25, 3.0, 3.75], frames.Select(f => f.Time));
        Assert.All(frames, f => Assert.Equal((360, 288), (f.Image.Width, f.Image.Height)));
    }

    [Fact]
    public void ExpectedFrames_VideoAndFolder_EqualTheFramesYielded()
    {
        // What progress lines take as the total: the count Frames() then yields, for each sampling.
        FrameSampling[] samplings = [new() { Fps = 2 }, new() { Every = 3 }, new() { Every = 1, MaxFrames = 5 }, new() { Every = 1, MaxSeconds = 1 },
            new() { Every = 2, StartSeconds = 0.2 }];
        foreach (var sampling in samplings)
        {
            var video = new FfmpegFrameSource(clips.Degraded, sampling, FfmpegTools.Default);
            Assert.Equal(video.Frames().Count(), video.ExpectedFrames());
            var folder = new ImageSequenceFrameSource(clips.DegradedFolder, sampling with { SequenceFps = 4 });
            Assert.Equal(folder.Frames().Count(), folder.ExpectedFrames());
        }
        Assert.Null(new FfmpegFrameSource(clips.NotVideo, EveryFrame, FfmpegTools.Default).ExpectedFrames());
    }

    [Fact]
    public void Frames_FpsAndLimits_AreObeyed()
    {
        var byFps = new FfmpegFrameSource(clips.Degraded, new FrameSampling { Fps = 2 }, FfmpegTools.Default).Frames().ToList();
        Assert.Equal(8, byFps.Count); // 4 s at 2 fps
        var capped = new FfmpegFrameSource(clips.Degraded, new FrameSampling { Every = 1, MaxFrames = 5 }, FfmpegTools.Default).Frames().ToList();
        Assert.Equal(5, capped.Count);
        var short1 = new FfmpegFrameSource(clips.Degraded, new FrameSampling { Every = 1, MaxSeconds = 1 }, FfmpegTools.Default).Frames().ToList();
        Assert.Equal(4, short1.Count); // 1 s at 4 fps
    }

    [Fact]
    public void BestFrames_ClipWithDegradedFrames_ExcludeEveryDegradedFrame()
    {
        var result = fixture.Selector.Run(FrameSources.Open(clips.Degraded, EveryFrame));
        Assert.Null(result.Error);
        Assert.Equal(16, result.FramesRead);
        var track = Assert.Single(result.Tracks); // one person: one stable track through the degraded frames
        Assert.Equal(16, track.Track.Observations.Count);
        Assert.Equal(5, track.Picks.Count);
        Assert.Empty(track.Picks.Select(p => p.Frame).Intersect(VideoClips.DegradedFrames));
        // Every degraded frame scores below every chosen frame.
        double worstPick = track.Picks.Min(p => p.Quality);
        Assert.All(track.Track.Observations.Where(o => VideoClips.DegradedFrames.Contains(o.Frame)), o => Assert.True(o.Quality < worstPick));
    }

    [Fact]
    public void FolderOfFrames_GivesTheSameChoiceAsTheVideo()
    {
        // The PNGs the clip was encoded from: same frames without H.264, read in name order.
        var result = fixture.Selector.Run(FrameSources.Open(clips.DegradedFolder, new FrameSampling()));
        var track = Assert.Single(result.Tracks);
        Assert.Equal(16, result.FramesRead);
        Assert.Empty(track.Picks.Select(p => p.Frame).Intersect(VideoClips.DegradedFrames));
        Assert.EndsWith("f_01.png", track.Track.Observations[0].Label, StringComparison.Ordinal);
    }

    [Fact]
    public void Tracks_TwoPeopleInTheSamePlace_AreSeparated()
    {
        var result = fixture.Selector.Run(FrameSources.Open(clips.TwoPeople, EveryFrame));
        Assert.Equal(2, result.Tracks.Count);
        Assert.Equal(Enumerable.Range(0, 8), result.Tracks[0].Track.Observations.Select(o => o.Frame));
        Assert.Equal(Enumerable.Range(8, 8), result.Tracks[1].Track.Observations.Select(o => o.Frame));
        // The templates are different people: below the verification threshold.
        double cos = System.Numerics.Tensors.TensorPrimitives.Dot(result.Tracks[0].Template.Mean, result.Tracks[1].Template.Mean);
        Assert.True(cos < Verification.DefaultThreshold, $"templates of two people have cosine {cos}");
    }

    [Fact]
    public void Run_TruncatedOrNotAVideo_ReportsTheReasonWithoutThrowing()
    {
        foreach (var path in (string[])[clips.Truncated, clips.NotVideo, Path.Combine(clips.Folder, "missing.mp4")])
        {
            var result = fixture.Selector.Run(FrameSources.Open(path, EveryFrame));
            Assert.Equal(0, result.FramesRead);
            Assert.Empty(result.Tracks);
            Assert.NotNull(result.Error);
            Assert.StartsWith(path + ":", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Run_VideoCutShort_KeepsTheFramesReadAndReportsTheCut()
    {
        var result = fixture.Selector.Run(FrameSources.Open(clips.CutShort, EveryFrame));
        Assert.InRange(result.FramesRead, 1, 15);
        Assert.Single(result.Tracks);
        Assert.NotNull(result.Error);
        Assert.Contains("truncated or corrupt", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(" @ 0x", result.Error, StringComparison.Ordinal); // no ffmpeg-internal addresses
    }

    [Fact]
    public void Run_AnyThreadCount_GivesIdenticalTracksAndPicks()
    {
        using var parallel = new VideoFaceSelector(fixture.Selector.Options with { Threads = 2 });
        var one = fixture.Selector.Run(FrameSources.Open(clips.TwoPeople, EveryFrame));
        var two = parallel.Run(FrameSources.Open(clips.TwoPeople, EveryFrame));
        var again = fixture.Selector.Run(FrameSources.Open(clips.TwoPeople, EveryFrame));
        foreach (var other in (VideoResult[])[two, again])
        {
            Assert.Equal(one.Tracks.Count, other.Tracks.Count);
            for (int t = 0; t < one.Tracks.Count; t++)
            {
                Assert.Equal(one.Tracks[t].Track.Observations.Select(o => (o.Frame, o.Quality)), other.Tracks[t].Track.Observations.Select(o => (o.Frame, o.Quality)));
                Assert.Equal(one.Tracks[t].Picks.Select(p => p.Frame), other.Tracks[t].Picks.Select(p => p.Frame));
                Assert.Equal(one.Tracks[t].Template.Mean, other.Tracks[t].Template.Mean);
            }
        }
    }

    [Fact]
    public void ExportCrops_WritesOnePngPerPick()
    {
        var source = FrameSources.Open(clips.Degraded, EveryFrame);
        var result = fixture.Selector.Run(source);
        var folder = Path.Combine(clips.Folder, "crops");
        var files = VideoFaceSelector.ExportCrops(source, result, folder);
        Assert.Equal(result.Tracks.Sum(t => t.Picks.Count), files.Count);
        foreach (var f in files)
        {
            var image = Fiqa.Imaging.ImageDecoder.Decode(f);
            Assert.InRange(image.Width, 100, 360);
        }
        // Named by track and source frame, in frame order.
        var expected = result.Tracks.SelectMany(t => t.Picks.Select(p => (t.Track.Id, p.Frame))).OrderBy(x => x.Frame)
            .Select(x => FormattableString.Invariant($"track{x.Id:D3}_frame{x.Frame:D6}.png"));
        Assert.Equal(expected, files.Select(Path.GetFileName));
    }

    /// <summary>The selection figure on the installed video: franck.mp4 (200 s, 2 fps → 400 frames, clean, varying in
    /// pose and expression) against the 11 installed stills of the same person; the K best frames by the default
    /// UnifiedQualityScore and by <c>perturb:4</c> (<c>--score</c>) vs K uniform and K random frames (20 seeded draws).
    /// Measured: see docs/video.md.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("perturb:4")]
    public void TopK_InstalledVideo_MatchesReferencesBetterThanUniformOrRandomFrames(string? score)
    {
        using var selector = new VideoFaceSelector(fixture.Selector.Options with { Selection = new SelectionOptions { Top = 10, MinGap = 2 }, Threads = 2, Score = score });
        var result = selector.Run(FrameSources.Open(TestData.File("franck/franck.mp4"), new FrameSampling { Fps = 2 }));
        Assert.Null(result.Error);
        var track = Assert.Single(result.Tracks);
        Assert.True(track.Track.Observations.Count >= 390, $"one stable track expected, it has {track.Track.Observations.Count} of {result.FramesRead} frames");
        var references = Directory.EnumerateFiles(TestData.File("franck"), "*.jpg").Order(StringComparer.Ordinal)
            .Select(f => selector.Assessor.Assess(f)).Where(a => a.Faces.Count > 0).Select(a => a.Faces[0].Face.Embedding!).ToList();
        Assert.True(references.Count >= 10);
        var c = SelectionComparison.Compare(track.Track, track.Picks, references);
        Console.WriteLine($"top-K {c.Best.MeanCosine:F4} uniform {c.Uniform.MeanCosine:F4} random {c.Random.MeanCosine:F4}; FNM {c.Best.FalseNonMatches}/{c.Uniform.FalseNonMatches}/{c.Random.FalseNonMatches}");
        Assert.True(c.Best.MeanCosine > c.Uniform.MeanCosine + 0.01, $"top-K {c.Best.MeanCosine:F4} vs uniform {c.Uniform.MeanCosine:F4}");
        Assert.True(c.Best.MeanCosine > c.Random.MeanCosine + 0.01, $"top-K {c.Best.MeanCosine:F4} vs random {c.Random.MeanCosine:F4}");
        Assert.True(c.Best.FalseNonMatches <= c.Uniform.FalseNonMatches && c.Best.FalseNonMatches <= c.Random.FalseNonMatches);
    }
}

using System.Text.Json;
using Fiqa.Cli;

namespace Fiqa.Video.Tests;

[Collection("video")]
public sealed class VideoCommandTests(VideoClips clips)
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static List<JsonElement> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public void Video_DegradedClip_WritesOneTrackRecordWithTopKPicksAndTimes()
    {
        var (code, stdout, _) = Run("video", clips.Degraded, "--every", "1", "--top", "3", "--min-gap", "1", "--threads", "1");
        Assert.Equal(0, code);
        var record = Assert.Single(Lines(stdout));
        Assert.Equal("ok", record.GetProperty("status").GetString());
        Assert.Equal(1, record.GetProperty("track").GetInt32());
        Assert.Equal(16, record.GetProperty("frames").GetArrayLength());
        var picks = record.GetProperty("picks").EnumerateArray().ToList();
        Assert.Equal(3, picks.Count);
        foreach (var p in picks)
        {
            int frame = p.GetProperty("frame").GetInt32();
            Assert.DoesNotContain(frame, VideoClips.DegradedFrames);
            Assert.Equal(frame / 4.0, p.GetProperty("time").GetDouble(), 3);
            Assert.InRange(p.GetProperty("quality").GetDouble(), 0, 1.2);
        }
    }

    [Fact]
    public void Video_NotAVideo_IsAnErrorRecordWithExitCode1()
    {
        var (code, stdout, stderr) = Run("video", clips.NotVideo);
        Assert.Equal(1, code);
        var record = Assert.Single(Lines(stdout));
        Assert.Equal("error", record.GetProperty("status").GetString());
        Assert.Contains("not a readable video", record.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains(clips.NotVideo, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public void Video_BadInputInABatch_TheOthersStillRun()
    {
        var (code, stdout, _) = Run("video", clips.Truncated, clips.Degraded, "--every", "2");
        Assert.Equal(0, code);
        var records = Lines(stdout);
        Assert.Equal("error", records[0].GetProperty("status").GetString());
        Assert.Equal(clips.Truncated, records[0].GetProperty("file").GetString());
        Assert.Contains(records, r => r.GetProperty("file").GetString() == clips.Degraded && r.GetProperty("status").GetString() == "ok");
    }

    [Fact]
    public void Video_FpsWithEvery_IsAUsageError()
    {
        var (code, _, stderr) = Run("video", clips.Degraded, "--fps", "2", "--every", "3");
        Assert.Equal(2, code);
        Assert.Contains("--fps and --every", stderr, StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using Fiqa.Tests;

namespace Fiqa.Video.Tests;

/// <summary>Test videos made with the installed ffmpeg from the installed frames (data/video/franck, every 100th frame
/// of franck.mp4, and the dlib johns), once per test run, in a temporary folder; nothing is committed.</summary>
public sealed class VideoClips : IDisposable
{
    /// <summary>Frames (0-based) of <see cref="Degraded"/> that are blurred, noised, darkened or pixelated.</summary>
    public static readonly int[] DegradedFrames = [2, 5, 8, 11, 14];

    private static readonly Dictionary<int, string> Filters = new()
    {
        [2] = "gblur=sigma=6",
        [5] = "noise=alls=60:allf=t",
        [8] = "eq=brightness=-0.45",
        [11] = "gblur=sigma=4",
        [14] = "scale=60:-2,scale=360:288:flags=neighbor",
    };

    public VideoClips()
    {
        Folder = TestData.TempDirectory();
        var franck = Enumerable.Range(1, 16).Select(i => TestData.File($"video/franck/frame_{i:D2}.png")).ToList();

        // 16 frames of one person, 4 fps; five of them degraded.
        var degraded = Directory.CreateDirectory(Path.Combine(Folder, "degraded")).FullName;
        for (int i = 0; i < franck.Count; i++)
            Ffmpeg("-i", franck[i], "-vf", Filters.GetValueOrDefault(i, "null"), Path.Combine(degraded, $"f_{i + 1:D2}.png"));
        Degraded = Path.Combine(Folder, "degraded.mp4");
        Encode(Path.Combine(degraded, "f_%02d.png"), Degraded);
        DegradedFolder = degraded;

        // 8 frames of franck, then 8 of John Salley scaled and padded into the same 360×288 frame, same place.
        var two = Directory.CreateDirectory(Path.Combine(Folder, "two")).FullName;
        var john = Directory.EnumerateFiles(TestData.File("dlib/johns/John_Salley")).Order(StringComparer.Ordinal).Take(8).ToList();
        for (int i = 0; i < 8; i++) File.Copy(franck[i], Path.Combine(two, $"f_{i + 1:D2}.png"));
        for (int i = 0; i < 8; i++)
            Ffmpeg("-i", john[i], "-vf", "scale=288:288,pad=360:288:36:0", Path.Combine(two, $"f_{i + 9:D2}.png"));
        TwoPeople = Path.Combine(Folder, "two.mp4");
        Encode(Path.Combine(two, "f_%02d.png"), TwoPeople);

        // A video cut in half (its index is at the end, as ffmpeg writes MP4 by default) and a text file named .mp4.
        Truncated = Path.Combine(Folder, "truncated.mp4");
        var bytes = File.ReadAllBytes(Degraded);
        File.WriteAllBytes(Truncated, bytes[..(bytes.Length / 2)]);
        // The same clip with its index at the front (-movflags +faststart), cut after 60 % of its bytes: ffmpeg decodes
        // the first frames and stops without failing.
        var front = Path.Combine(Folder, "faststart.mp4");
        Ffmpeg("-i", Degraded, "-c", "copy", "-movflags", "+faststart", front);
        CutShort = Path.Combine(Folder, "cut.mp4");
        var frontBytes = File.ReadAllBytes(front);
        File.WriteAllBytes(CutShort, frontBytes[..(frontBytes.Length * 6 / 10)]);
        NotVideo = Path.Combine(Folder, "notes.mp4");
        File.WriteAllText(NotVideo, "this is not a video\n");
    }

    public string Folder { get; }
    public string Degraded { get; }
    public string DegradedFolder { get; }
    public string TwoPeople { get; }
    public string Truncated { get; }
    public string CutShort { get; }
    public string NotVideo { get; }

    private static void Encode(string pattern, string output) =>
        Ffmpeg("-framerate", "4", "-i", pattern, "-c:v", "libx264", "-threads", "1", "-crf", "18", "-pix_fmt", "yuv420p", output);

    private static void Ffmpeg(params string[] args)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-v", "error", "-nostdin", "-y", .. args]) info.ArgumentList.Add(a);
        using var p = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start — run scripts/provision-tools.sh");
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ffmpeg {string.Join(' ', args)} failed: {err}");
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { /* best effort */ }
    }
}

/// <summary>One selector (models loaded once) for the test classes.</summary>
public sealed class SelectorFixture : IDisposable
{
    public VideoFaceSelector Selector { get; } = new(new VideoSelectorOptions
    {
        Face = new Fiqa.Face.FaceAnalyzerOptions { Paths = TestData.Paths },
        Selection = new SelectionOptions { Top = 5, MinGap = 1 },
    });

    public void Dispose() => Selector.Dispose();
}

[CollectionDefinition("video")]
public sealed class VideoFixtures : ICollectionFixture<VideoClips>, ICollectionFixture<SelectorFixture>;

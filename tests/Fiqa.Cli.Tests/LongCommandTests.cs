using System.Text.Json;
using System.Text.RegularExpressions;
using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Cli.Tests;

/// <summary>What long commands tell a user who is not at a terminal: a progress line with an ETA every
/// <c>--progress-interval</c> seconds (the tests use a millisecond so a few images are enough), and which images had no
/// usable face.</summary>
public partial class LongCommandTests
{
    // A real photo's face-free corner (the astronaut's background).
    private static string Wall(string folder)
    {
        var photo = ImageDecoder.Decode(TestData.File("skimage/astronaut.png"));
        var corner = new RgbImage(120, 120);
        for (int y = 0; y < 120; y++) photo.Row(y)[..(120 * 3)].CopyTo(corner.Row(y));
        var path = Path.Combine(folder, "wall.png");
        File.WriteAllBytes(path, ImageEncoder.Png(corner));
        return path;
    }

    // Identity folders of two johns each, the first with the wall added.
    private static (string Root, string Wall, int Images) Identities(int identities)
    {
        var root = TestData.TempDirectory();
        var names = Directory.GetDirectories(TestData.File("dlib/johns")).Order(StringComparer.Ordinal).Take(identities).ToList();
        foreach (var dir in names)
        {
            var target = Path.Combine(root, Path.GetFileName(dir));
            Directory.CreateDirectory(target);
            foreach (var f in Directory.GetFiles(dir).Order(StringComparer.Ordinal).Take(2)) File.Copy(f, Path.Combine(target, Path.GetFileName(f)));
        }
        return (root, Wall(Path.Combine(root, Path.GetFileName(names[0]))), 2 * identities + 1);
    }

    [GeneratedRegex(@"^fiqa eval: images: (\d+)/7 \(\d+\.\d %\) done, \d+\.\d images/s, ETA ", RegexOptions.Multiline)]
    private static partial Regex EvalProgress();

    [Fact]
    public void Eval_FolderWithAFaceFreeImage_NamesItOnStderrAndInEveryResultFile_AndShowsProgress()
    {
        var (root, wall, images) = Identities(3);
        Assert.Equal(7, images);
        var outDir = TestData.TempDirectory();
        var r = CliRunner.Run("eval", "--data", root, "--starting-error", "0.3", "--cache", TestData.TempDirectory(), "--out", outDir,
            "--threads", "2", "--progress-interval", "0.001");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains($"fiqa eval: 1 of 7 images had no usable face and are left out: {wall}", r.Err);
        var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json"))).RootElement;
        Assert.Equal([wall], results.GetProperty("without_face").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains($"Left out, no usable face (1): `{wall}`", File.ReadAllText(Path.Combine(outDir, "report.md")));
        Assert.Contains(wall, File.ReadAllText(Path.Combine(outDir, "report.html")));
        // Progress on a redirected stderr, counting up to every image, with an ETA.
        var done = EvalProgress().Matches(r.Err).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(done);
        Assert.Equal(done.Order(), done);
        Assert.InRange(done[^1], 1, 7);

        // 0 turns the lines off.
        var quiet = CliRunner.Run("eval", "--data", root, "--starting-error", "0.3", "--cache", TestData.TempDirectory(), "--out", TestData.TempDirectory(),
            "--progress-interval", "0");
        Assert.Equal(0, quiet.Code);
        Assert.DoesNotMatch(EvalProgress(), quiet.Err);
        var negative = CliRunner.Run("eval", "--data", root, "--out", outDir, "--progress-interval", "-1");
        Assert.Equal(2, negative.Code);
        Assert.Contains("--progress-interval must be 0 or more seconds, got -1", negative.Err);
    }

    [Fact]
    public void JndEval_ShowsProgressOfEachPass_AndNamesTheImageWithoutAFace()
    {
        var (root, wall, images) = Identities(2);
        var r = CliRunner.Run("jnd-eval", "--data", root, "--codecs", "jpeg", "--ladder", "50,10", "--threads", "2", "--progress-interval", "0.001");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains($"1 of {images} images had no usable face and are left out: {wall}", r.Err);
        Assert.Matches(new Regex($@"^fiqa jnd-eval: faces: {images}/{images} \(100\.0 %\) done, \d+\.\d images/s, ETA 0\.0 s$", RegexOptions.Multiline), r.Err);
        Assert.Matches(new Regex(@"^fiqa jnd-eval: jpeg: \d/4 \(\d+\.\d %\) done, \d+\.\d images/s, ETA ", RegexOptions.Multiline), r.Err);
        // Ladder: 4 faces × 2 codecs × 2 qualities.
        Assert.Matches(new Regex(@"^fiqa jnd-eval: ladder: \d+/16 \(\d+\.\d %\) done, \d+\.\d encodings/s, ETA ", RegexOptions.Multiline), r.Err);
    }

    [Fact]
    public void Video_FrameFolder_ShowsProgressWithEtaAgainstTheExpectedFrames()
    {
        var folder = TestData.File("franck");
        var r = CliRunner.Run("video", folder, "--max-frames", "6", "--threads", "2", "--progress-interval", "0.001", "--out", Path.Combine(TestData.TempDirectory(), "v.jsonl"));
        Assert.True(r.Code == 0, r.Err);
        var lines = Regex.Matches(r.Err, $@"^fiqa video: {Regex.Escape(folder)}: (\d)/6 \(\d+\.\d %\) done, \d+\.\d frames/s, ETA ", RegexOptions.Multiline);
        // Frames arrive in batches of 2 × threads, so the lines count up, not necessarily through every frame.
        var done = lines.Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(done);
        Assert.Equal(done.Order(), done);
        Assert.All(done, d => Assert.InRange(d, 1, 6));
    }

    [Fact]
    public void CalibrateFroq_ShowsProgress_AndNamesTheImagesWithoutAFace()
    {
        var (root, _, _) = Identities(4);
        var r = CliRunner.Run("calibrate", "froq", "--data", root, "--kinds", "blur", "--levels", "3", "--max-samples", "8", "--threads", "2",
            "--out", Path.Combine(TestData.TempDirectory(), "froq.json"), "--progress-interval", "0.001");
        Assert.True(r.Code == 0, r.Err);
        Assert.Matches(new Regex(@"^fiqa calibrate froq: observed: 8/8 \(100\.0 %\) done, \d+\.\d images/s, ETA 0\.0 s$", RegexOptions.Multiline), r.Err);
        // The count in the summary and the names agree.
        int without = int.Parse(Regex.Match(r.Err, @"faces \((\d+) without a face\)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(without >= 1, r.Err);
        var named = Regex.Match(r.Err, $@"^fiqa calibrate froq: {without} of 8 images had no usable face and are left out: (.+)$", RegexOptions.Multiline);
        Assert.True(named.Success, r.Err);
        Assert.Equal(without, named.Groups[1].Value.Split(", ").Length);
    }

    [Fact]
    public void Assess_RedirectedStderr_ShowsTheSameProgressLine()
    {
        var (root, _, images) = Identities(2);
        var r = CliRunner.Run("assess", root, "--measures", "none", "--threads", "2", "--progress-interval", "0.001", "--out", Path.Combine(TestData.TempDirectory(), "out.jsonl"));
        Assert.True(r.Code == 0, r.Err);
        Assert.Matches(new Regex($@"^fiqa assess: \d/{images} \(\d+\.\d %\) done, \d+\.\d files/s, ETA ", RegexOptions.Multiline), r.Err);
    }

    [Fact]
    public void Bench_WithoutUnified_TimesEveryDefaultMethodAndExits0()
    {
        var r = CliRunner.Run("bench", "--iterations", "5", "--threads", "1");
        Assert.True(r.Code == 0, r.Err);
        foreach (var method in new[] { "distilled", "norm", "perturb", "serfiq", "froq", "prefiqs" }) Assert.Contains($"| unified: {method} (", r.Out);
        Assert.DoesNotContain("onnx", r.Out);
    }

    [Fact]
    public void Bench_WorkTable_CountsModelRunsAndSharedIntermediatesOfOneAssessment()
    {
        // Every component of sample1.jpg's face: each model once (eye state per eye), the
        // portrait and the skin model once; without ExpressionNeutrality no expression pass at all.
        var all = CliRunner.Run("bench", "--iterations", "5", "--threads", "1", "--unified", "norm", "--per-measure");
        Assert.True(all.Code == 0, all.Err);
        // --per-measure: a timed row for every analytic component, after the portrait row they all start from.
        Assert.Matches(new Regex(@"^\| canonical portrait and its luminance plane [^|]*\| \d+\.\d\d \| \d+\.\d\d \|$", RegexOptions.Multiline), all.Out);
        foreach (var component in new[] { "EyesVisible", "Sharpness", "BackgroundUniformity", "HeadSize", "MouthClosed" })
            Assert.Matches(new Regex($@"^\| {component} \| \d+\.\d\d \| \d+\.\d\d \|$", RegexOptions.Multiline), all.Out);
        Assert.DoesNotMatch(new Regex(@"^\| (ExpressionNeutrality|HeadPoseYaw|EyesOpen) \| \d", RegexOptions.Multiline), all.Out); // model-based, not analytic
        foreach (var row in new[] { "| fr_detect (detector) | 1 |", "| fr_feature (embedder) | 1 |", "| fr_eye (eye state) | 2 |",
            "| fr_expression (expression) | 1 |", "| canonical portrait | 1 |", "| SkinModel | 1 |", "| aligned crop | 1 |" })
            Assert.Contains(row, all.Out);
        // With mirror averaging, face and mirror as one batch of 2, timed against the two runs: a median and its ratio.
        Assert.Matches(new Regex(@"^\| quality: expression model with mirror averaging, face \+ mirror as one batch of 2 [^|]*\| \d+\.\d\d \(\d+\.\d\d×\) \|$", RegexOptions.Multiline), all.Out);
        var some = CliRunner.Run("bench", "--iterations", "5", "--threads", "1", "--unified", "norm", "--measures", "EyesOpen,HeadSize");
        Assert.True(some.Code == 0, some.Err);
        Assert.Contains("Work of one assessment (EyesOpen,HeadSize; unified norm; 1 face(s))", some.Out);
        Assert.Contains("| fr_feature (embedder) | 1 |", some.Out);
        Assert.DoesNotContain("fr_expression", some.Out);
        Assert.DoesNotContain("SkinModel", some.Out);
        var bad = CliRunner.Run("bench", "--iterations", "5", "--threads", "1", "--measures", "NoSuchMeasure");
        Assert.Equal(2, bad.Code);
        Assert.Contains("NoSuchMeasure", bad.Err);
    }

    [Fact]
    public void BenchBatch_ExpressionBatched_TimesTheBatchOfTwoInTurnWithTwoRuns()
    {
        var dir = TestData.TempDirectory();
        File.Copy(TestData.File("fixtures/astronaut.jpg"), Path.Combine(dir, "astronaut.jpg"));
        var r = CliRunner.Run("bench", "--batch", dir, "--workers", "1", "--rounds", "1", "--expression-batched");
        Assert.True(r.Code == 0, r.Err);
        Assert.Matches(new Regex(@"one batch of 2, timed in turn with two runs: \d+\.\d\d s against \d+\.\d\d s per batch \(\d+\.\d{3}×\)"), r.Out);
        var plain = CliRunner.Run("bench", "--batch", dir, "--workers", "1", "--rounds", "1");
        Assert.True(plain.Code == 0, plain.Err);
        Assert.DoesNotContain("one batch of 2", plain.Out);
    }
}

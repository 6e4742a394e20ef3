using System.Diagnostics;
using System.Text.Json;
using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Cli.Tests;

/// <summary>The CLI as a new user meets it: every mistake is one line naming the path or value, exit 2 (usage) or 1
/// (failure), never a stack trace.</summary>
public class CliRobustnessTests
{
    private static readonly string Photo = TestData.File("skimage/astronaut.png");

    private static void AssertOneLineError((int Code, string Out, string Err) r, int code, params string[] mentions)
    {
        Assert.True(r.Code == code, $"exit {r.Code} (expected {code}): {r.Err}");
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var error = Assert.Single(lines, l => l.StartsWith("fiqa", StringComparison.Ordinal) && !l.StartsWith("fiqa assess: ", StringComparison.Ordinal));
        foreach (var m in mentions) Assert.Contains(m, error);
        Assert.DoesNotContain("   at ", r.Err);           // no stack trace
        Assert.DoesNotContain("(Parameter '", r.Err);     // no .NET parameter suffix
        Assert.DoesNotContain("Exception", r.Err);
    }

    [Fact]
    public void Assess_OutIsAFolder_IsAUsageError()
    {
        var dir = TestData.TempDirectory();
        AssertOneLineError(CliRunner.Run("assess", Photo, "--measures", "none", "--out", dir), 2, dir, "is a folder");
    }

    [Fact]
    public void Assess_OutCannotBeWritten_NamesThePath()
    {
        var file = Path.Combine(TestData.TempDirectory(), "a-file");
        File.WriteAllText(file, "");
        var target = Path.Combine(file, "out.jsonl"); // a file cannot be a folder, even for root
        AssertOneLineError(CliRunner.Run("assess", Photo, "--measures", "none", "--out", target), 1, target, "cannot write");
    }

    [Fact]
    public void Eval_EmptyDataFolder_SaysWhatItExpects()
    {
        var empty = TestData.TempDirectory();
        AssertOneLineError(CliRunner.Run("eval", "--data", empty, "--out", TestData.TempDirectory()), 2, empty, "one sub-folder per identity");
    }

    [Fact]
    public void Iqa_PairOfDifferentSizes_NamesBothFilesAndSizes()
    {
        var dir = TestData.TempDirectory();
        var a = Path.Combine(dir, "a.png");
        var b = Path.Combine(dir, "b.png");
        File.WriteAllBytes(a, ImageEncoder.Png(new RgbImage(64, 48)));
        File.WriteAllBytes(b, ImageEncoder.Png(new RgbImage(32, 48)));
        AssertOneLineError(CliRunner.Run("iqa", "--metric", "ssim", "--ref", a, b), 1, a, b, "64x48", "32x48");
    }

    [Fact]
    public void Iqa_MissingFiles_SayWhichFile()
    {
        var missing = Path.Combine(TestData.TempDirectory(), "missing.png");
        AssertOneLineError(CliRunner.Run("iqa", "--metric", "psnr", "--ref", Photo, missing), 1, missing);
        AssertOneLineError(CliRunner.Run("iqa", "--metric", "psnr", "--ref", missing, Photo), 1, missing, "reference");
    }

    [Fact]
    public void Iqa_SinglePair_HonoursOut()
    {
        var outFile = Path.Combine(TestData.TempDirectory(), "sub", "iqa.jsonl");
        var r = CliRunner.Run("iqa", "--metric", "psnr,ssim", "--ref", Photo, Photo, "--out", outFile);
        Assert.Equal(0, r.Code);
        Assert.Equal("", r.Out);
        var records = CliRunner.JsonLines(File.ReadAllText(outFile));
        Assert.Equal(["psnr", "ssim"], records.Select(x => x.GetProperty("metric").GetString()));
        Assert.Equal(1.0, records[1].GetProperty("score").GetDouble(), 9);
    }

    [Fact]
    public void IqaEval_DegenerateBootstrap_DoesNotCrash_AndUnmatchedRowsAreReported()
    {
        var dir = TestData.TempDirectory();
        var scores = Path.Combine(dir, "scores.csv");
        var mos = Path.Combine(dir, "mos.csv");
        // Seven of ten scores have a MOS row; most resamples of these are constant, which the logistic cannot fit.
        File.WriteAllLines(scores, ["file,score", "a,1", "b,1", "c,1", "d,1", "e,1", "f,1", "g,2", "x,3", "y,4", "z,5"]);
        File.WriteAllLines(mos, ["file,mos", "a,10", "b,12", "c,11", "d,10", "e,13", "f,12", "g,40"]);
        var r = CliRunner.Run("iqa-eval", "--scores", scores, "--mos", mos, "--bootstrap", "300");
        Assert.True(r.Code == 0, r.Err);
        var result = Assert.Single(CliRunner.JsonLines(r.Out));
        Assert.Equal(7, result.GetProperty("n").GetInt32());
        Assert.Contains("using 7 of 10 scores", r.Err);
        Assert.Contains("x, y, z", r.Err);
    }

    [Fact]
    public void IqaEval_LowerBetterMetric_ReportsAgreementAsPositive()
    {
        var dir = TestData.TempDirectory();
        var scores = Path.Combine(dir, "gmsd.csv");
        var mos = Path.Combine(dir, "mos.csv");
        File.WriteAllLines(scores, ["a,0.05", "b,0.10", "c,0.15", "d,0.20", "e,0.30"]);
        File.WriteAllLines(mos, ["a,90", "b,70", "c,60", "d,40", "e,10"]);
        var raw = Assert.Single(CliRunner.JsonLines(CliRunner.Run("iqa-eval", "--scores", scores, "--mos", mos, "--bootstrap", "0").Out));
        var signed = Assert.Single(CliRunner.JsonLines(CliRunner.Run("iqa-eval", "--scores", scores, "--mos", mos, "--bootstrap", "0", "--metric", "gmsd").Out));
        Assert.Equal(-1.0, raw.GetProperty("srcc").GetDouble(), 9);
        Assert.Equal(1.0, signed.GetProperty("srcc").GetDouble(), 9);
        Assert.True(signed.GetProperty("lower_better").GetBoolean());
    }

    [Fact]
    public void Profile_WithoutMinimum_IsAUsageError()
    {
        var dir = TestData.TempDirectory();
        foreach (var (name, json) in new[] { ("none.json", """{"name": "x"}"""), ("null.json", """{"name": "x", "minimum": null}""") })
        {
            var path = Path.Combine(dir, name);
            File.WriteAllText(path, json);
            AssertOneLineError(CliRunner.Run("assess", Photo, "--profile", path), 2, path, "sets no requirement");
        }
        var typo = Path.Combine(dir, "typo.json");
        File.WriteAllText(typo, """{"name": "x", "minimum": {"EyeOpen": 50}}""");
        AssertOneLineError(CliRunner.Run("assess", Photo, "--profile", typo), 2, "EyeOpen", "did you mean 'EyesOpen'?");
    }

    [Fact]
    public void ListFile_PathsRelativeToTheList_OnePerLine_WithSpacesAndComments()
    {
        var dir = TestData.TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir, "my photos"));
        File.Copy(Photo, Path.Combine(dir, "my photos", "astro naut.png"));
        var sub = Path.Combine(dir, "lists");
        Directory.CreateDirectory(sub);
        var list = Path.Combine(sub, "inputs.txt");
        File.WriteAllLines(list, ["# one photo whose path has spaces, relative to this list", "../my photos/astro naut.png", "", "  # indented comment"]);
        var r = CliRunner.Run("assess", "@" + list, "--measures", "none");
        Assert.True(r.Code == 0, r.Err);
        var record = Assert.Single(CliRunner.JsonLines(r.Out));
        Assert.Equal("ok", record.GetProperty("status").GetString());
        Assert.EndsWith("astro naut.png", record.GetProperty("file").GetString());
        AssertOneLineError(CliRunner.Run("assess", "@" + Path.Combine(dir, "nope.txt")), 2, "nope.txt", "list file not found");
    }

    [Fact]
    public void Csv_WritesUnifiedColumns_AndRefusesEmbeddings()
    {
        var r = CliRunner.Run("assess", Photo, "--format", "csv", "--measures", "Sharpness", "--unified", "norm,froq");
        Assert.True(r.Code == 0, r.Err);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Filename,Sharpness.native,Sharpness.scalar,norm.native,norm.scalar,froq.native,froq.scalar,Face,Status,Pass,ReasonCodes,Reasons", lines[0]);
        var cells = lines[1].Split(',');
        Assert.InRange(double.Parse(cells[3], System.Globalization.CultureInfo.InvariantCulture), 1, 10);
        Assert.InRange(int.Parse(cells[4], System.Globalization.CultureInfo.InvariantCulture), 0, 100);
        AssertOneLineError(CliRunner.Run("assess", Photo, "--format", "csv", "--embeddings"), 2, "--embeddings", "jsonl");
    }

    [Theory]
    [InlineData("--min-score", "2", "--min-score", "0..1")]
    [InlineData("--unified", "perturb:0", "perturb:R", "1..16")]
    [InlineData("--unified", "serfq", "did you mean 'serfiq'?", "Valid:")]
    [InlineData("--measures", "Sharpnes", "did you mean 'Sharpness'?", "Valid:")]
    [InlineData("--unified", "crfiqa", "crfiqa", "identity labels")]
    public void Assess_BadValues_AreOneLineUsageErrors(string option, string value, string mention1, string mention2) =>
        AssertOneLineError(CliRunner.Run("assess", Photo, option, value), 2, mention1, mention2);

    [Fact]
    public void Assess_AlignedWithAllFaces_IsAUsageError() =>
        AssertOneLineError(CliRunner.Run("assess", Photo, "--aligned", "--all-faces"), 2, "--all-faces", "--aligned");

    [Fact]
    public void FolderScan_SaysWhatItSkipped()
    {
        var dir = TestData.TempDirectory();
        File.Copy(Photo, Path.Combine(dir, "a.png"));
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "x");
        File.WriteAllText(Path.Combine(dir, "more.txt"), "x");
        File.WriteAllText(Path.Combine(dir, "scan.pdf"), "x");
        var r = CliRunner.Run("assess", dir, "--measures", "none");
        Assert.True(r.Code == 0, r.Err);
        Assert.Single(CliRunner.JsonLines(r.Out));
        Assert.Contains("skipped 3 file(s)", r.Err);
        Assert.Contains(".txt ×2, .pdf", r.Err);
    }

    [Fact]
    public void Eval_SetTooSmallForItsFmr_WarnsAndWritesNotApplicable()
    {
        var outDir = TestData.TempDirectory();
        // The johns at FMR 1e-3: the threshold lands above every mated score's failures — no errors to discard.
        var r = CliRunner.Run("eval", "--data", TestData.File("dlib/johns"), "--methods", "norm,crfiqa", "--cache", TestData.TempDirectory(), "--out", outDir);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("warning:", r.Err);
        Assert.Contains("--starting-error", r.Err);
        Assert.DoesNotContain("NaN", r.Out);
        Assert.Contains("n/a", r.Out);
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json"))).RootElement;
        Assert.True(json.GetProperty("warnings").GetArrayLength() > 0);
    }

    [Fact]
    public void Eval_AllComponents_KeepsTheLegendReadable()
    {
        var outDir = TestData.TempDirectory();
        var r = CliRunner.Run("eval", "--data", TestData.File("dlib/johns"), "--components", "all", "--methods", "norm", "--starting-error", "0.05",
            "--cache", TestData.TempDirectory(), "--out", outDir);
        Assert.True(r.Code == 0, r.Err);
        var svg = File.ReadAllText(Path.Combine(outDir, "edc.svg"));
        // Ten labelled curves, the oracle, and one entry for the rest (drawn grey); report.md has a row for the method,
        // each component of the catalogue and the oracle.
        Assert.Contains("more (grey; see report.md)", svg);
        Assert.Equal(1 + Fiqa.Quality.MeasureCatalogue.All.Count + 1, File.ReadAllLines(Path.Combine(outDir, "report.md")).Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\| \d+ \|")));
    }

    [Fact]
    public async Task Fiqa_WorksFromAnyFolder()
    {
        // The built CLI, started in a folder outside the checkout, finds the installation's models.
        var bin = AppContext.BaseDirectory;
        var elsewhere = Directory.CreateTempSubdirectory("fiqa-elsewhere").FullName;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(bin, "fiqa.dll"), "assess", Photo, "--measures", "none"])
        {
            WorkingDirectory = elsewhere, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment.Remove("FIQA_HOME");
        start.Environment.Remove("FIQA_MODELS");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stderr);
        var record = Assert.Single(CliRunner.JsonLines(await stdout));
        Assert.Equal("ok", record.GetProperty("status").GetString());
    }
}

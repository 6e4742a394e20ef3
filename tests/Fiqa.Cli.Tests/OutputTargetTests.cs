using System.Diagnostics;
using System.Text.Json.Nodes;
using Fiqa.Tests;

namespace Fiqa.Cli.Tests;

/// <summary>Where records go: <c>--out -</c> is stdout, FIFOs and devices are written front to back, restarts run the
/// same command line, and annotated images are named after their inputs.</summary>
public class OutputTargetTests
{
    private static readonly string Image = TestData.File("fixtures/astronaut.jpg");

    [Fact]
    public void OutDash_WritesRecordsToStdout_AndNoFileNamedDash()
    {
        var dir = TestData.TempDirectory();
        var before = File.Exists("-");
        var (code, stdout, err) = CliRunner.Run("assess", Image, "--measures", "none", "--out", "-");
        Assert.True(code == 0, err);
        Assert.Equal("ok", CliRunner.JsonLines(stdout).Single().GetProperty("status").GetString());
        Assert.Equal(before, File.Exists("-"));
        var iqa = CliRunner.Run("iqa", Image, "--metric", "brisque", "--out", "-");
        Assert.True(iqa.Code == 0, iqa.Err);
        Assert.Single(CliRunner.JsonLines(iqa.Out));
        // merge joins shard files onto stdout as well
        var shard = Path.Combine(dir, "s.jsonl");
        Assert.Equal(0, CliRunner.Run("assess", Image, "--measures", "none", "--out", shard).Code);
        var merged = CliRunner.Run("merge", "--out", "-", shard);
        Assert.True(merged.Code == 0, merged.Err);
        Assert.Equal(File.ReadAllText(shard), merged.Out);
    }

    [Theory]
    [InlineData("jsonl")]
    [InlineData("csv")]
    public void OutDevNull_Succeeds(string format)
    {
        var (code, _, err) = CliRunner.Run("assess", Image, "--measures", "none", "--format", format, "--out", "/dev/null");
        Assert.True(code == 0, err);
        Assert.DoesNotContain("cannot write", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutFifo_StreamsRecordsToTheReader()
    {
        var fifo = Path.Combine(TestData.TempDirectory(), "records.fifo");
        using (var mk = Process.Start("mkfifo", fifo)) mk.WaitForExit();
        Assert.True(File.Exists(fifo));
        // Opening a FIFO for reading blocks until the writer opens it, so the reader runs beside the command.
        var reader = Task.Run(() => File.ReadAllText(fifo));
        var (code, _, err) = CliRunner.Run("assess", Image, TestData.File("franck"), "--measures", "none", "--format", "csv", "--out", fifo);
        Assert.True(code == 0, err);
        var text = await reader.WaitAsync(TimeSpan.FromMinutes(2));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Filename,", lines[0], StringComparison.Ordinal);
        Assert.True(lines.Length >= 3, text);
    }

    [Fact]
    public void StreamTargets_RefuseWhatNeedsSeeking_WithTheReason()
    {
        var parquet = CliRunner.Run("assess", Image, "--out", "-", "--format", "parquet");
        Assert.Equal(2, parquet.Code);
        Assert.Contains("Parquet is not a stream format; - is standard output", parquet.Err, StringComparison.Ordinal);
        var state = CliRunner.Run("assess", Image, "--out", "/dev/null", "--state", Path.Combine(TestData.TempDirectory(), "r.db"));
        Assert.Equal(2, state.Code);
        Assert.Contains("--state needs --out FILE, a regular file", state.Err, StringComparison.Ordinal);
        Assert.Contains("/dev/null is a pipe or device", state.Err, StringComparison.Ordinal);
    }

    /// <summary>A restarted Kubernetes or Slurm task runs the same command line: --resume on its first start begins the run.</summary>
    [Fact]
    public void Resume_WithoutState_StartsANewRun_AndSaysSo_ThenContinues()
    {
        var work = TestData.TempDirectory();
        string output = Path.Combine(work, "r.jsonl"), state = Path.Combine(work, "r.db");
        string[] args = ["assess", Image, "--measures", "none", "--out", output, "--state", state, "--resume"];
        var first = CliRunner.Run(args);
        Assert.True(first.Code == 0, first.Err);
        Assert.Contains($"--resume: no run state at {state} yet; starting a new run", first.Err, StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(output));
        var second = CliRunner.Run(args);
        Assert.True(second.Code == 0, second.Err);
        Assert.DoesNotContain("starting a new run", second.Err, StringComparison.Ordinal);
        Assert.Contains("1 done by the earlier run", second.Err, StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(output));
        // A mismatch is still refused.
        var other = CliRunner.Run("assess", Image, "--measures", "Sharpness", "--out", output, "--state", state, "--resume");
        Assert.Equal(2, other.Code);
        Assert.Contains("models or options differ", other.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Annotate_NamesEachImageAfterItsInputPath_AndTheRecordCarriesIt()
    {
        var root = TestData.TempDirectory();
        var inputs = new[] { "a/x.jpg", "b/x.jpg", "b/x.png" };
        Directory.CreateDirectory(Path.Combine(root, "a"));
        Directory.CreateDirectory(Path.Combine(root, "b"));
        File.Copy(Image, Path.Combine(root, "a/x.jpg"));
        File.Copy(Directory.EnumerateFiles(TestData.File("franck"), "*.jpg").Order(StringComparer.Ordinal).First(), Path.Combine(root, "b/x.jpg"));
        File.Copy(TestData.File("skimage/astronaut.png"), Path.Combine(root, "b/x.png"));
        var annotated = Path.Combine(TestData.TempDirectory(), "annotated");
        foreach (var format in new[] { "jsonl", "csv" })
        {
            var output = Path.Combine(root, $"records.{format}");
            var (code, _, err) = CliRunner.Run("assess", Path.Combine(root, "a"), Path.Combine(root, "b"), "--measures", "none", "--annotate", annotated, "--out", output);
            Assert.True(code == 0, err);
            var byInput = format == "jsonl"
                ? CliRunner.JsonLines(File.ReadAllText(output)).ToDictionary(r => r.GetProperty("file").GetString()!, r => r.GetProperty("annotation").GetString()!)
                : CsvColumns(output, "Filename", "Annotation");
            Assert.Equal(3, byInput.Count);
            foreach (var input in inputs)
            {
                var full = Path.Combine(root, input);
                var expected = Path.Combine(annotated, full.TrimStart('/') + ".png");
                Assert.Equal(expected, byInput[full]);
                Assert.True(File.Exists(expected), expected);
            }
        }
    }

    private static Dictionary<string, string> CsvColumns(string path, string key, string value)
    {
        var rows = Csv.Records(new StringReader(File.ReadAllText(path))).ToList();
        int k = rows[0].Fields.ToList().IndexOf(key), v = rows[0].Fields.ToList().IndexOf(value);
        return rows.Skip(1).ToDictionary(r => r.Fields[k], r => r.Fields[v]);
    }

    [Fact]
    public void Compare_ThresholdOutsideCosineRange_IsAUsageError()
    {
        var (code, _, err) = CliRunner.Run("compare", Image, Image, "--threshold", "1.5");
        Assert.Equal(2, code);
        Assert.Contains("--threshold: 1.5 is outside -1..1 (a cosine similarity)", err, StringComparison.Ordinal);
    }

    private static string OwnManifest(Action<JsonObject> edit)
    {
        var dir = TestData.TempDirectory();
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.ModelsRoot, "fr_eye.json")))!.AsObject();
        manifest["quality"] = new JsonObject { ["output"] = "output", ["output_index"] = 1, ["higher_is_better"] = true };
        File.Copy(Path.Combine(TestData.ModelsRoot, "fr_eye.onnx"), Path.Combine(dir, "fr_eye.onnx"));
        edit(manifest);
        var path = Path.Combine(dir, "own.json");
        File.WriteAllText(path, manifest.ToJsonString());
        return path;
    }

    [Fact]
    public void OwnModel_OutputIndexOutOfRange_IsASetupErrorAtStart_NamingTheField()
    {
        var manifest = OwnManifest(m => m["quality"]!["output_index"] = 9999);
        var (code, stdout, err) = CliRunner.Run("assess", Image, "--measures", "none", "--unified", $"onnx:{manifest}");
        Assert.Equal(3, code);
        Assert.Contains($"{manifest}: quality.output_index is 9999, but the output 'output' holds 2 value(s) (valid: 0..1)", err, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void OwnModel_MissingOrAlteredFile_NamesTheManifest_NotTheProvisioningScript()
    {
        var missing = OwnManifest(m => m["file"] = "elsewhere.onnx");
        var a = CliRunner.Run("assess", Image, "--measures", "none", "--unified", $"onnx:{missing}");
        Assert.Equal(3, a.Code);
        Assert.Contains($"the manifest {missing} names it in \"file\"", a.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("provision-models", a.Err, StringComparison.Ordinal);
        var altered = OwnManifest(m => m["sha256"] = new string('0', 64));
        var b = CliRunner.Run("assess", Image, "--measures", "none", "--unified", $"onnx:{altered}");
        Assert.Equal(3, b.Code);
        Assert.Contains($"but the manifest {altered} expects", b.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("provision-models", b.Err, StringComparison.Ordinal);
    }
}

using System.Text.Json;
using Fiqa.Imaging;
using Fiqa.Tests;

namespace Fiqa.Cli.Tests;

public class AssessCommandTests
{
    /// <summary>A folder of malformed and unusual files between two good photos, as a user's upload folder might be.</summary>
    private static (string Dir, Dictionary<string, string> Expected) RobustnessFolder()
    {
        var dir = TestData.TempDirectory();
        var expected = new Dictionary<string, string>();
        void Add(string name, byte[] bytes, string status)
        {
            File.WriteAllBytes(Path.Combine(dir, name), bytes);
            expected[name] = status;
        }
        var jpeg = File.ReadAllBytes(TestData.File("fixtures/astronaut.jpg"));
        Add("a_good.jpg", jpeg, "ok");
        Add("b_empty.jpg", [], "error");
        Add("c_truncated.jpg", jpeg[..(jpeg.Length / 3)], "error");
        var noise = new byte[10_000];
        new Random(11).NextBytes(noise);
        Add("d_random.png", noise, "error");
        Add("e_text.jpg", System.Text.Encoding.UTF8.GetBytes("this is not an image\n"), "error");
        Add("f_huge_header.png", EncodedImages.PngHeaderOnly(60000, 60000), "error");
        Add("g_one_pixel.png", EncodedImages.Png(1, 1, [128, 128, 128]), "no_face");
        Add("h_cmyk.jpg", File.ReadAllBytes(TestData.File("fixtures/astronaut_cmyk.jpg")), "ok");
        Add("i_16bit.png", File.ReadAllBytes(TestData.File("fixtures/astronaut_16bit.png")), "ok");
        var upright = ImageDecoder.Decode(TestData.File("franck/franck_01829.jpg"));
        Add("j_exif_rotated.jpg", EncodedImages.WithExifOrientation(ImageEncoder.Jpeg(Orientation.Apply(upright, ExifOrientation.LeftBottom)), 6), "ok");
        Add("k_good.png", File.ReadAllBytes(TestData.File("skimage/astronaut.png")), "ok");
        return (dir, expected);
    }

    [Fact]
    public void Assess_MalformedFilesInBatch_EachGetsARecord_AndGoodFilesAreAssessed()
    {
        var (dir, expected) = RobustnessFolder();
        var (code, stdout, stderr) = CliRunner.Run("assess", dir, "--threads", "2");
        Assert.Equal(0, code);
        var records = CliRunner.JsonLines(stdout);
        var byFile = records.GroupBy(r => Path.GetFileName(r.GetProperty("file").GetString()!)).ToDictionary(g => g.Key, g => g.First());
        Assert.Equal(expected.Keys.Order(), byFile.Keys.Order());
        foreach (var (name, status) in expected)
        {
            var r = byFile[name];
            Assert.True(status == r.GetProperty("status").GetString(), $"{name}: {r}");
            if (status == "error") Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("error").GetString()));
        }
        Assert.Contains("empty", byFile["b_empty.jpg"].GetProperty("error").GetString());
        Assert.Contains("truncated", byFile["c_truncated.jpg"].GetProperty("error").GetString());
        Assert.Contains("60000x60000", byFile["f_huge_header.png"].GetProperty("error").GetString());
        Assert.Contains("b_empty.jpg", stderr);

        // Records come in input order (sorted folder listing), whatever the thread count.
        var order = records.Select(r => Path.GetFileName(r.GetProperty("file").GetString()!)).Distinct().ToList();
        Assert.Equal(order.Order(StringComparer.Ordinal), order);

        // The EXIF-rotated photo is assessed upright: eyes above the mouth, small roll.
        var exif = byFile["j_exif_rotated.jpg"];
        var lm = exif.GetProperty("landmarks");
        double eyeY = lm[36][1].GetDouble(), mouthY = lm[57][1].GetDouble();
        Assert.True(eyeY < mouthY);
        Assert.InRange(exif.GetProperty("pose").GetProperty("roll").GetDouble(), -25, 25);
    }

    [Fact]
    public void Assess_Record_HasDocumentedFields()
    {
        var (code, stdout, _) = CliRunner.Run("assess", TestData.File("skimage/astronaut.png"), "--embeddings");
        Assert.Equal(0, code);
        var r = Assert.Single(CliRunner.JsonLines(stdout));
        Assert.Equal(0, r.GetProperty("face").GetInt32());
        Assert.Equal("ok", r.GetProperty("status").GetString());
        Assert.Equal(4, r.GetProperty("box").GetArrayLength());
        Assert.InRange(r.GetProperty("score").GetDouble(), 0.65, 1.0);
        Assert.Equal(68, r.GetProperty("landmarks").GetArrayLength());
        foreach (var k in new[] { "yaw", "pitch", "roll" }) Assert.InRange(r.GetProperty("pose").GetProperty(k).GetDouble(), -99, 99);
        Assert.InRange(r.GetProperty("eyes").GetProperty("left").GetDouble(), 0.9, 1.0);
        Assert.InRange(r.GetProperty("liveness").GetDouble(), 0, 1);
        Assert.InRange(r.GetProperty("embedding_norm").GetDouble(), 1, 10);
        var e = r.GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(512, e.Length);
        Assert.Equal(1.0, Math.Sqrt(e.Sum(v => v * v)), 3);
    }

    [Fact]
    public void Assess_SameInputs_IdenticalOutputWithOneAndTwoThreads()
    {
        var inputs = new[] { TestData.File("dlib/faces/2008_002506.jpg"), TestData.File("franck/franck_04000.jpg"), TestData.File("skimage/astronaut.png") };
        var one = CliRunner.Run(["assess", .. inputs, "--all-faces", "--embeddings", "--threads", "1"]);
        var two = CliRunner.Run(["assess", .. inputs, "--all-faces", "--embeddings", "--threads", "2"]);
        Assert.Equal(0, one.Code);
        Assert.Equal(one.Out, two.Out);
        // Single image: the threads go to ONNX Runtime instead; output must not change either.
        var single1 = CliRunner.Run("assess", inputs[0], "--embeddings", "--threads", "1");
        var single2 = CliRunner.Run("assess", inputs[0], "--embeddings", "--threads", "2");
        Assert.Equal(single1.Out, single2.Out);
    }

    [Fact]
    public void Assess_AllFaces_OneRecordPerFace_PrimaryFirst()
    {
        var file = TestData.File("dlib/faces/2008_002506.jpg");
        var all = CliRunner.JsonLines(CliRunner.Run("assess", file, "--all-faces").Out);
        var primary = CliRunner.JsonLines(CliRunner.Run("assess", file).Out);
        Assert.True(all.Count >= 3);
        Assert.Equal(Enumerable.Range(0, all.Count), all.Select(r => r.GetProperty("face").GetInt32()));
        Assert.Equal(all[0].GetProperty("box").ToString(), Assert.Single(primary).GetProperty("box").ToString());
    }

    [Fact]
    public void Assess_AlignedCrops_SkipsDetectionAndStillEmbeds()
    {
        var file = Directory.GetFiles(TestData.File("dlib/johns/John_Simm")).Order(StringComparer.Ordinal).First();
        var r = Assert.Single(CliRunner.JsonLines(CliRunner.Run("assess", file, "--aligned").Out));
        Assert.Equal("[0,0,150,150]", r.GetProperty("box").ToString());
        Assert.Equal(68, r.GetProperty("landmarks").GetArrayLength());
        Assert.True(r.GetProperty("embedding_norm").GetDouble() > 1);
    }

    [Fact]
    public void Assess_ListFile_And_OutOption()
    {
        var dir = TestData.TempDirectory();
        var list = Path.Combine(dir, "inputs.txt");
        File.WriteAllLines(list, ["# two photos and a missing one", TestData.File("skimage/astronaut.png"), "", "missing.jpg", TestData.File("franck/franck_01829.jpg")]);
        var outFile = Path.Combine(dir, "out", "result.jsonl");
        var (code, stdout, _) = CliRunner.Run("assess", "@" + list, "--out", outFile);
        Assert.Equal(0, code);
        Assert.Equal("", stdout);
        var records = CliRunner.JsonLines(File.ReadAllText(outFile));
        Assert.Equal(["ok", "error", "ok"], records.Select(r => r.GetProperty("status").GetString()));
        Assert.Contains("not found", records[1].GetProperty("error").GetString());
    }

    [Fact]
    public void Assess_NoFace_GivesNoFaceRecord()
    {
        var dir = TestData.TempDirectory();
        var path = Path.Combine(dir, "sky.png");
        var img = new RgbImage(200, 150);
        for (int i = 0; i < img.Pixels.Length; i += 3) { img.Pixels[i] = 90; img.Pixels[i + 1] = 140; img.Pixels[i + 2] = 220; }
        File.WriteAllBytes(path, ImageEncoder.Png(img));
        var r = Assert.Single(CliRunner.JsonLines(CliRunner.Run("assess", path).Out));
        Assert.Equal("no_face", r.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("assess")]
    [InlineData("assess", "x.jpg", "--no-such-option")]
    [InlineData("assess", "x.jpg", "--threads", "zero")]
    [InlineData("assess", "x.jpg", "--threads", "0")]
    [InlineData("frobnicate")]
    public void Cli_UsageErrors_ExitCode2(params string[] args)
    {
        var (code, _, stderr) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains("fiqa", stderr);
    }

    [Fact]
    public void Assess_MissingModels_ExitCode3_WithInstallCommand()
    {
        var (code, _, stderr) = CliRunner.Run("assess", TestData.File("skimage/astronaut.png"), "--models", TestData.TempDirectory());
        Assert.Equal(3, code);
        Assert.Contains("scripts/provision-models.sh", stderr);
    }
}

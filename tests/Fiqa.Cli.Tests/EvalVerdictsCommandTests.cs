using System.Text.Json;
using Fiqa.Tests;

namespace Fiqa.Cli.Tests;

public class EvalVerdictsCommandTests
{
    private static readonly string Labels = Path.Combine(TestData.RepoRoot, "benchmarks", "verdicts", "lfw-labels.csv");

    /// <summary>The header and the committed rows of these photos, as a label file of their own.</summary>
    private static string Subset(string dir, params string[] files)
    {
        var lines = File.ReadAllLines(Labels);
        var rows = files.Select(f => lines.Single(l => l.StartsWith(f + ",", StringComparison.Ordinal))).ToList();
        var path = Path.Combine(dir, "labels.csv");
        File.WriteAllLines(path, [lines[0], .. rows]);
        return path;
    }

    [Fact]
    public void EvalVerdicts_RealLfwRows_CountsLabelsAndCatchesSunglasses()
    {
        var dir = TestData.TempDirectory();
        // Two sunglasses portraits (light, dark skin) and three clean controls (light, medium, dark).
        var labels = Subset(dir,
            "David_Gest/David_Gest_0001.jpg", "Mia_Mottley/Mia_Mottley_0001.jpg",
            "Aaron_Eckhart/Aaron_Eckhart_0001.jpg", "Anthony_Carter/Anthony_Carter_0001.jpg", "Kim_Hong-gul/Kim_Hong-gul_0001.jpg");
        var outDir = Path.Combine(dir, "out");
        var run = CliRunner.Run("eval-verdicts", "--labels", labels, "--images", TestData.Shared("datasets/lfw/lfw-deepfunneled"),
            "--profile", "enrolment", "--out", outDir, "--threads", "2", "--progress-interval", "0");
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("| eyes.visible | sunglasses, eyes_covered |", run.Out);
        Assert.Equal(run.Out, File.ReadAllText(Path.Combine(outDir, "verdicts.md")));

        var all = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "verdicts.json"))).RootElement.GetProperty("splits").GetProperty("all");
        Assert.Equal(5, all.GetProperty("photos").GetInt32());
        Assert.Equal(0, all.GetProperty("no_face").GetInt32());
        var tones = all.GetProperty("skin_tones");
        Assert.Equal((2, 1, 2), (tones.GetProperty("light").GetInt32(), tones.GetProperty("medium").GetInt32(), tones.GetProperty("dark").GetInt32()));
        var eyes = all.GetProperty("reasons").GetProperty("eyes.visible");
        Assert.Equal(2, eyes.GetProperty("positives").GetInt32());
        // A user relies on dark lenses being caught on any skin tone.
        Assert.Equal(2, eyes.GetProperty("true_positives").GetInt32());
        Assert.Equal(1.0, eyes.GetProperty("recall").GetDouble());
        Assert.Equal(3, all.GetProperty("clean_controls").GetProperty("photos").GetInt32());

        var photos = File.ReadAllLines(Path.Combine(outDir, "photos.csv"));
        Assert.Equal("file,split,skin_tone,unclear,face_found,labels,fired,not_assessed", photos[0]);
        Assert.StartsWith("David_Gest/David_Gest_0001.jpg,calibration,light,0,1,sunglasses,", photos[1]);
        Assert.Contains("eyes.visible", photos[1].Split(',')[6].Split('|'));
    }

    [Fact]
    public void EvalVerdicts_BadLabelOrMissingImage_SaysWhereAndExitsNonZero()
    {
        var dir = TestData.TempDirectory();
        var labels = Subset(dir, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg");
        File.WriteAllText(labels, File.ReadAllText(labels).Replace(",light,", ",pale,", StringComparison.Ordinal));
        var bad = CliRunner.Run("eval-verdicts", "--labels", labels, "--images", dir, "--out", Path.Combine(dir, "out"));
        Assert.Equal(2, bad.Code);
        Assert.Contains($"{labels}:2: skin_tone 'pale' is not one of light, medium, dark", bad.Err);

        var good = Subset(dir, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg");
        var missing = CliRunner.Run("eval-verdicts", "--labels", good, "--images", dir, "--out", Path.Combine(dir, "out"));
        Assert.Equal(1, missing.Code);
        Assert.Contains($"labelled image not found: {Path.Combine(dir, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")}", missing.Err);
    }
}

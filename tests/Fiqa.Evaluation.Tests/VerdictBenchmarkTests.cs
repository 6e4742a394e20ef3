using System.Text.Json;
using Fiqa.Evaluation;
using Fiqa.Tests;

namespace Fiqa.Evaluation.Tests;

public class VerdictBenchmarkTests
{
    private static readonly string[] Requirements = ["eyes.visible", "eyes.open", "covering.face", "covering.mouth", "covering.head", "pose.yaw", "liveness"];

    private static VerdictObservation Obs(string file, string tone, string split, string[] labels, string[] fired, bool face = true, bool unclear = false) =>
        new(new LabelledPhoto(file, file.Split('/')[0], tone, split, labels.ToHashSet(), unclear, ""), face, fired.ToHashSet(), new HashSet<string>());

    // Six reported photos; eyes.visible positives are the two sunglasses photos and the hair-over-the-eye one.
    private static readonly VerdictObservation[] Reported =
    [
        Obs("A/A_1.jpg", "light", "reported", ["sunglasses"], ["eyes.visible", "covering.face"]),       // TP (both codes)
        Obs("B/B_1.jpg", "dark", "reported", ["sunglasses"], []),                                         // FN eyes.visible, FN covering.face
        Obs("C/C_1.jpg", "dark", "reported", ["eyes_covered"], ["eyes.visible"]),                        // TP
        Obs("D/D_1.jpg", "dark", "reported", [], ["eyes.visible"]),                                      // FP on a clean control
        Obs("E/E_1.jpg", "light", "reported", ["clear_glasses", "yaw"], ["pose.yaw", "liveness"]),       // clean control, yaw TP
        Obs("F/F_1.jpg", "medium", "reported", ["eyes_closed"], ["eyes.open"]),                          // TP eyes.open
    ];

    private static readonly VerdictObservation[] Others =
    [
        Obs("G/G_1.jpg", "light", "calibration", ["sunglasses"], ["eyes.visible"]),
        Obs("H/H_1.jpg", "light", "reported", ["sunglasses"], ["eyes.visible"], face: false),             // no face: not judged
        Obs("I/I_1.jpg", "light", "reported", ["sunglasses"], ["eyes.visible"], unclear: true),           // unclear: not judged
    ];

    [Fact]
    public void Evaluate_KnownSet_GivesHandCountedPrecisionRecallAndRates()
    {
        var report = VerdictBenchmark.Evaluate("enrolment", Requirements, [.. Reported, .. Others]);
        var reported = report.Splits.Single(s => s.Split == "reported");
        Assert.Equal(8, reported.Photos);
        Assert.Equal(1, reported.Unclear);
        Assert.Equal(1, reported.NoFace);

        var eyes = reported.Reasons.Single(r => r.Code == "eyes.visible");
        Assert.Equal(["sunglasses", "eyes_covered"], eyes.Labels);
        Assert.Equal((6, 3, 3, 2), (eyes.Photos, eyes.Positives, eyes.Fired, eyes.TruePositives));
        Assert.Equal(2.0 / 3, eyes.Precision!.Value, 12);
        Assert.Equal(2.0 / 3, eyes.Recall!.Value, 12);
        Assert.True(eyes.FewPositives);

        var face = reported.Reasons.Single(r => r.Code == "covering.face");
        Assert.Equal((2, 1, 1), (face.Positives, face.Fired, face.TruePositives));
        Assert.Equal(0.5, face.Recall!.Value, 12);
        var head = reported.Reasons.Single(r => r.Code == "covering.head");
        Assert.Null(head.Precision);   // never fired
        Assert.Null(head.Recall);      // no positives
        Assert.Equal(1.0, reported.Reasons.Single(r => r.Code == "pose.yaw").Precision!.Value, 12);
        // Codes the profile lacks are not scored; codes no label checks are counted.
        Assert.DoesNotContain(reported.Reasons, r => r.Code == "pose.pitch");
        Assert.Equal(1, Assert.Single(reported.Unlabelled).Fired);

        // Clean controls: D and E (clear glasses do not make a photo unclean); eyes.visible fired on D only.
        Assert.Equal(2, reported.CleanControls.Controls);
        Assert.Equal(1, reported.CleanControls.Fired.Single(f => f.Key == "eyes.visible").Value);
        Assert.Equal(0, reported.CleanControls.Fired.Single(f => f.Key == "covering.head").Value);
        var glasses = reported.CleanControls.HardNegatives.Single(h => h.Label == "clear_glasses");
        Assert.Equal(1, glasses.Photos);   // E
        Assert.Equal(0, glasses.Fired.Single(f => f.Key == "eyes.visible").Value);

        // eyes.visible negatives: D (dark, fired), E (light), F (medium) → dark 100 %, light 0 %, medium 0 %.
        var tones = reported.SkinTones.Single(t => t.Code == "eyes.visible");
        Assert.Equal([(1, 0), (1, 0), (1, 1)], tones.ByTone.Select(r => (r.Negatives, r.Fired)));
        Assert.Equal(100.0, tones.Spread!.Value, 9);

        var calibration = report.Splits.Single(s => s.Split == "calibration");
        Assert.Equal(1.0, calibration.Reasons.Single(r => r.Code == "eyes.visible").Recall!.Value, 12);
        Assert.Equal(9, report.Splits.Single(s => s.Split == "all").Photos);
    }

    [Fact]
    public void Reports_AreDeterministicAndCarryTheFigures()
    {
        var report = VerdictBenchmark.Evaluate("enrolment", Requirements, [.. Reported, .. Others]);
        var json = VerdictBenchmark.ToJson(report);
        Assert.Equal(json, VerdictBenchmark.ToJson(VerdictBenchmark.Evaluate("enrolment", Requirements, [.. Reported, .. Others])));
        var eyes = JsonDocument.Parse(json).RootElement.GetProperty("splits").GetProperty("reported").GetProperty("reasons").GetProperty("eyes.visible");
        Assert.Equal(0.6667, eyes.GetProperty("precision").GetDouble(), 9);
        Assert.True(eyes.GetProperty("few_positives").GetBoolean());
        var md = VerdictBenchmark.ToMarkdown(report);
        Assert.Contains("| eyes.visible | sunglasses, eyes_covered | 3 | 3 | 0.67 | 0.67 | < 10 positives |", md);
        Assert.Contains("| eyes.visible | 0.0 % (0/1) | 0.0 % (0/1) | 100.0 % (1/1) | 100.0 **> 5** |", md);
        Assert.Contains("Clean controls (nothing over the eyes, face or head, eyes open): 2; false reasons: eyes.visible 1, eyes.open 0", md);
        Assert.Contains("Of them with clear_glasses: 1; eyes.visible 0, eyes.open 0", md);
    }

    [Fact]
    public void Stem_DropsTheDirectionOnly()
    {
        Assert.Equal("eyes.visible", VerdictBenchmark.Stem("eyes.visible.high"));
        Assert.Equal("exposure.luminance", VerdictBenchmark.Stem("exposure.luminance.not_assessed"));
        Assert.Equal("image.rotated", VerdictBenchmark.Stem("image.rotated"));
    }

    [Fact]
    public void ReadLabels_BadRows_NameFileAndLine()
    {
        var dir = TestData.TempDirectory();
        string header = "file,skin_tone,split," + string.Join(",", VerdictBenchmark.Labels.Select(l => l.Name)) + ",unclear,note";
        string zeros = string.Join(",", VerdictBenchmark.Labels.Select(_ => "0"));
        string Write(string name, params string[] rows)
        {
            var path = Path.Combine(dir, name);
            File.WriteAllLines(path, [header, .. rows]);
            return path;
        }
        var ok = Write("ok.csv", $"A/A_0001.jpg,dark,reported,1,{zeros[2..]},0,\"sunglasses, tinted\"");
        var photo = Assert.Single(VerdictBenchmark.ReadLabels(ok));
        Assert.Equal(("A", "dark", "reported"), (photo.Identity, photo.SkinTone, photo.Split));
        Assert.Equal(["sunglasses"], photo.Labels);

        var badFlag = Write("flag.csv", $"A/A_0001.jpg,dark,reported,2,{zeros[2..]},0,");
        Assert.Contains($"{badFlag}:2: sunglasses must be 0 or 1, got '2'", Assert.Throws<FormatException>(() => VerdictBenchmark.ReadLabels(badFlag)).Message);
        var badTone = Write("tone.csv", $"A/A_0001.jpg,olive,reported,{zeros},0,");
        Assert.Contains($"{badTone}:2: skin_tone 'olive'", Assert.Throws<FormatException>(() => VerdictBenchmark.ReadLabels(badTone)).Message);
        var straddle = Write("split.csv", $"A/A_0001.jpg,dark,reported,{zeros},0,", $"A/A_0002.jpg,dark,calibration,{zeros},0,");
        Assert.Contains("identity A is in both splits", Assert.Throws<FormatException>(() => VerdictBenchmark.ReadLabels(straddle)).Message);
    }
}

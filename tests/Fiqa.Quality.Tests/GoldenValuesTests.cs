using System.Globalization;
using Fiqa.Tests;

namespace Fiqa.Quality.Tests;

/// <summary>Golden regression values, as OFIQ keeps expected results: every component's raw value, scalar and status on
/// every face of a fixed set of installed photos (all faces, default options), checked within stated tolerances. A
/// change that moves a number fails here with the list of what moved; if the move is intended, regenerate the file
/// (<c>FIQA_WRITE_GOLDEN=1 dotnet test tests/Fiqa.Quality.Tests -c Release --filter GoldenValues</c>) and explain the
/// change in its commit. Tolerances (docs/measures.md): raw |Δ| ≤ 1e-4 + 1e-3·|golden| — room for ONNX Runtime's
/// kernels on other CPUs, not for a changed method — and scalar |Δ| ≤ 1. UnifiedQualityScore is left out: its head is
/// trained at install time and has its own reproducibility check (docs/quality-head.md).</summary>
public class GoldenValuesTests
{
    private static readonly string GoldenPath = Path.Combine(TestData.RepoRoot, "tests", "Fiqa.Quality.Tests", "golden", "components.csv");

    // Data paths under the installed data folder (pinned and checked by SHA-256 when installed): portraits, a tilted
    // and turned head, closed eyes, a group photo, a small face, a greyscale-looking still.
    private static readonly string[] Inputs =
    [
        "skimage/astronaut.png",
        "franck/franck_01829.jpg",
        "franck/franck_04000.jpg",
        "dlib/johns/John_Salley/000189_02159361.jpg",
        "dlib/johns/John_Simm/000310_00470511.jpg",
        "dlib/faces/2008_002506.jpg",
        "dlib/faces/2007_007763.jpg",
        "face-api/sample1.jpg",
        "face-api/sample4.jpg",
    ];

    private sealed record Row(string File, int Face, string Measure, double? Raw, int Scalar, string Status);

    private static List<Row> Compute()
    {
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Face = new() { AllFaces = true } });
        var rows = new List<Row>();
        foreach (var input in Inputs)
        {
            var r = assessor.Assess(TestData.File(input));
            Assert.True(r.Faces.Count > 0, $"{input}: {r.Status} {r.Analysis.Error}");
            foreach (var face in r.Faces)
                foreach (var m in assessor.Measures.Where(m => m.Name != "UnifiedQualityScore"))
                {
                    var q = face.Quality[m.Name];
                    rows.Add(new Row(input, face.Face.Index, m.Name, q.Raw, q.Scalar, q.Status == MeasureStatus.Success ? "success" : "failure_to_assess"));
                }
        }
        return rows;
    }

    [Fact]
    public void EveryComponent_OnTheInstalledPhotos_MatchesTheGoldenValues()
    {
        var now = Compute();
        if (Environment.GetEnvironmentVariable("FIQA_WRITE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(GoldenPath)!);
            File.WriteAllLines(GoldenPath, now.Select(r => Csv.Line([r.File, r.Face.ToString(CultureInfo.InvariantCulture), r.Measure,
                r.Raw is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "", r.Scalar.ToString(CultureInfo.InvariantCulture), r.Status]))
                .Prepend("file,face,measure,raw,scalar,status"));
            return;
        }
        var golden = CsvFile.Read(GoldenPath).Rows.Select(r => new Row(r.Fields[0], int.Parse(r.Fields[1], CultureInfo.InvariantCulture), r.Fields[2],
            r.Fields[3].Length == 0 ? null : double.Parse(r.Fields[3], CultureInfo.InvariantCulture), int.Parse(r.Fields[4], CultureInfo.InvariantCulture), r.Fields[5])).ToList();
        var byKey = now.ToDictionary(r => (r.File, r.Face, r.Measure));
        var moved = new List<string>();
        foreach (var g in golden)
        {
            if (!byKey.Remove((g.File, g.Face, g.Measure), out var n)) { moved.Add($"{g.File} face {g.Face} {g.Measure}: in the golden file, not computed now"); continue; }
            bool rawOk = (g.Raw, n.Raw) switch
            {
                (null, null) => true,
                (double a, double b) => Math.Abs(a - b) <= 1e-4 + 1e-3 * Math.Abs(a),
                _ => false,
            };
            if (!rawOk || Math.Abs(g.Scalar - n.Scalar) > 1 || g.Status != n.Status)
                moved.Add(FormattableString.Invariant($"{g.File} face {g.Face} {g.Measure}: golden {g.Raw} / {g.Scalar} / {g.Status}, now {n.Raw} / {n.Scalar} / {n.Status}"));
        }
        moved.AddRange(byKey.Keys.Select(k => $"{k.File} face {k.Face} {k.Measure}: computed now, not in the golden file"));
        Assert.True(moved.Count == 0, $"{moved.Count} value(s) moved beyond the tolerances:\n{string.Join('\n', moved.Take(40))}");
        Assert.True(golden.Count >= 9 * 28, $"only {golden.Count} golden values");
    }
}

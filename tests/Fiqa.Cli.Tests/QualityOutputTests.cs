using Fiqa.Tests;

namespace Fiqa.Cli.Tests;

public class QualityOutputTests
{
    [Fact]
    public void Assess_WithProfile_RecordsQualityAndActionableVerdict()
    {
        var (code, stdout, stderr) = CliRunner.Run("assess", TestData.File("franck/franck_04000.jpg"), "--profile", "enrolment");
        Assert.Equal(0, code);
        var r = Assert.Single(CliRunner.JsonLines(stdout));
        var q = r.GetProperty("quality");
        // One entry per measure of the catalogue, in its order.
        Assert.Equal(Quality.MeasureCatalogue.All.Select(d => d.Name), q.EnumerateObject().Select(p => p.Name));
        var eyes = q.GetProperty("EyesOpen");
        Assert.Equal("success", eyes.GetProperty("status").GetString());
        Assert.InRange(eyes.GetProperty("scalar").GetInt32(), 0, 20);
        var verdict = r.GetProperty("verdict");
        Assert.False(verdict.GetProperty("pass").GetBoolean());
        var closed = Assert.Single(verdict.GetProperty("reasons").EnumerateArray(), x => x.GetProperty("code").GetString() == "eyes.open.low");
        Assert.Equal("EyesOpen", closed.GetProperty("measure").GetString());
        Assert.Equal("probability", closed.GetProperty("unit").GetString());
        Assert.Equal(0.5, closed.GetProperty("threshold").GetDouble());
        Assert.Equal("below", closed.GetProperty("direction").GetString());
        Assert.StartsWith("eyes closed: P(eyes open) ", closed.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("profile enrolment: 0 pass, 1 fail", stderr);
        Assert.Matches(@"reasons: .*eyes\.open\.low 1", stderr);
    }

    [Fact]
    public void Assess_CsvWithSemicolon_HasOfiqColumns()
    {
        var (code, stdout, _) = CliRunner.Run("assess", TestData.File("skimage/astronaut.png"), TestData.File("franck/franck_01829.jpg"),
            "--format", "csv", "--delimiter", ";", "--measures", "Sharpness,HeadPoseYaw");
        Assert.Equal(0, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Filename;Sharpness.native;HeadPoseYaw.native;Sharpness.scalar;HeadPoseYaw.scalar;Face;Status;Pass;ReasonCodes;Reasons", lines[0]);
        Assert.Equal(3, lines.Length);
        var cells = lines[1].Split(';');
        Assert.EndsWith("astronaut.png", cells[0]);
        Assert.True(double.TryParse(cells[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.InRange(int.Parse(cells[3], System.Globalization.CultureInfo.InvariantCulture), 0, 100);
    }

    [Fact]
    public void Assess_UnknownMeasureOrProfile_IsUsageError()
    {
        var bad = CliRunner.Run("assess", TestData.File("skimage/astronaut.png"), "--measures", "Beauty");
        Assert.Equal(2, bad.Code);
        Assert.Contains("unknown quality measure 'Beauty'", bad.Err);
        Assert.Equal(2, CliRunner.Run("assess", TestData.File("skimage/astronaut.png"), "--profile", "strictest").Code);
    }

    [Fact]
    public void Measures_ListsTheCatalogue_AndMarkdownHasEveryRow()
    {
        var (code, stdout, _) = CliRunner.Run("measures", "--markdown");
        Assert.Equal(0, code);
        var rows = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("| ", StringComparison.Ordinal)).ToList();
        Assert.Equal(1 + Quality.MeasureCatalogue.All.Count, rows.Count);
        Assert.Contains(rows, r => r.StartsWith("| EyesOpen |", StringComparison.Ordinal));
    }

    [Fact]
    public void DocsMeasuresTable_IsTheCatalogue()
    {
        // docs/measures.md holds the table `fiqa measures --markdown` prints; a descriptor changed without the docs fails here.
        var generated = CliRunner.Run("measures", "--markdown").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var docs = File.ReadAllLines(Path.Combine(TestData.RepoRoot, "docs", "measures.md"));
        int start = Array.FindIndex(docs, l => l == generated[0]);
        Assert.True(start >= 0, "docs/measures.md has no catalogue table; paste the output of ./fiqa measures --markdown");
        var table = docs.Skip(start).TakeWhile(l => l.StartsWith('|')).ToArray();
        Assert.Equal(generated, table);
    }
}

public class VerdictCliTests
{
    [Fact]
    public void FailOnReject_GivesExit4_AndCountsReasons_NoFaceFilesIncluded()
    {
        var dir = TestData.TempDirectory();
        var noFace = Path.Combine(dir, "wall.png");
        // A real photo's face-free corner.
        var photo = Fiqa.Imaging.ImageDecoder.Decode(TestData.File("skimage/astronaut.png"));
        var corner = new Fiqa.Imaging.RgbImage(120, 120);
        for (int y = 0; y < 120; y++) photo.Row(y)[..(120 * 3)].CopyTo(corner.Row(y));
        File.WriteAllBytes(noFace, Fiqa.Imaging.ImageEncoder.Png(corner));
        var (code, stdout, stderr) = CliRunner.Run("assess", noFace, TestData.File("franck/franck_01829.jpg"), "--profile", "verification", "--fail-on-reject");
        Assert.Equal(4, code);
        var records = CliRunner.JsonLines(stdout);
        var wall = Assert.Single(records, r => r.GetProperty("status").GetString() == "no_face");
        Assert.False(wall.GetProperty("verdict").GetProperty("pass").GetBoolean());
        Assert.Equal("file.no_face", wall.GetProperty("verdict").GetProperty("reasons")[0].GetProperty("code").GetString());
        Assert.Contains("file.no_face 1", stderr);
        Assert.Equal(0, CliRunner.Run("assess", TestData.File("franck/franck_01829.jpg"), "--profile", "verification", "--fail-on-reject").Code);
        Assert.Equal(2, CliRunner.Run("assess", noFace, "--fail-on-reject").Code);
    }

    [Fact]
    public void Csv_CarriesReasonCodes()
    {
        var (code, stdout, _) = CliRunner.Run("assess", TestData.File("franck/franck_04000.jpg"), "--format", "csv", "--profile", "enrolment", "--measures", "none");
        Assert.Equal(0, code);
        var records = Fiqa.Csv.Records(new StringReader(stdout)).ToList();
        var header = records[0].Fields.ToList();
        var row = records[1].Fields;
        Assert.Contains("eyes.open.low", row[header.IndexOf("ReasonCodes")].Split(' '));
        Assert.Equal("0", row[header.IndexOf("Pass")]);
    }

    [Fact]
    public void Profiles_MarkdownIsWhatTheDocsShow()
    {
        var (code, stdout, _) = CliRunner.Run("profiles", "--markdown");
        Assert.Equal(0, code);
        var docs = File.ReadAllText(Path.Combine(TestData.RepoRoot, "docs", "measures.md")).Replace("\r\n", "\n");
        foreach (var table in stdout.Replace("\r\n", "\n").Split("### ", StringSplitOptions.RemoveEmptyEntries))
            Assert.Contains("### " + table.TrimEnd(), docs);
        Assert.Contains("pose.yaw", CliRunner.Run("profiles", "icao").Out);
    }
}

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
        Assert.Equal(29, q.EnumerateObject().Count());
        var eyes = q.GetProperty("EyesOpen");
        Assert.Equal("success", eyes.GetProperty("status").GetString());
        Assert.InRange(eyes.GetProperty("scalar").GetInt32(), 0, 20);
        var verdict = r.GetProperty("verdict");
        Assert.False(verdict.GetProperty("pass").GetBoolean());
        Assert.Contains(verdict.GetProperty("reasons").EnumerateArray(), x => x.GetString()!.StartsWith("eyes closed: EyesOpen", StringComparison.Ordinal));
        Assert.Contains("profile enrolment: 0 face(s) pass, 1 fail", stderr);
    }

    [Fact]
    public void Assess_CsvWithSemicolon_HasOfiqColumns()
    {
        var (code, stdout, _) = CliRunner.Run("assess", TestData.File("skimage/astronaut.png"), TestData.File("franck/franck_01829.jpg"),
            "--format", "csv", "--delimiter", ";", "--measures", "Sharpness,HeadPoseYaw");
        Assert.Equal(0, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Filename;Sharpness.native;HeadPoseYaw.native;Sharpness.scalar;HeadPoseYaw.scalar;Face;Status;Pass;Reasons", lines[0]);
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
        Assert.Equal(1 + 29, rows.Count);
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

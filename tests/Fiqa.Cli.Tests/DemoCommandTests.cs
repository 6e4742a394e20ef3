using System.Text.RegularExpressions;

namespace Fiqa.Cli.Tests;

public partial class DemoCommandTests
{
    [Fact]
    public void Demo_InstalledSamples_ShowsQualityVerdictReasonsAndNextSteps()
    {
        var (code, rawOutput, err) = CliRunner.Run("demo");
        Assert.True(code == 0, err);
        var output = AnsiEscape().Replace(rawOutput, "");
        // Each face's row carries a 0..100 UnifiedQualityScore and its icao verdict.
        var rows = FaceRow().Matches(output);
        Assert.True(rows.Count >= 9, output);
        Assert.All(rows, r => Assert.InRange(int.Parse(r.Groups["q"].Value, System.Globalization.CultureInfo.InvariantCulture), 0, 100));
        // A failing face says why in words, with the value and the limit.
        Assert.Contains("head tilted up or down: pitch", output, StringComparison.Ordinal);
        Assert.Matches(@"fail the 'icao' profile", output);
        Assert.Contains("fiqa assess PHOTOS... --profile icao", output, StringComparison.Ordinal);
        Assert.Contains("fiqa serve", output, StringComparison.Ordinal);
    }

    // "│ 0 │ 179,63,90,111 │ -0 / -12 / 3 │ 88 │ FAIL │": face index, box, pose, quality, verdict.
    [GeneratedRegex(@"│ \d+\s+│ [\d,]+\s+│ [-\d]+ / [-\d]+ / [-\d]+\s+│ (?<q>\d+)\s+│ (PASS|FAIL)\s+│")]
    private static partial Regex FaceRow();

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex AnsiEscape();
}

using System.Text.RegularExpressions;
using System.Xml.Linq;
using Fiqa.Tests;

namespace Fiqa.Cli.Tests;

/// <summary>The README's layer list is what a newcomer reads first: each layer's "(on …)" must name exactly the
/// projects its .csproj references, and every project under src/ must be in the list.</summary>
public sealed partial class ArchitectureTests
{
    [Fact]
    public void ReadmeLayers_NameEachProjectsReferences()
    {
        var documented = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (Match m in LayerLine().Matches(File.ReadAllText(Path.Combine(TestData.RepoRoot, "README.md"))))
        {
            var references = m.Groups["refs"].Value == "references none"
                ? []
                : ProjectName().Matches(m.Groups["refs"].Value).Select(r => r.Groups[1].Value);
            documented[m.Groups["name"].Value] = new SortedSet<string>(references, StringComparer.Ordinal);
        }

        var actual = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var csproj in Directory.GetFiles(Path.Combine(TestData.RepoRoot, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var references = XDocument.Load(csproj).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')));
            actual[Path.GetFileNameWithoutExtension(csproj)] = new SortedSet<string>(references, StringComparer.Ordinal);
        }

        Assert.Equal(actual.Keys.Order(StringComparer.Ordinal), documented.Keys.Order(StringComparer.Ordinal));
        foreach (var (project, references) in actual)
            Assert.True(references.SetEquals(documented[project]),
                $"README says {project} is on [{string.Join(", ", documented[project])}]; its .csproj references [{string.Join(", ", references)}]");
    }

    [GeneratedRegex(@"^- \*\*`(?<name>Fiqa\.\w+)`\*\* \((?<refs>references none|on [^)]*)\)", RegexOptions.Multiline)]
    private static partial Regex LayerLine();

    [GeneratedRegex(@"`(Fiqa\.\w+)`")]
    private static partial Regex ProjectName();
}

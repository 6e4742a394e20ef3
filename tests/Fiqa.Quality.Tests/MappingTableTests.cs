using Fiqa.Quality.Unified;
using Fiqa.Tests;

namespace Fiqa.Quality.Tests;

/// <summary>Calibration as data: the built-in mappings file covers the catalogues, a user's file overrides only what it
/// names, and a bad file is refused with its path and key.</summary>
public class MappingTableTests
{
    [Fact]
    public void Default_HasOneEntryPerMeasureAndMethod_InCatalogueOrder_EachWithASource()
    {
        Assert.Equal(MeasureCatalogue.All.Select(d => d.Name), MappingTable.Default.Measures.Select(e => e.Key));
        Assert.Equal(UnifiedCatalogue.All.Select(d => d.Name), MappingTable.Default.Unified.Select(e => e.Key));
        Assert.All(MappingTable.Default.Measures.Concat(MappingTable.Default.Unified), e => Assert.False(string.IsNullOrWhiteSpace(e.Source), e.Key));
        // The descriptors list what the file says: no mapping is left as a constant in code.
        Assert.All(MeasureCatalogue.All, d => Assert.Equal(MappingTable.Default.Measure(d.Name), d.Mapping));
        Assert.All(UnifiedCatalogue.All, d => Assert.Equal(MappingTable.Default.Method(d.Name), d.Mapping));
    }

    [Fact]
    public void ToJson_IsAnOverrideFileThatChangesNothing()
    {
        var again = MappingTable.Default.Override(MappingTable.Default.ToJson(), "printed");
        Assert.Equal(MappingTable.Default.Sha256, again.Sha256);
        Assert.Equal(MappingTable.Default.Measures, again.Measures);
        Assert.Equal(MappingTable.Default.Unified, again.Unified);
    }

    [Fact]
    public void Override_PartialEntry_ChangesOnlyTheParametersItGives()
    {
        var table = MappingTable.Default.Override("""{"measures": {"sharpness": {"x0": 2.5}}}""", "site.json");
        Assert.Equal(new SigmoidMapping(2.5, 0.3), table.Measure("Sharpness"));
        Assert.Equal("overridden by site.json", table.Measures.Single(e => e.Key == "Sharpness").Source);
        Assert.Equal(MappingTable.Default.Measures.Where(e => e.Key != "Sharpness"), table.Measures.Where(e => e.Key != "Sharpness"));
        Assert.Equal(MappingTable.Default.Unified, table.Unified);
        Assert.NotEqual(MappingTable.Default.Sha256, table.Sha256);
        // Another kind replaces the entry, with that kind's defaults for what it does not give.
        var linear = MappingTable.Default.Override("""{"unified": {"norm": {"mapping": "linear", "h": 20, "source": "site policy"}}}""", "site.json");
        Assert.Equal(new LinearMapping(20, 0, 1), linear.Method("norm"));
        Assert.Equal(30, linear.Method("norm").ToScalar(1.5));
    }

    [Theory]
    [InlineData("""{"measures": {"Sharpnes": {"x0": 2}}}""", "measures.Sharpnes: unknown quality measure (valid: UnifiedQualityScore, ")]
    [InlineData("""{"unified": {"magface": {"x0": 2}}}""", "unified.magface: unknown unified quality method (valid: distilled, norm, ")]
    [InlineData("""{"measure": {}}""", "unknown section 'measure' (valid: measures, unified)")]
    [InlineData("""{"measures": {"Sharpness": {"w": 0}}}""", "measures.Sharpness: 'w' must be positive, got 0")]
    [InlineData("""{"measures": {"Sharpness": {"x0": "2"}}}""", "measures.Sharpness.x0: expected a finite number, got a string \"2\"")]
    [InlineData("""{"measures": {"Sharpness": {"x1": 2}}}""", "measures.Sharpness: 'x1' is not a parameter of mapping 'sigmoid' (valid: h, a, s, x0, w, center)")]
    [InlineData("""{"measures": {"Sharpness": {"mapping": "step"}}}""", "measures.Sharpness: unknown mapping 'step' (valid: sigmoid, linear, ")]
    [InlineData("""{"measures": {"Sharpness": {"mapping": "power"}}}""", "measures.Sharpness: mapping 'power' needs 'exponent'")]
    [InlineData("""{"measures": {"Sharpness": 1.6}}""", "measures.Sharpness: expected an object")]
    [InlineData("""{"measures": {"Sharpness": {"x0": 2}""", "not valid JSON: ")]
    [InlineData("""[]""", "expected an object with \"measures\" and/or \"unified\", got an array")]
    public void Load_BadFile_NamesTheFileAndTheKey(string json, string expected)
    {
        var path = Path.Combine(TestData.TempDirectory(), "site.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<ArgumentException>(() => MappingTable.Load(path));
        Assert.StartsWith($"mappings file {path}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFileOrFolder_SaysSo()
    {
        var dir = TestData.TempDirectory();
        Assert.Equal($"mappings file not found: {Path.Combine(dir, "none.json")}", Assert.Throws<ArgumentException>(() => MappingTable.Load(Path.Combine(dir, "none.json"))).Message);
        Assert.Contains("is a folder", Assert.Throws<ArgumentException>(() => MappingTable.Load(dir)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Assess_WithOverride_MovesOnlyTheNamedScalars_NativeValuesUnchanged()
    {
        var photo = TestData.File("skimage/astronaut.png");
        string[] measures = ["Sharpness", "LuminanceMean", "HeadSize", "InterEyeDistance"];
        FaceQuality Assess(MappingTable table)
        {
            using var a = FaceQualityAssessor.Create(new AssessorOptions { Measures = measures, UnifiedMethods = ["norm"], DetectRotation = false, Mappings = table });
            return a.Assess(photo).Faces[0];
        }
        var before = Assess(MappingTable.Default);
        double sharpness = before.Quality["Sharpness"].Raw!.Value, norm = before.UnifiedMethods["norm"].RawOrNaN;
        // Midpoints moved onto this face's own values: the sigmoid gives exactly 50 there (it gave 100 and a norm-dependent value).
        var path = Path.Combine(TestData.TempDirectory(), "site.json");
        string R(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(path, "{\"measures\": {\"Sharpness\": {\"x0\": " + R(sharpness) + "}}, \"unified\": {\"norm\": {\"x0\": " + R(norm) + ", \"w\": 0.5}}}");
        var after = Assess(MappingTable.Load(path));
        Assert.Equal(100, before.Quality["Sharpness"].Scalar);
        Assert.Equal(50, after.Quality["Sharpness"].Scalar);
        Assert.Equal(50, after.UnifiedMethods["norm"].Scalar);
        Assert.NotEqual(50, before.UnifiedMethods["norm"].Scalar);
        Assert.Equal(norm, after.UnifiedMethods["norm"].Raw);
        foreach (var id in measures)
        {
            Assert.Equal(before.Quality[id].Raw, after.Quality[id].Raw);
            if (id != "Sharpness") Assert.Equal(before.Quality[id].Scalar, after.Quality[id].Scalar);
        }
    }
}

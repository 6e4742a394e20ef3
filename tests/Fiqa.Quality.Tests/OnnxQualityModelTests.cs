using Fiqa.Onnx;
using Fiqa.Quality.Unified;
using Fiqa.Tests;

namespace Fiqa.Quality.Tests;

public class OnnxQualityModelTests
{
    /// <summary>The default head exported with its embedder as one ONNX model (the head's inputs computed in the graph,
    /// SER-FIQ's 100 masked re-runs included) and run as <c>onnx:MANIFEST</c> gives the in-process head's score to 1e-5
    /// on real faces — which checks the generic method (manifest, alignment, preprocessing, output index) and the export.</summary>
    [Fact]
    public void ExportedDefaultHead_AsOnnxMethod_MatchesTheInProcessHead()
    {
        var head = QualityHead.Load(Path.Combine(TestData.ModelsRoot, DistilledQuality.DefaultFileName));
        var embedder = new ModelStore(TestData.ModelsRoot).Get("fr_feature");
        var manifest = QualityHeadOnnx.Write(head, embedder, Path.Combine(TestData.TempDirectory(), "head.onnx"));
        string method = $"onnx:{manifest}";
        using var assessor = FaceQualityAssessor.Create(new AssessorOptions { Measures = [], UnifiedMethods = ["distilled", method], DetectRotation = false });
        var files = Directory.EnumerateFiles(TestData.File("franck"), "*.jpg").Order(StringComparer.Ordinal).Take(4)
            .Concat(Directory.EnumerateFiles(TestData.File("dlib/johns"), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(4)).ToList();
        int faces = 0;
        var scores = new List<double>();
        foreach (var f in files)
        {
            foreach (var face in assessor.Assess(f).Faces)
            {
                double inProcess = face.UnifiedMethods["distilled"].RawOrNaN, exported = face.UnifiedMethods[method].RawOrNaN;
                Assert.True(Math.Abs(inProcess - exported) <= 1e-5, $"{f}: in-process {inProcess:R}, exported {exported:R}");
                Assert.Equal(face.UnifiedMethods["distilled"].Scalar, face.UnifiedMethods[method].Scalar);
                scores.Add(inProcess);
                faces++;
            }
        }
        Assert.True(faces >= 6, $"only {faces} faces");
        Assert.True(scores.Max() - scores.Min() > 0.05, "the faces should differ in quality, or the comparison proves little");
    }

    [Fact]
    public void Manifest_WithoutQualitySection_OrMissing_IsAClearError()
    {
        using var registry = new Fiqa.Onnx.SessionRegistry(ModelStore.For(TestData.Paths));
        var settings = new QualitySettings { Registry = registry, EmbedderModel = "fr_feature" };
        var missing = Assert.Throws<ModelConfigurationException>(() => UnifiedCatalogue.Create("onnx:/nowhere/q.json", settings));
        Assert.Contains("not found: /nowhere/q.json", missing.Message);
        var embedderManifest = Path.Combine(TestData.ModelsRoot, "fr_feature.json");
        var noQuality = Assert.Throws<ModelConfigurationException>(() => UnifiedCatalogue.Create($"onnx:{embedderManifest}", settings));
        Assert.Contains("no \"quality\" section", noQuality.Message);
        var bare = Assert.Throws<UnknownNameException>(() => UnifiedCatalogue.Create("onnx", settings));
        Assert.Contains("onnx:PATH.json", bare.Message);
        // Listings write the parameter as required, not optional.
        Assert.Contains("onnx:MANIFEST,", Assert.Throws<UnknownNameException>(() => UnifiedCatalogue.Normalise("onx")).Message);
    }

    /// <summary>Caches of <c>fiqa eval</c> and <c>train-quality</c> key a method by <see cref="UnifiedCatalogue.CacheIdentity"/>:
    /// a model re-exported under the same manifest path must not be answered with the old model's cached scores.</summary>
    [Fact]
    public void CacheIdentity_ChangesWhenTheModelFileIsReplaced()
    {
        var dir = TestData.TempDirectory();
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.ModelsRoot, "fr_eye.json")))!.AsObject();
        manifest.Remove("sha256"); // a user's export without a checksum: only the bytes can tell
        var manifestPath = Path.Combine(dir, "q.json");
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        var model = Path.Combine(dir, (string)manifest["file"]!);
        File.Copy(Path.Combine(TestData.ModelsRoot, "fr_eye.onnx"), model);
        string method = $"onnx:{manifestPath}", first = UnifiedCatalogue.CacheIdentity(method);
        Assert.StartsWith(method + "#", first);
        File.Copy(Path.Combine(TestData.ModelsRoot, "fr_landmark.onnx"), model, overwrite: true);
        Assert.NotEqual(first, UnifiedCatalogue.CacheIdentity(method));
        File.Copy(Path.Combine(TestData.ModelsRoot, "fr_eye.onnx"), model, overwrite: true);
        Assert.Equal(first, UnifiedCatalogue.CacheIdentity(method));
        // Methods whose name says everything keep it.
        Assert.Equal("perturb:4", UnifiedCatalogue.CacheIdentity("PERTURB:4"));
        Assert.Equal("serfiq", UnifiedCatalogue.CacheIdentity("serfiq"));
    }
}

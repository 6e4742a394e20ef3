using System.Numerics;
using Fiqa.Imaging;
using Fiqa.Onnx;
using Fiqa.Tests;

namespace Fiqa.Face.Tests;

public class AlignmentAndModelTests
{
    [Fact]
    public void FitSimilarity_RecoversKnownTransform()
    {
        double angle = 0.3, scale = 1.7;
        var truth = new AffineTransform(scale * Math.Cos(angle), -scale * Math.Sin(angle), 12, scale * Math.Sin(angle), scale * Math.Cos(angle), -4);
        Vector2[] src = [new(10, 20), new(40, 22), new(25, 35), new(12, 50), new(38, 51)];
        var dst = src.Select(truth.Apply).ToArray();
        var fit = AffineTransform.FitSimilarity(src, dst);
        Assert.Equal(truth.M11, fit.M11, 5); Assert.Equal(truth.M12, fit.M12, 5); Assert.Equal(truth.M13, fit.M13, 4);
        Assert.Equal(truth.M21, fit.M21, 5); Assert.Equal(truth.M22, fit.M22, 5); Assert.Equal(truth.M23, fit.M23, 4);
        Assert.Equal(scale, fit.Scale, 5);
    }

    [Fact]
    public void Aligner_PutsTheFivePointsOnTheTemplate()
    {
        var image = ImageDecoder.Decode(TestData.File("skimage/astronaut.png"));
        // The crop is placed from the landmark model's first pass; the record's points are the refined second pass.
        using var analyzer = new FaceAnalyzer(new FaceAnalyzerOptions { Parts = FaceParts.Embedding, RefineLandmarks = false });
        var face = analyzer.Analyze(image)[0];
        var five = face.Landmarks!.FivePoints();
        var mapped = five.Select(face.Aligned!.SourceToAligned.Apply).ToArray();
        var template = AlignmentSpec.ArcFaceTemplate;
        // Eyes land within 3 px of the template in the 112×112 crop; the similarity cannot shear, so all five are close.
        for (int i = 0; i < 5; i++)
            Assert.True(Vector2.Distance(mapped[i], new Vector2(template[i][0], template[i][1])) < 6, $"point {i}: {mapped[i]}");
        Assert.Equal((112, 112), (face.Aligned.Image.Width, face.Aligned.Image.Height));
    }

    [Fact]
    public void ModelStore_MissingModels_ErrorNamesTheInstallCommand()
    {
        var empty = TestData.TempDirectory();
        using var analyzer = new FaceAnalyzer(new FaceAnalyzerOptions { Paths = TestData.Paths.WithModels(empty) });
        var e = Assert.Throws<ModelConfigurationException>(() => analyzer.Analyze(new RgbImage(64, 64)));
        Assert.Contains("scripts/provision-models.sh", e.Message);
        Assert.Contains(empty, e.Message);
    }

    [Fact]
    public void ModelStore_ChecksumMismatch_IsReported()
    {
        var dir = TestData.TempDirectory();
        File.Copy(Path.Combine(TestData.ModelsRoot, "fr_eye.json"), Path.Combine(dir, "fr_eye.json"));
        File.WriteAllBytes(Path.Combine(dir, "fr_eye.onnx"), [1, 2, 3]);
        var e = Assert.Throws<ModelConfigurationException>(() => new ModelStore(dir).Get("fr_eye", verifyChecksum: true));
        Assert.Contains("SHA-256", e.Message);
    }

    [Fact]
    public void UserManifest_WrongInputName_ClearError()
    {
        var manifest = new ModelStore(TestData.ModelsRoot).Get("fr_eye");
        var e = Assert.Throws<ModelConfigurationException>(() => new OnnxModel(manifest with { Input = manifest.Input with { Name = "pixels" } }));
        Assert.Contains("no input named 'pixels'", e.Message);
        Assert.Contains("input", e.Message);
    }

    [Fact]
    public void UserManifest_WrongInputSize_ClearError()
    {
        var manifest = new ModelStore(TestData.ModelsRoot).Get("fr_feature");
        var e = Assert.Throws<ModelConfigurationException>(() => new OnnxModel(manifest with { Input = manifest.Input with { Width = 96 } }));
        Assert.Contains("[1,3,112,96]", e.Message);
    }

    [Fact]
    public void UserManifestPath_LoadsAnEmbedderFromAnotherFolder()
    {
        // A user's own ArcFace-style model is a manifest JSON next to its .onnx, passed by path.
        var dir = TestData.TempDirectory();
        File.Copy(Path.Combine(TestData.ModelsRoot, "fr_feature.onnx"), Path.Combine(dir, "my_arcface.onnx"));
        var json = File.ReadAllText(Path.Combine(TestData.ModelsRoot, "fr_feature.json")).Replace("fr_feature.onnx", "my_arcface.onnx", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir, "my_arcface.json"), json);
        using var analyzer = new FaceAnalyzer(new FaceAnalyzerOptions { Embedder = Path.Combine(dir, "my_arcface.json"), Parts = FaceParts.Embedding });
        var e = analyzer.Analyze(ImageDecoder.Decode(TestData.File("skimage/astronaut.png")))[0].Embedding!;
        Assert.Equal(512, e.Dimensions);
    }
}

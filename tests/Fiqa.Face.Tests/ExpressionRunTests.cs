using Fiqa.Face.Onnx;
using Fiqa.Imaging;
using Fiqa.Onnx;
using Fiqa.Tests;

namespace Fiqa.Face.Tests;

/// <summary>The cheaper ways of running the expression network that docs/speed.md measures against the reference run.</summary>
public class ExpressionRunTests(FaceModelsFixture models) : IClassFixture<FaceModelsFixture>
{
    [Fact]
    public void SmallerInput_RedeclaredGraph_RunsAndStaysAProbability_AndTheDefaultIsTheInt8FaceWithoutMirror()
    {
        var fa = models.Primary;
        var image = ImageDecoder.Decode(TestData.File("skimage/astronaut.png"));
        var face = Assert.Single(fa.Analyze(image));
        long before = fa.Registry.Runs(fa.Options.Expression);
        var byDefault = fa.Expression.Classify(image, face.Detection.Box, face.Landmarks);
        Assert.Equal(1, fa.Registry.Runs(fa.Options.Expression) - before); // the face alone
        var unmirrored = new OnnxExpressionClassifier(fa.Registry, fa.Options.Expression, ExpressionRunOptions.Reference with { Mirror = false, Precision = ModelPrecision.Int8 })
            .Classify(image, face.Detection.Box, face.Landmarks);
        Assert.Equal(byDefault["happy"], unmirrored["happy"]);
        before = fa.Registry.Runs(fa.Options.Expression);
        var reference = new OnnxExpressionClassifier(fa.Registry, fa.Options.Expression, ExpressionRunOptions.Reference)
            .Classify(image, face.Detection.Box, face.Landmarks);
        Assert.Equal(2, fa.Registry.Runs(fa.Options.Expression) - before); // face and mirror

        long runs = fa.Registry.Runs(fa.Options.Expression);
        var small = new OnnxExpressionClassifier(fa.Registry, fa.Options.Expression, new ExpressionRunOptions { InputSize = 160, Mirror = false, Precision = ModelPrecision.Float })
            .Classify(image, face.Detection.Box, face.Landmarks);
        Assert.Equal(1, fa.Registry.Runs(fa.Options.Expression) - runs); // one pass, no mirror
        Assert.Equal(reference.Keys.Order(), small.Keys.Order());
        Assert.InRange(small.Values.Sum(), 0.999, 1.001);
        // The smiling astronaut (manifest: happy 1.00) stays happy at 160 px.
        Assert.Equal("happy", small.MaxBy(kv => kv.Value).Key);
    }

    [Fact]
    public void WithInputShape_UnknownInput_IsNamed()
    {
        var bytes = File.ReadAllBytes(Path.Combine(FiqaPaths.Resolve().Models, "fr_eye.onnx"));
        var e = Assert.Throws<Fiqa.Onnx.ModelConfigurationException>(() => OnnxGraph.WithInputShape(bytes, "no_such_input", [1, 3, 32, 32]));
        Assert.Contains("no_such_input", e.Message);
    }

    [Fact]
    public void Batched_FaceAndMirrorAsOneBatch_SameProbabilitiesAsTwoRuns_OneSessionRun()
    {
        var fa = models.Primary;
        var separate = new OnnxExpressionClassifier(fa.Registry, fa.Options.Expression, ExpressionRunOptions.Reference with { Batched = false });
        var batched = new OnnxExpressionClassifier(fa.Registry, fa.Options.Expression, ExpressionRunOptions.Reference with { Batched = true });
        int faces = 0;
        // Every face of the installed photos: a smiling, a laughing and a neutral face, and a group photo's faces.
        foreach (var file in new[] { "skimage/astronaut.png", "face-api/sample1.jpg", "franck/franck_04000.jpg", "franck/franck_01829.jpg", "dlib/faces/2008_002506.jpg", "dlib/faces/2009_004587.jpg" })
        {
            var image = ImageDecoder.Decode(TestData.File(file));
            foreach (var face in models.AllFaces.Analyze(image))
            {
                var two = separate.Classify(image, face.Detection.Box, face.Landmarks);
                long runs = fa.Registry.Runs(fa.Options.Expression);
                var one = batched.Classify(image, face.Detection.Box, face.Landmarks);
                Assert.Equal(1, fa.Registry.Runs(fa.Options.Expression) - runs);
                foreach (var (name, p) in two)
                    Assert.True(Math.Abs(p - one[name]) <= 1e-5, $"{file}: P({name}) two runs {p:F7}, one batch {one[name]:F7}");
                faces++;
            }
        }
        Assert.True(faces >= 8, $"{faces} faces compared");
    }
}

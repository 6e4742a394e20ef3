using Fiqa.Face.Onnx;
using Fiqa.Imaging;
using Fiqa.Onnx;
using Fiqa.Tests;

namespace Fiqa.Face.Tests;

/// <summary>The QDQ quantiser and the int8 expression network (docs/speed.md, "int8 quantisation").</summary>
public class Int8QuantizationTests(FaceModelsFixture models) : IClassFixture<FaceModelsFixture>
{
    [Fact]
    public void QdqQuantized_ShippedExpressionCalibration_SameBytesTwiceWithInt8Weights()
    {
        var manifest = models.Primary.Registry.Manifest("fr_expression");
        var calibration = Int8Calibration.For(manifest);
        var bytes = File.ReadAllBytes(manifest.ModelPath);
        var first = calibration.Quantize(bytes);
        var second = calibration.Quantize(File.ReadAllBytes(manifest.ModelPath));
        Assert.Equal(first, second);
        // Every Conv whose activations are not kept float reads an int8 weight through DequantizeLinear.
        var nodes = OnnxGraph.Nodes(first);
        int convs = nodes.Count(n => n.OpType == "Conv");
        int quantisedConvs = nodes.Count(n => n.OpType == "Conv" && n.Inputs[1].StartsWith("fiqa_qdq/", StringComparison.Ordinal));
        Assert.Equal(120, convs);
        Assert.InRange(quantisedConvs, 30, 120); // the calibration keeps the most sensitive layers float
        Assert.True(first.Length < bytes.Length * 0.9, $"int8 graph {first.Length} bytes, float {bytes.Length}: the quantised weights should shrink 4×");
    }

    [Fact]
    public void Int8Expression_HeldOutFaces_FollowsTheFloatNetwork()
    {
        // Installed photos the calibration never saw (it reads data/dlib only). The shipped graph keeps float only the
        // layers whose quantisation moves what ExpressionNeutrality reports (Fiqa.Quality's test holds that within 0.03);
        // the network's own P(neutral) moves more: at most 0.28 on 318 held-out faces and 0.062 on these five (sample1,
        // 0.138 → 0.076; docs/speed.md), each keeping its most probable class. A layer quantised with too coarse a range
        // moved it by 0.35; a broken graph moves it further.
        var fa = models.Primary;
        var int8 = new OnnxExpressionClassifier(fa.Registry, fa.Options.Expression, new ExpressionRunOptions { Precision = ModelPrecision.Int8 });
        var reference = new OnnxExpressionClassifier(fa.Registry, fa.Options.Expression, new ExpressionRunOptions { Precision = ModelPrecision.Float });
        foreach (var file in new[] { "skimage/astronaut.png", "face-api/sample1.jpg", "face-api/sample3.jpg", "franck/franck_04000.jpg", "franck/franck_01829.jpg" })
        {
            var image = ImageDecoder.Decode(TestData.File(file));
            var face = fa.Analyze(image)[0];
            var f = reference.Classify(image, face.Detection.Box, face.Landmarks);
            var q = int8.Classify(image, face.Detection.Box, face.Landmarks);
            Assert.InRange(q.Values.Sum(), 0.999, 1.001);
            Assert.True(Math.Abs(f["neutral"] - q["neutral"]) <= 0.1, $"{file}: P(neutral) float {f["neutral"]:F4}, int8 {q["neutral"]:F4}");
            Assert.Equal(f.MaxBy(kv => kv.Value).Key, q.MaxBy(kv => kv.Value).Key);
        }
    }

    [Fact]
    public void QdqQuantized_SmallConvGraph_RunsAsInt8WithinOneQuantumOfFloat()
    {
        // Conv 3→4 channels, 3×3, then ReLU, written at opset 9 like the installed models: the quantiser raises the
        // opset to 10 and the runtime fuses the pairs into QLinearConv.
        var weights = new float[4 * 3 * 3 * 3];
        for (int i = 0; i < weights.Length; i++) weights[i] = MathF.Sin(i * 0.7f) * 0.5f;
        float[] bias = [0.1f, -0.2f, 0.05f, 0f];
        var model = OnnxGraph.NewModel(9, "input", [1, 3, 8, 8],
        [
            new OnnxGraph.NewNode("Conv", ["input", "w", "b"], ["conv"]) { IntLists = new Dictionary<string, long[]> { ["pads"] = [1, 1, 1, 1] } },
            new OnnxGraph.NewNode("Relu", ["conv"], ["output"]),
        ], [new OnnxGraph.NewInitializer("w", [4, 3, 3, 3], weights), new OnnxGraph.NewInitializer("b", [4], bias)], ["output"]);
        Assert.Equal(["input", "output"], OnnxGraph.QdqCalibrationTensors(model));
        var input = new float[3 * 8 * 8];
        for (int i = 0; i < input.Length; i++) input[i] = MathF.Cos(i * 0.37f) * 2f;
        var manifest = new ModelManifest { Name = "conv", ModelPath = "conv.onnx", Input = new InputSpec { Width = 8, Height = 8 }, Outputs = ["output"] };
        using var plain = new OnnxModel(manifest, new OnnxSessionOptions { OptimizedModelCacheFolder = null }, modelBytes: model);
        var expected = plain.Run(input)[0];
        var ranges = new Dictionary<string, ActivationRange> { ["input"] = new(-2, 2), ["output"] = new(0, expected.Max()) };
        var quantised = OnnxGraph.QdqQuantized(model, ranges, new QdqOptions { WeightBits = 8 });
        using var int8 = new OnnxModel(manifest, new OnnxSessionOptions { OptimizedModelCacheFolder = null }, modelBytes: quantised);
        var actual = int8.Run(input)[0];
        // Output quantum (max/255) plus the input's rounding (±step/2 per tap, 27 taps, weights ≤ 0.5) bounds the error.
        double tolerance = expected.Max() / 255 + 27 * 0.5 * (4.0 / 255) / 2;
        for (int i = 0; i < expected.Length; i++) Assert.InRange(actual[i], expected[i] - tolerance, expected[i] + tolerance);
        Assert.NotEqual(expected, actual); // it did run quantised
    }

    [Fact]
    public void Int8Calibration_OtherModelFile_IsRefusedNamingTheCommand()
    {
        var manifest = models.Primary.Registry.Manifest("fr_expression");
        var e = Assert.Throws<ModelConfigurationException>(() => Int8Calibration.For(manifest with { Sha256 = new string('0', 64) }));
        Assert.Contains("fiqa calibrate int8", e.Message);
        Assert.Contains(manifest.Sha256!, e.Message);
        var eye = models.Primary.Registry.Manifest("fr_eye");
        var none = Assert.Throws<ModelConfigurationException>(() => Int8Calibration.For(eye));
        Assert.Contains("no int8 calibration", none.Message);
    }
}

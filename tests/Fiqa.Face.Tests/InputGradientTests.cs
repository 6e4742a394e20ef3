using Fiqa.Face.Onnx;
using Fiqa.Imaging;
using Fiqa.Onnx;
using Fiqa.Tests;
using Xunit.Abstractions;
using static Fiqa.Onnx.OnnxGraph;

namespace Fiqa.Face.Tests;

/// <summary>The input-gradient graphs the editor builds, checked against central finite differences of the plain model
/// (directional derivatives along dense and sparse random directions, in double from float32 outputs).</summary>
public class InputGradientTests(FaceModelsFixture models, ITestOutputHelper output) : IClassFixture<FaceModelsFixture>
{
    private float[] AlignedTensor(string file)
    {
        var faces = models.Primary.Analyze(ImageDecoder.Decode(TestData.File(file)));
        Assert.True(faces.Count == 1, $"{file}: no face");
        return InputTensor.FromImage(faces[0].Aligned!.Image, models.Primary.Registry.Manifest("fr_feature").Input);
    }

    private static double Cosine(float[] a, float[] b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++) { ab += (double)a[i] * b[i]; aa += (double)a[i] * a[i]; bb += (double)b[i] * b[i]; }
        return ab / Math.Sqrt(aa * bb);
    }

    // The gradient itself on a random sample of `percent` % of the input elements (0 elsewhere), scaled to a largest
    // element of 1: along it the directional derivative is as large as it gets, so float32 rounding in the model's
    // outputs stays far below the signal, and the sample checks the gradient's elements, not just its overall direction.
    private static float[] Direction(float[] gradient, int seed, int percent)
    {
        var rng = new Random(seed);
        var v = new float[gradient.Length];
        for (int i = 0; i < v.Length; i++) if (rng.Next(100) < percent) v[i] = gradient[i];
        float max = System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(v);
        System.Numerics.Tensors.TensorPrimitives.Divide(v, max, v);
        return v;
    }

    private static float[] Step(float[] x, float[] v, double h)
    {
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = (float)(x[i] + h * v[i]);
        return y;
    }

    [Theory]
    // The embedder is piecewise linear (Conv, PRelu, Add), so central differences err by the PRelu kinks a step
    // crosses: the error falls with h (1.8e-3 at h = 5e-4, 4.7e-4 at 3e-5 along the whole gradient), down to float32
    // rounding. Steps in input-tensor units (1/128 of a grey level is 7.8e-3).
    [InlineData(100, 0.00003)]
    [InlineData(5, 0.002)]
    public void CosineGradient_RealFace_MatchesCentralDifferences(int percent, double h)
    {
        var registry = models.Primary.Registry;
        var gradient = new EmbedderCosineGradient(registry, "fr_feature");
        var plain = registry.Open("fr_feature");
        var x = AlignedTensor("dlib/johns/John_Simm/000310_00470511.jpg");
        // The reference is another photo of the same man, so the loss is away from its minimum (0 at e(x) itself).
        var reference = plain.Run(AlignedTensor("dlib/johns/John_Simm/000300_00470148.jpg"))[0];
        var pass = gradient.Run(x, reference);
        for (int seed = 1; seed <= 3; seed++)
        {
            var v = Direction(pass.InputGradient, seed, percent);
            double analytic = 0;
            for (int i = 0; i < x.Length; i++) analytic += (double)pass.InputGradient[i] * v[i];
            double lossPlus = 1 - Cosine(plain.Run(Step(x, v, h))[0], reference);
            double lossMinus = 1 - Cosine(plain.Run(Step(x, v, -h))[0], reference);
            double numeric = (lossPlus - lossMinus) / (2 * h);
            double relative = Math.Abs(analytic - numeric) / Math.Abs(numeric);
            output.WriteLine($"sample {percent} % h {h} seed {seed}: analytic {analytic:E6} numeric {numeric:E6} relative error {relative:E2}");
            Assert.True(relative <= 1e-3, $"relative error {relative:E2} > 1e-3");
        }
    }

    [Fact]
    public void CosineGradientGraph_Forward_EqualsPlainModel()
    {
        var registry = models.Primary.Registry;
        var gradient = new EmbedderCosineGradient(registry, "fr_feature");
        var x = AlignedTensor("dlib/johns/John_Salley/000189_02159361.jpg");
        var plain = registry.Open("fr_feature").Run(x)[0];
        var pass = gradient.Run(x, plain);
        Assert.Equal(plain.Length, pass.RawEmbedding.Length);
        double worst = 0;
        for (int i = 0; i < plain.Length; i++) worst = Math.Max(worst, Math.Abs(plain[i] - pass.RawEmbedding[i]) / (1e-3 + Math.Abs(plain[i])));
        Assert.True(worst <= 1e-5, $"embedding differs by {worst:E2}");
        Assert.Equal(1.0, pass.Cosine, 5);
    }

    [Fact]
    public void CosineGradient_DerivedModel_WrittenWithItsSha256()
    {
        var dir = TestData.TempDirectory();
        using var registry = new SessionRegistry(ModelStore.For(TestData.Paths));
        var gradient = new EmbedderCosineGradient(registry, "fr_feature", dir);
        Assert.NotNull(gradient.DerivedPath);
        var recorded = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(gradient.DerivedPath, ".json"))).RootElement;
        var actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(gradient.DerivedPath)));
        Assert.Equal(actual, recorded.GetProperty("derived_sha256").GetString());
        Assert.Equal(gradient.DerivedSha256, actual);
        Assert.Equal(registry.Manifest("fr_feature").Sha256, recorded.GetProperty("source_sha256").GetString());
    }

    // A small graph written by the editor with the operators the installed embedder lacks: a strided Conv,
    // BatchNormalization, Relu, a depthwise Conv, LeakyRelu, a residual Add, Mul by a constant, GlobalAveragePool,
    // Flatten, Gemm (both transB), Sigmoid.
    private static byte[] SmallNetwork(string? extraOperator = null)
    {
        var rng = new Random(7);
        float[] R(int n, double scale) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)((rng.NextDouble() * 2 - 1) * scale); return a; }
        float[] P(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)(0.5 + rng.NextDouble()); return a; }
        var inits = new List<NewInitializer>
        {
            new("w1", [4, 3, 3, 3], R(108, 0.5)), new("b1", [4], R(4, 0.1)),
            new("bn_s", [4], P(4)), new("bn_b", [4], R(4, 0.2)), new("bn_m", [4], R(4, 0.2)), new("bn_v", [4], P(4)),
            new("wd", [4, 1, 3, 3], R(36, 0.5)), new("k", [1, 4, 1, 1], P(4)),
            new("g1", [6, 4], R(24, 0.8)), new("gb1", [6], R(6, 0.1)), new("g2", [6, 5], R(30, 0.8)), new("gb2", [5], R(5, 0.1)),
        };
        var nodes = new List<NewNode>
        {
            new("Conv", ["x", "w1", "b1"], ["c1"]) { IntLists = new Dictionary<string, long[]> { ["strides"] = [2, 2], ["pads"] = [1, 1, 1, 1], ["kernel_shape"] = [3, 3] } },
            new("BatchNormalization", ["c1", "bn_s", "bn_b", "bn_m", "bn_v"], ["bn"]),
            new("Relu", ["bn"], ["r"]),
            new("Conv", ["r", "wd"], ["dw"]) { IntLists = new Dictionary<string, long[]> { ["pads"] = [1, 1, 1, 1] }, IntValues = new Dictionary<string, long> { ["group"] = 4 } },
            new("LeakyRelu", ["dw"], ["lr"]) { FloatValues = new Dictionary<string, float> { ["alpha"] = 0.1f } },
            new("Add", ["lr", "r"], ["res"]),
            new("Mul", ["res", "k"], ["scaled"]),
            new("GlobalAveragePool", ["scaled"], ["gap"]),
            new("Flatten", ["gap"], ["flat"]),
            new("Gemm", ["flat", "g1", "gb1"], ["fc1"]) { IntValues = new Dictionary<string, long> { ["transB"] = 1 } },
            new("Sigmoid", ["fc1"], ["s"]),
            new("Gemm", ["s", "g2", "gb2"], [extraOperator is null ? "y" : "pre"]),
        };
        if (extraOperator is not null) nodes.Add(new(extraOperator, ["pre"], ["y"]));
        return NewModel(9, "x", [1, 3, 9, 9], nodes, inits, ["y"]);
    }

    private static SessionRegistry SmallNetworkRegistry(byte[] model)
    {
        var dir = TestData.TempDirectory();
        File.WriteAllBytes(Path.Combine(dir, "small.onnx"), model);
        File.WriteAllText(Path.Combine(dir, "small.json"),
            """{ "name": "small", "task": "embedder", "file": "small.onnx", "input": { "name": "x", "width": 9, "height": 9, "channels": "rgb", "mean": [0, 0, 0], "std": [1, 1, 1] }, "outputs": ["y"] }""");
        return new SessionRegistry(new ModelStore(dir), verifyChecksums: false);
    }

    [Fact]
    public void VectorJacobian_EditorWrittenNetwork_MatchesCentralDifferences()
    {
        using var registry = SmallNetworkRegistry(SmallNetwork());
        var plain = registry.Open("small");
        var withGradient = registry.Open("small", new SessionVariant("vjp", [], [InputGradientGraph.InputGradientOutput])
        {
            Derive = b => InputGradientGraph.VectorJacobian(b, "x", [1, 3, 9, 9], "y"),
        });
        var rng = new Random(3);
        var x = new float[243];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        float[] w = [0.3f, -1.2f, 0.8f, 0.5f, -0.4f];
        var outputs = withGradient.RunWith(x, [(InputGradientGraph.OutputGradientInput, w, [1, 5])]);
        var y = plain.Run(x)[0];
        for (int i = 0; i < y.Length; i++) Assert.Equal(y[i], outputs[0][i], 5);
        double Objective(float[] input) { var e = plain.Run(input)[0]; double s = 0; for (int i = 0; i < e.Length; i++) s += (double)w[i] * e[i]; return s; }
        for (int seed = 1; seed <= 3; seed++)
        {
            var v = Direction(outputs[1], seed, 50);
            double analytic = 0;
            for (int i = 0; i < x.Length; i++) analytic += (double)outputs[1][i] * v[i];
            const double h = 1e-3;
            double numeric = (Objective(Step(x, v, h)) - Objective(Step(x, v, -h))) / (2 * h);
            double relative = Math.Abs(analytic - numeric) / Math.Abs(numeric);
            output.WriteLine($"seed {seed}: analytic {analytic:E6} numeric {numeric:E6} relative error {relative:E2}");
            Assert.True(relative <= 1e-3, $"relative error {relative:E2} > 1e-3");
        }
    }

    [Fact]
    public void GradientBuilder_UnsupportedOperator_ErrorNamesIt()
    {
        var e = Assert.Throws<ModelConfigurationException>(() => InputGradientGraph.VectorJacobian(SmallNetwork("Tanh"), "x", [1, 3, 9, 9], "y"));
        Assert.Contains("Tanh", e.Message, StringComparison.Ordinal);
        Assert.Contains("no gradient rule", e.Message, StringComparison.Ordinal);
    }
}

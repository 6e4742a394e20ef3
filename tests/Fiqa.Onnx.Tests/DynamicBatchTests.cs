using Fiqa.Tests;

namespace Fiqa.Onnx.Tests;

/// <summary><see cref="OnnxGraph.WithDynamicBatch"/>: several images in one run where the graph allows it, a clear refusal
/// where it builds on a batch of 1 (docs/speed.md, "Batched inference").</summary>
public class DynamicBatchTests
{
    private static readonly OnnxSessionOptions NoCache = new() { OptimizedModelCacheFolder = null };

    [Fact]
    public void WithDynamicBatch_ExpressionGraph_EachImageOfABatchGetsItsOwnOutput()
    {
        var manifest = new ModelStore(TestData.ModelsRoot).Get("fr_expression");
        var bytes = OnnxGraph.WithDynamicBatch(File.ReadAllBytes(manifest.ModelPath), manifest.Input.Name);
        using var model = new OnnxModel(manifest, NoCache, modelBytes: bytes);
        Assert.True(model.BatchDynamic);
        var inputs = new float[3][];
        for (int k = 0; k < inputs.Length; k++)
        {
            inputs[k] = new float[model.InputLength];
            for (int i = 0; i < inputs[k].Length; i++) inputs[k][i] = MathF.Sin(i * 0.001f * (k + 1)) * 2;
        }
        var stacked = model.RunBatch(inputs);
        Assert.Equal(1, model.Runs);
        Assert.Equal(3, stacked.Length);
        for (int k = 0; k < inputs.Length; k++)
        {
            var alone = model.Run(inputs[k])[0];
            Assert.Equal(7, stacked[k][0].Length); // the seven expression logits
            for (int i = 0; i < alone.Length; i++) Assert.InRange(stacked[k][0][i], alone[i] - 1e-4f, alone[i] + 1e-4f);
        }
        Assert.NotEqual(stacked[0][0], stacked[1][0]); // not one image's output copied
    }

    [Fact]
    public void RunBatch_FileWithFixedBatch_IsRefused()
    {
        var manifest = new ModelStore(TestData.ModelsRoot).Get("fr_eye");
        using var model = new OnnxModel(manifest, NoCache);
        Assert.False(model.BatchDynamic);
        var input = new float[model.InputLength];
        var e = Assert.Throws<InvalidOperationException>(() => model.RunBatch([input, input]));
        Assert.Contains("batch dimension is fixed", e.Message);
    }

    [Theory]
    [InlineData("fr_feature", "Reshape node 'output' reshapes to the constant shape [1,-1]")]
    [InlineData("fr_pose", "reshapes to the constant shape [1,2,58,28,28]")]
    public void WithDynamicBatch_InstalledGraphThatReshapesToBatchOne_IsRefusedNamingTheNode(string model, string reason)
    {
        var manifest = new ModelStore(TestData.ModelsRoot).Get(model);
        var e = Assert.Throws<ModelConfigurationException>(() => OnnxGraph.WithDynamicBatch(File.ReadAllBytes(manifest.ModelPath), manifest.Input.Name));
        Assert.StartsWith("cannot make the batch dimension dynamic: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message);
    }

    [Theory]
    [InlineData("fr_detect")]
    [InlineData("fr_landmark")]
    [InlineData("fr_eye")]
    [InlineData("fr_liveness")]
    [InlineData("fr_expression")]
    public void BatchPinnedBy_InstalledGraphsWithoutABatchOfOneBuiltIn_FindsNothing(string model)
    {
        var manifest = new ModelStore(TestData.ModelsRoot).Get(model);
        Assert.Null(OnnxGraph.BatchPinnedBy(File.ReadAllBytes(manifest.ModelPath)));
    }

    [Fact]
    public void WithDynamicBatch_ReshapeConstants_LeadingOneRefusedLeadingMinusOneKept()
    {
        // GlobalAveragePool then Reshape to a constant: [1, 3] would fail or mix two images, [-1, 3] keeps them apart.
        static byte[] Pooled(long[] shape) => OnnxGraph.NewModel(9, "input", [1, 3, 8, 8],
        [
            new OnnxGraph.NewNode("GlobalAveragePool", ["input"], ["pooled"]),
            new OnnxGraph.NewNode("Reshape", ["pooled", "shape"], ["output"]),
        ], [new OnnxGraph.NewInitializer("shape", [2], Longs: shape)], ["output"]);
        var e = Assert.Throws<ModelConfigurationException>(() => OnnxGraph.WithDynamicBatch(Pooled([1, 3]), "input"));
        Assert.Contains("Reshape node 'output' reshapes to the constant shape [1,3]", e.Message);

        var kept = OnnxGraph.WithDynamicBatch(Pooled([-1, 3]), "input");
        var manifest = new ModelManifest { Name = "pooled", ModelPath = "pooled.onnx", Input = new InputSpec { Width = 8, Height = 8 }, Outputs = ["output"] };
        using var model = new OnnxModel(manifest, NoCache, modelBytes: kept);
        var a = Enumerable.Range(0, 3 * 64).Select(i => (float)(i / 64)).ToArray();        // channel means 0, 1, 2
        var b = Enumerable.Range(0, 3 * 64).Select(i => (float)(10 + i / 64)).ToArray();   // 10, 11, 12
        var both = model.RunBatch([a, b]);
        Assert.Equal([0f, 1f, 2f], both[0][0]);
        Assert.Equal([10f, 11f, 12f], both[1][0]);
    }
}

using Fiqa.Imaging;
using Fiqa.Onnx;
using Fiqa.Tests;
using Xunit.Abstractions;

namespace Fiqa.Face.Tests;

/// <summary>The pruned copies of the embedder that PreFIQs compares against (<see cref="OnnxGraph.WithPrunedWeights(byte[], double)"/>),
/// checked on the installed <c>fr_feature.onnx</c> by reading the weights back independently.</summary>
public class PruningTests(FaceModelsFixture models, ITestOutputHelper output) : IClassFixture<FaceModelsFixture>
{
    private static readonly byte[] Embedder = File.ReadAllBytes(Path.Combine(TestData.ModelsRoot, "fr_feature.onnx"));

    // The weights as the method defines them: input 1 of every Conv, Gemm and MatMul; every other initialiser any node reads.
    private static (List<string> Weights, List<string> Others) Initialisers(byte[] model)
    {
        var nodes = OnnxGraph.Nodes(model);
        var weights = nodes.Where(n => n.OpType is "Conv" or "Gemm" or "MatMul").Select(n => n.Inputs[1]).Distinct().ToList();
        var others = new List<string>();
        foreach (var name in nodes.SelectMany(n => n.Inputs).Distinct().Except(weights))
        {
            try
            {
                OnnxGraph.FloatInitializer(model, name);
                others.Add(name);
            }
            catch (ModelConfigurationException)
            {
                // an activation, a graph input or a non-float initialiser: not something pruning may touch either way
            }
        }
        return (weights, others);
    }

    private static (long Count, long Zero, float SmallestKept) Count(byte[] model, IEnumerable<string> names)
    {
        long count = 0, zero = 0;
        float smallest = float.MaxValue;
        foreach (var name in names)
            foreach (float w in OnnxGraph.FloatInitializer(model, name).Values)
            {
                count++;
                if (w == 0) zero++;
                else smallest = Math.Min(smallest, Math.Abs(w));
            }
        return (count, zero, smallest);
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.3)]
    [InlineData(0.4)]
    [InlineData(0.6)]
    public void WithPrunedWeights_Embedder_ZeroesTheRequestedFractionOfTheSmallestWeights(double rate)
    {
        var (weights, _) = Initialisers(Embedder);
        var before = Count(Embedder, weights);
        var pruned = OnnxGraph.WithPrunedWeights(Embedder, rate, out var summary);
        var after = Count(pruned, weights);
        output.WriteLine($"rate {rate}: {weights.Count} tensors, {after.Count:N0} weights, zero {before.Zero:N0} → {after.Zero:N0} ({(double)after.Zero / after.Count:P2}), threshold {summary.Threshold:G6}");

        Assert.Equal(Embedder.Length, pruned.Length);
        // The installed embedder: 1.19 M weights, ≈ 12 % of them already zero (below every rate tested here).
        Assert.InRange(after.Count, 1_150_000, 1_250_000);
        Assert.InRange((double)before.Zero / before.Count, 0.10, 0.14);
        Assert.InRange((double)after.Zero / after.Count, rate - 0.01, rate + 0.01);
        Assert.Equal((weights.Count, after.Count, before.Zero, after.Zero), (summary.Tensors, summary.Weights, summary.ZeroBefore, summary.ZeroAfter));
        // Global magnitude pruning: every weight kept is at least as large as every weight removed.
        Assert.True(after.SmallestKept >= summary.Threshold, $"kept |w| {after.SmallestKept:G6} below the threshold {summary.Threshold:G6}");
    }

    [Fact]
    public void WithPrunedWeights_OtherInitialisers_AreUntouched()
    {
        var pruned = OnnxGraph.WithPrunedWeights(Embedder, 0.5);
        var (weights, others) = Initialisers(Embedder);
        // Biases of the Conv/Gemm layers and the PReLU slopes (PReLU's input 1 is not a weight to prune).
        Assert.Contains(OnnxGraph.Nodes(Embedder), n => n.OpType == "PRelu" && others.Contains(n.Inputs[1]));
        foreach (var name in others)
            Assert.Equal(OnnxGraph.FloatInitializer(Embedder, name).Values, OnnxGraph.FloatInitializer(pruned, name).Values);
        // Nothing else in the file moves: the graph and every byte outside the weight values are the source's.
        Assert.Equal(OnnxGraph.Nodes(Embedder), OnnxGraph.Nodes(pruned), (a, b) => a.OpType == b.OpType && a.Inputs.SequenceEqual(b.Inputs) && a.Outputs.SequenceEqual(b.Outputs));
        Assert.NotEmpty(weights);
    }

    [Fact]
    public void WithPrunedWeights_SameInput_SameBytes_AndRateZeroIsTheFile()
    {
        Assert.Equal(OnnxGraph.WithPrunedWeights(Embedder, 0.35), OnnxGraph.WithPrunedWeights(Embedder, 0.35));
        Assert.Equal(Embedder, OnnxGraph.WithPrunedWeights(Embedder, 0));
        // Below the fraction already zero nothing changes either: those zeros are the smallest magnitudes.
        Assert.Equal(Embedder, OnnxGraph.WithPrunedWeights(Embedder, 0.1));
    }

    [Fact]
    public void WithPrunedWeights_BadRateOrNotAModel_IsAClearError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxGraph.WithPrunedWeights(Embedder, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxGraph.WithPrunedWeights(Embedder, double.NaN));
        var e = Assert.Throws<ModelConfigurationException>(() => OnnxGraph.WithPrunedWeights([0x0a, 0x02, 0x08, 0x01], 0.4));
        Assert.Contains("no graph", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrunedEmbedder_RealFace_MovesTheEmbeddingMoreAtHigherRates()
    {
        var registry = models.Primary.Registry;
        var faces = models.Primary.Analyze(ImageDecoder.Decode(TestData.File("dlib/johns/John_Simm/000310_00470511.jpg")));
        var input = InputTensor.FromImage(faces[0].Aligned!.Image, registry.Manifest("fr_feature").Input);
        var e = registry.Open("fr_feature").Run(input)[0];
        double Cosine(double rate)
        {
            var p = registry.Open("fr_feature", new SessionVariant($"test-pruned{rate}", [], []) { Derive = b => OnnxGraph.WithPrunedWeights(b, rate) }).Run(input)[0];
            return new FaceEmbedding(e).CosineSimilarity(new FaceEmbedding(p));
        }
        double c2 = Cosine(0.2), c4 = Cosine(0.4), c6 = Cosine(0.6);
        output.WriteLine($"cosine to the unpruned embedding: 0.2 {c2:F5}, 0.4 {c4:F5}, 0.6 {c6:F5}");
        // The model still runs pruned; the embedding drifts further the more is pruned.
        Assert.True(c2 > c4 && c4 > c6, $"{c2} {c4} {c6}");
        Assert.InRange(c2, 0.99, 1);
    }
}

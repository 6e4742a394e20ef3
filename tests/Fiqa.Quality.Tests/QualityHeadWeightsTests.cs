using Fiqa.Quality.Unified;
using Fiqa.Tests;

namespace Fiqa.Quality.Tests;

/// <summary>The head's weights as a public immutable value: the committed head files load into it and write back byte
/// for byte (the file format did not change), shapes are checked, and a rescale is a new value.</summary>
public class QualityHeadWeightsTests
{
    public static TheoryData<string> CommittedHeads => new()
    {
        Path.Combine(TestData.ModelsRoot, DistilledQuality.DefaultFileName),
        Path.Combine(TestData.RepoRoot, "heads", "lfw", "fiqa_quality_head.json"),
    };

    [Theory, MemberData(nameof(CommittedHeads))]
    public void CommittedHead_LoadThenSave_ReproducesTheFileByteForByte(string path)
    {
        var head = QualityHead.Load(path);
        var copy = Path.Combine(TestData.TempDirectory(), "head.json");
        head.Save(copy);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(copy));
        // Built again from its parts, the head is the same value and scores the same.
        var w = head.Weights;
        var parts = new QualityHeadWeights([.. w.InputMean], [.. w.InputScale], [.. w.W1], [.. w.B1], [.. w.W2], w.B2);
        var rebuilt = new QualityHead(parts, head.ObservedTensors, head.ExtraInputs) { SerFiq = head.SerFiq, EmbedderSha256 = head.EmbedderSha256 };
        Assert.Equal(head.Weights, rebuilt.Weights);
        var x = Inputs(head, seed: 1);
        Assert.Equal(head.Predict(x), rebuilt.Predict(x));
    }

    [Fact]
    public void WithOutputRange_MapsTheRangeOntoZeroToOne_AndLeavesTheHeadAsItWas()
    {
        var head = QualityHead.Load(Path.Combine(TestData.ModelsRoot, DistilledQuality.DefaultFileName));
        var before = head.Weights;
        var inputs = Enumerable.Range(1, 8).Select(seed => Inputs(head, seed)).ToList();
        var outputs = inputs.Select(x => (double)head.Predict(x)).ToList();
        double min = outputs.Min(), max = outputs.Max();
        var rescaled = head.WithWeights(head.Weights.WithOutputRange(min, max));
        // The rescale is folded into float32 weights: equal to the affine map within float rounding.
        for (int i = 0; i < inputs.Count; i++) Assert.Equal((outputs[i] - min) / (max - min), rescaled.Predict(inputs[i]), 1e-4);
        Assert.Same(before, head.Weights);
        Assert.Equal(head.Predict(inputs[0]), (float)outputs[0]);
        Assert.NotEqual(head.Weights, rescaled.Weights);
        Assert.Equal(head.Provenance.ToJsonString(), rescaled.Provenance.ToJsonString());
        Assert.Throws<ArgumentOutOfRangeException>(() => head.Weights.WithOutputRange(0.5, 0.5));
    }

    [Fact]
    public void Weights_WithMismatchedShapes_AreRefusedSayingWhich()
    {
        var zero = QualityHeadWeights.Zero(inputs: 3, hidden: 2);
        Assert.Equal((3, 2), (zero.InputSize, zero.HiddenSize));
        Assert.Contains("w1", Assert.Throws<ArgumentException>(() => new QualityHeadWeights(zero.InputMean, zero.InputScale, [1, 2, 3], zero.B1, zero.W2, 0)).Message);
        Assert.Contains("input_scale", Assert.Throws<ArgumentException>(() => new QualityHeadWeights(zero.InputMean, [1], zero.W1, zero.B1, zero.W2, 0)).Message);
        Assert.Contains("w2", Assert.Throws<ArgumentException>(() => new QualityHeadWeights(zero.InputMean, zero.InputScale, zero.W1, zero.B1, [1, 2, 3], 0)).Message);
        // A head's input names must account for the weights' input count.
        Assert.Contains("for 3 inputs", Assert.Throws<ArgumentException>(() => new QualityHead(zero, ["a", "b"])).Message);
        Assert.Equal(0f, new QualityHead(zero, ["a", "b", "c"]).Predict([1f, 2f, 3f]));
    }

    // Inputs about the head's own standardisation (mean ± 2 deviations), seeded: values the head was trained to read.
    private static float[] Inputs(QualityHead head, int seed)
    {
        var rng = new Random(seed);
        var w = head.Weights;
        return [.. Enumerable.Range(0, head.InputSize).Select(i => w.InputMean[i] + (float)((rng.NextDouble() * 4 - 2) / w.InputScale[i]))];
    }
}

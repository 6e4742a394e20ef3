using Fiqa.Tests;

namespace Fiqa.Onnx.Tests;

public class OptimizedModelCacheTests
{
    /// <summary>The first session saves the optimised graph, the second loads it with optimisation off; both give the
    /// same embedding, bit for bit, as a session with no cache. A damaged cache file is replaced, not fatal.</summary>
    [Fact]
    public void SecondSession_LoadsTheSavedGraph_SameOutputsBitForBit_DamagedFileIsReplaced()
    {
        var manifest = new ModelStore(TestData.ModelsRoot).Get("fr_feature");
        var folder = Path.Combine(TestData.TempDirectory(), "ort");
        var input = new float[3 * 112 * 112];
        var random = new Random(7);
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 2 - 1);

        float[] Embed(string? cache)
        {
            using var model = new OnnxModel(manifest, new OnnxSessionOptions { OptimizedModelCacheFolder = cache });
            return model.Run(input)[0];
        }

        var plain = Embed(null);
        var saving = Embed(folder);
        var saved = Assert.Single(Directory.GetFiles(folder));
        Assert.EndsWith(".ort.onnx", saved, StringComparison.Ordinal);
        var written = File.GetLastWriteTimeUtc(saved);
        var loading = Embed(folder);
        Assert.Equal(written, File.GetLastWriteTimeUtc(saved)); // read, not written again
        Assert.Equal(plain, saving);
        Assert.Equal(plain, loading);

        File.WriteAllBytes(saved, [1, 2, 3]);
        Assert.Equal(plain, Embed(folder));
        Assert.True(new FileInfo(saved).Length > 1000, "the damaged file was replaced by a fresh optimised graph");
        Assert.Single(Directory.GetFiles(folder)); // no temporary files left behind
    }

    /// <summary>A derived graph with a derivation key is written once: a second registry sharing the cache loads it
    /// without calling the rewrite, with the same outputs; another key derives again.</summary>
    [Fact]
    public void DerivedGraph_WithDerivationKey_RewrittenOncePerCache_SameOutputs()
    {
        var folder = Path.Combine(TestData.TempDirectory(), "ort");
        var input = new float[3 * 112 * 112];
        var random = new Random(11);
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 2 - 1);
        int rewrites = 0;
        float[] Embed(double rate)
        {
            using var registry = new SessionRegistry(new ModelStore(TestData.ModelsRoot), new OnnxSessionOptions { OptimizedModelCacheFolder = folder });
            // A real rewrite: PreFIQs' pruned copy of the embedder at this rate.
            var variant = new SessionVariant("test-pruned", [], [])
            {
                Derive = bytes => { Interlocked.Increment(ref rewrites); return OnnxGraph.WithPrunedWeights(bytes, rate); },
                DerivationKey = FormattableString.Invariant($"prune:{rate}"),
            };
            return registry.Open("fr_feature", variant).Run(input)[0];
        }

        var first = Embed(0.3);
        Assert.Equal(1, rewrites);
        var second = Embed(0.3);
        Assert.Equal(1, rewrites); // served from the cache
        Assert.Equal(first, second);
        var other = Embed(0.4);
        Assert.Equal(2, rewrites); // another key is another graph
        Assert.NotEqual(first, other);
        using var plain = new OnnxModel(new ModelStore(TestData.ModelsRoot).Get("fr_feature"), new OnnxSessionOptions { OptimizedModelCacheFolder = null });
        Assert.NotEqual(plain.Run(input)[0], first); // the cached graph is the pruned one, not the file
    }

    [Fact]
    public void Key_DependsOnTheModelBytes()
    {
        var a = OptimizedModelCache.PathFor("/c", new byte[32]);
        var b = OptimizedModelCache.PathFor("/c", Enumerable.Repeat((byte)1, 32).ToArray());
        Assert.NotEqual(a, b);
        Assert.Equal(a, OptimizedModelCache.PathFor("/c", new byte[32]));
    }
}

using Fiqa.Evaluation;
using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Quality.Unified;
using Fiqa.Tests;

namespace Fiqa.Training.Tests;

/// <summary>The pieces of LFW training that can be checked by hand: the leave-one-out reference teacher, the all-vs-all
/// EDC against the evaluator's own, and a head that reads the embedding.</summary>
public class LfwTrainingTests
{
    [Fact]
    public void LeaveOneOutReference_HandComputed()
    {
        // a: (1,0), (0.6,0.8), (0,1); b: one sample (no other photo: NaN).
        float[][] e = [[1, 0], [0.6f, 0.8f], [0, 1], [-1, 0]];
        var r = LfwQualityTraining.LeaveOneOutReference(e, ["a", "a", "a", "b"]);
        // Others of sample 0: (0.6, 1.8)/|·| → cos = 0.6/√3.6.
        Assert.Equal(0.6 / Math.Sqrt(3.6), r[0], 5);
        // Others of sample 1: (1, 1)/√2 → cos = 1.4/√2.
        Assert.Equal(1.4 / Math.Sqrt(2), r[1], 5);
        Assert.True(double.IsNaN(r[3]));
    }

    [Fact]
    public void AllVersusAll_EqualsTheEvaluatorOnEveryPair()
    {
        // 3 people × 4 seeded random unit vectors around a per-person direction, in one group.
        var rng = new Random(3);
        var samples = new List<LfwSample>();
        for (int p = 0; p < 3; p++)
        {
            var centre = Enumerable.Range(0, 8).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
            for (int k = 0; k < 4; k++)
            {
                var v = centre.Select(c => c + 0.6f * ((float)rng.NextDouble() - 0.5f)).ToArray();
                samples.Add(new LfwSample($"p{p}/p{p}_{k}", $"p{p}", 1, false, v, [0f], []) { Unit = new FaceEmbedding(v).Vector.ToArray() });
            }
        }
        var set = new LfwPassSet(samples, [], [], [], LfwProtocol.Load(LfwProtocolFiles.Write()));
        var quality = samples.Select(_ => rng.NextDouble()).ToArray();
        var result = LfwQualityTraining.AllVersusAll(set, _ => 0, [("q", quality)], [0.2, 0.3], fmr: 0.1);
        var comparisons = new List<Comparison>();
        for (int i = 0; i < samples.Count; i++)
            for (int j = i + 1; j < samples.Count; j++)
                comparisons.Add(new Comparison(samples[i].Id, samples[j].Id, System.Numerics.Tensors.TensorPrimitives.Dot(samples[i].Unit!, samples[j].Unit!), samples[i].Person == samples[j].Person));
        var table = new QualityTable(["q"], samples.Select((s, i) => (s.Id, i)).ToDictionary(x => x.Id, x => new[] { quality[x.i] }));
        var expected = QualityEvaluation.Evaluate(comparisons, table, new EvaluationOptions { TargetFmr = 0.1 });
        Assert.Equal(18, result.Mated);
        Assert.Equal(48, result.NonMated);
        Assert.Equal(expected.Threshold, result.Threshold, 6);
        Assert.Equal(expected.Methods[0].Curve.NormalizedPartialArea(0.3), result.Curves[0].Curve.NormalizedPartialArea(0.3), 9);
        Assert.Equal(expected.Methods[^1].Curve.NormalizedPartialArea(0.2), result.Curves[^1].Curve.NormalizedPartialArea(0.2), 9);
    }

    [Fact]
    public void Head_ReadingTheEmbedding_RoundTrips_AndTheEmbeddingMustComeLast()
    {
        var store = new Fiqa.Onnx.ModelStore(TestData.ModelsRoot);
        var embedder = store.Get("fr_feature");
        var tensors = Fiqa.Onnx.ActivationGraph.ActivationTensors(embedder).TakeLast(4).ToList();
        string[] extras = [QualityHead.EmbeddingNormInput, QualityHead.EmbeddingInput];
        var inputs = new HeadInputs(tensors, extras, embedder, new SerFiqOptions(), embeddingWidth: 512);
        using var analyzer = new FaceAnalyzer(new FaceAnalyzerOptions { Parts = FaceParts.Embedding, AlignedInput = true, EmbedderObservations = inputs.Observations });
        var files = Directory.GetFiles(TestData.File("dlib/johns"), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(12).ToList();
        var features = new List<float[]>();
        var passes = new List<EmbedderPass>();
        foreach (var f in files)
        {
            var img = ImageDecoder.Decode(f);
            foreach (var k in new[] { 0, 3 })
            {
                var pass = analyzer.Analyze(k == 0 ? img : Degradation.Apply(img, DegradationKind.Blur, k, 1))[0].Pass!;
                passes.Add(pass);
                features.Add(inputs.Features(pass));
            }
        }
        Assert.Equal(4 + 1 + 512, features[0].Length);
        // The embedding's values are the unit embedding's, after the one-value inputs.
        Assert.Equal(passes[0].Embedding.Vector.ToArray(), features[0][5..]);
        var target = features.Select((_, i) => i % 2 == 0 ? 1.0 : 0.0).ToArray();
        var head = QualityHeadTrainer.Train(features, [target], tensors, new QualityHeadTrainingOptions { Epochs = 5 }, embedderSha256: embedder.Sha256,
            extraInputs: extras, groups: files.SelectMany(f => new[] { f, f }).ToList());
        Assert.Equal(512, head.EmbeddingWidth);
        var path = Path.Combine(TestData.TempDirectory(), "head.json");
        head.Save(path);
        var loaded = QualityHead.Load(path);
        Assert.Equal(head.Predict(features[3]), loaded.Predict(features[3]));
        Assert.Equal(features[3], HeadInputs.For(loaded, embedder).Features(passes[3]));
        // Exported with its embedder (the embedding normalised inside the graph), it scores real faces as in process.
        var manifest = QualityHeadOnnx.Write(loaded, embedder, Path.Combine(TestData.TempDirectory(), "head.onnx"));
        using (var assessor = Quality.FaceQualityAssessor.Create(new Quality.AssessorOptions
        {
            Measures = [], UnifiedMethods = ["distilled", $"onnx:{manifest}"], DetectRotation = false, Methods = new Quality.QualityMethodOptions { QualityHead = path },
        }))
        {
            var scores = files.Take(6).SelectMany(f => assessor.Assess(f).Faces).Select(f => (f.UnifiedMethods["distilled"].RawOrNaN, f.UnifiedMethods[$"onnx:{manifest}"].RawOrNaN)).ToList();
            Assert.True(scores.Count >= 5, $"{scores.Count} faces");
            Assert.All(scores, x => Assert.True(Math.Abs(x.Item1 - x.Item2) <= 1e-5, $"in-process {x.Item1:R}, exported {x.Item2:R}"));
        }
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"log_embedding_norm\",\n    \"embedding\"", "\"embedding\",\n    \"log_embedding_norm\"", StringComparison.Ordinal));
        Assert.Contains("must come last", Assert.Throws<InvalidDataException>(() => QualityHead.Load(path)).Message);
    }

    /// <summary>The committed LFW head names what it was trained on: its split list is the protocol's (every person once,
    /// with fold, half and View 1 role) and its provenance holds the protocol files' SHA-256 and the canonical command.</summary>
    [Fact]
    public void CommittedLfwHead_SplitListAndProvenance_MatchTheProtocol()
    {
        var lfwRoot = TestData.Shared("datasets/lfw");
        var lfw = LfwProtocol.Load(lfwRoot);
        var folder = Path.Combine(TestData.RepoRoot, "heads", "lfw");
        Assert.Equal(LfwQualityTraining.SplitList(lfw), File.ReadAllText(Path.Combine(folder, "fiqa_quality_head.splits.tsv")));
        var lines = File.ReadAllLines(Path.Combine(folder, "fiqa_quality_head.splits.tsv")).Skip(1).Select(l => l.Split('\t')).ToList();
        Assert.Equal(5749, lines.Count);
        Assert.Equal(13233, lines.Sum(f => int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(lines, f => Assert.Equal(int.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture) <= 5 ? "A" : "B", f[3]));
        var head = QualityHead.Load(Path.Combine(folder, "fiqa_quality_head.json"));
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(lfwRoot, "people.txt"))));
        Assert.Equal(sha, (string?)head.Provenance["data"]!["people_txt_sha256"]);
        Assert.StartsWith("fiqa train-quality-lfw --lfw LFW --seed 1", (string?)head.Provenance["command"]);
        Assert.Equal(new Fiqa.Onnx.ModelStore(TestData.ModelsRoot).Get("fr_feature").Sha256, head.EmbedderSha256);
    }
}

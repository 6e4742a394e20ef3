using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Iqa;
using Fiqa.Iqa.Metrics;
using Fiqa.Onnx;

namespace Fiqa.Evaluation;

/// <summary>Options of <see cref="JndEvaluation"/>.</summary>
public sealed record JndEvaluationOptions
{
    /// <summary>The JND search's options (threshold, margin, unified drop, baseline).</summary>
    public JndOptions Jnd { get; init; } = new();
    /// <summary>JPEG and WebP quality ladders of the correlation study.</summary>
    public IReadOnlyList<int> Ladder { get; init; } = [90, 70, 50, 30, 20, 10, 5];
    /// <summary>Images processed in parallel (results do not depend on it).</summary>
    public int Threads { get; init; } = 1;
    /// <summary>The face pipeline (models).</summary>
    public FaceAnalyzerOptions Face { get; init; } = new();
}

/// <summary>One codec's JND figures over a dataset.</summary>
/// <param name="Codec">Codec name.</param>
/// <param name="Images">Images with a face.</param>
/// <param name="Found">Images for which a setting was found.</param>
/// <param name="MedianSaved">Median share of the baseline's bytes saved (0..1).</param>
/// <param name="TotalSaved">Share of the baseline's total bytes saved.</param>
/// <param name="MedianQuality">Median chosen quality setting.</param>
/// <param name="MatedPairs">Ordered mated pairs (compressed i, original j) whose originals matched at the threshold.</param>
/// <param name="LostMatches">Of those, pairs the compressed file no longer matches.</param>
public sealed record CodecSavings(string Codec, int Images, int Found, double MedianSaved, double TotalSaved, double MedianQuality, int MatedPairs, int LostMatches);

/// <summary>Spearman correlation of a distortion measure (oriented so larger = more distortion) with the drop in mated
/// similarity, over every (image, codec, quality) of the ladders.</summary>
public sealed record MetricCorrelation(string Metric, int Pairs, double Spearman);

/// <summary>What <see cref="JndEvaluation.Run"/> measured.</summary>
public sealed record JndEvaluationReport(int Samples, int Identities, IReadOnlyList<CodecSavings> Codecs, IReadOnlyList<MetricCorrelation> Correlations);

/// <summary>The JND study over an identity dataset: per codec, the bytes saved against the baseline and the mated matches
/// lost; and which distortion measure (deepwsd_fr, SSIM, MS-SSIM, PSNR) predicts the drop in mated similarity under
/// JPEG and WebP ladders. IQA metrics compare the 224×224 aligned crops (the embedder's template at twice its scale, so
/// MS-SSIM's five scales fit) of original and decoded file, both aligned with the original's landmarks; the
/// similarity is the pipeline's on the decoded file (detection included).</summary>
public static class JndEvaluation
{
    /// <summary>Runs the study; <paramref name="codecs"/> are searched in order, <paramref name="ladderCodecs"/> give the
    /// correlation study's distortions. <paramref name="log"/> gets unreadable files, the images without a usable face
    /// and each codec's count; <paramref name="progress"/> is called from worker threads after each item of each pass.</summary>
    public static JndEvaluationReport Run(IdentityDataset data, IReadOnlyList<IImageCodec> codecs, IReadOnlyList<IImageCodec> ladderCodecs,
        JndEvaluationOptions? options = null, TextWriter? log = null, Action<EvaluationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(codecs);
        ArgumentNullException.ThrowIfNull(ladderCodecs);
        options ??= new JndEvaluationOptions();
        options.Jnd.Validate();
        var samples = data.Samples;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Threads) };
        using var analyzer = new FaceAnalyzer(options.Face with { Parts = FaceParts.Embedding, AllFaces = false });
        var images = new RgbImage?[samples.Count];
        var faces = new FaceAnalysis?[samples.Count];
        int done = 0;
        Parallel.For(0, samples.Count, parallel, i =>
        {
            try
            {
                images[i] = ImageDecoder.Decode(samples[i].Path);
                var found = analyzer.Analyze(images[i]!);
                faces[i] = found.Count > 0 && found[0].Embedding is not null ? found[0] : null;
            }
            catch (ImageDecodeException e)
            {
                log?.WriteLine($"{samples[i].Path}: {e.Message}");
            }
            progress?.Invoke(new EvaluationProgress("faces", Interlocked.Increment(ref done), samples.Count));
        });
        // Named, so a user can look at them: they are left out of every codec and of the correlation study.
        var withoutFace = Enumerable.Range(0, samples.Count).Where(i => images[i] is not null && faces[i] is null).Select(i => samples[i].Path).ToList();
        if (withoutFace.Count > 0)
            log?.WriteLine($"{withoutFace.Count} of {samples.Count} images had no usable face and are left out: {string.Join(", ", withoutFace.Take(20))}"
                + (withoutFace.Count > 20 ? $", … and {withoutFace.Count - 20} more" : ""));
        int withFace = faces.Count(f => f is not null);
        var mates = Enumerable.Range(0, samples.Count)
            .Select(i => Enumerable.Range(0, samples.Count).Where(j => j != i && faces[j] is not null && samples[j].Identity == samples[i].Identity).ToArray())
            .ToArray();
        double t = options.Jnd.Threshold;

        var savings = new List<CodecSavings>();
        foreach (var codec in codecs)
        {
            using var jnd = new CompressionJnd(codec, options.Jnd, options.Face);
            var results = new JndResult?[samples.Count];
            var compressed = new FaceEmbedding?[samples.Count];
            done = 0;
            Parallel.For(0, samples.Count, parallel, i =>
            {
                if (faces[i] is null) return;
                results[i] = jnd.Find(images[i]!);
                if (results[i]!.Encoded is { } bytes) compressed[i] = jnd.Analyse(codec.Decode(bytes)).Embedding;
                progress?.Invoke(new EvaluationProgress(codec.Descriptor.Name, Interlocked.Increment(ref done), withFace));
            });
            int pairs = 0, lost = 0;
            for (int i = 0; i < samples.Count; i++)
            {
                if (results[i]?.Encoded is null) continue;
                foreach (int j in mates[i])
                {
                    if (faces[i]!.Embedding!.CosineSimilarity(faces[j]!.Embedding!) < t) continue;
                    pairs++;
                    if (compressed[i] is not { } c || c.CosineSimilarity(faces[j]!.Embedding!) < t) lost++;
                }
            }
            var ok = results.Where(r => r?.Encoded is not null).Select(r => r!).ToList();
            savings.Add(new CodecSavings(codec.Descriptor.Name, faces.Count(f => f is not null), ok.Count,
                ok.Count == 0 ? double.NaN : RankStatistics.Median(ok.Select(r => r.SavedVersusBaseline!.Value)),
                ok.Count == 0 ? double.NaN : 1 - (double)ok.Sum(r => (long)r.Encoded!.Length) / ok.Sum(r => (long)r.BaselineBytes),
                ok.Count == 0 ? double.NaN : RankStatistics.Median(ok.Select(r => (double)r.Quality!.Value)), pairs, lost));
            log?.WriteLine($"{codec.Descriptor.Name}: {ok.Count} of {withFace} images");
        }

        var correlations = Correlate(samples, images, faces, mates, ladderCodecs, options, analyzer, parallel, progress);
        return new JndEvaluationReport(samples.Count, samples.Select(s => s.Identity).Distinct().Count(), savings, correlations);
    }

    private static List<MetricCorrelation> Correlate(IReadOnlyList<DatasetSample> samples, RgbImage?[] images, FaceAnalysis?[] faces, int[][] mates,
        IReadOnlyList<IImageCodec> ladderCodecs, JndEvaluationOptions options, FaceAnalyzer analyzer, ParallelOptions parallel, Action<EvaluationProgress>? progress)
    {
        var spec = new AlignmentSpec
        {
            Width = 224,
            Height = 224,
            Template = AlignmentSpec.ArcFaceTemplate.Select(p => new[] { 2 * p[0], 2 * p[1] }).ToArray(),
        };
        var aligner = new SimilarityAligner(spec);
        using var deepwsd = new DeepWsdFr(new DeepWsdFrOptions { Embedder = options.Face.Embedder }, analyzer.Registry);
        IIqaMetric[] metrics = [deepwsd, new Ssim(), new MsSsim(), new Psnr()];
        var jobs = (from i in Enumerable.Range(0, samples.Count)
                    where faces[i] is not null && mates[i].Length > 0
                    from c in ladderCodecs
                    from q in options.Ladder
                    select (Sample: i, Codec: c, Quality: Math.Clamp(q, c.Descriptor.MinQuality, c.Descriptor.MaxQuality))).ToArray();
        var drops = new double[jobs.Length];
        var scores = new double[metrics.Length][];
        for (int m = 0; m < metrics.Length; m++) scores[m] = new double[jobs.Length];
        int done = 0;
        Parallel.For(0, jobs.Length, parallel, k =>
        {
            var (i, codec, quality) = jobs[k];
            var original = images[i]!;
            var decoded = codec.Decode(codec.Encode(original, quality));
            var found = analyzer.Analyze(decoded);
            var e = found.Count > 0 ? found[0].Embedding : null;
            double drop = 0;
            foreach (int j in mates[i])
            {
                var mate = faces[j]!.Embedding!;
                // A file in which no face is found matches nothing: its similarity counts as 0.
                drop += faces[i]!.Embedding!.CosineSimilarity(mate) - (e?.CosineSimilarity(mate) ?? 0);
            }
            drops[k] = drop / mates[i].Length;
            var five = faces[i]!.Landmarks!.FivePoints();
            var reference = aligner.Align(original, five).Image;
            var distorted = aligner.Align(decoded, five).Image;
            for (int m = 0; m < metrics.Length; m++)
            {
                double s = metrics[m].Score(distorted, reference);
                scores[m][k] = metrics[m].Descriptor.LowerIsBetter ? s : -s;
            }
            progress?.Invoke(new EvaluationProgress("ladder", Interlocked.Increment(ref done), jobs.Length));
        });
        return metrics.Select((m, idx) => new MetricCorrelation(m.Descriptor.Name, jobs.Length, RankStatistics.Spearman(scores[idx], drops))).ToList();
    }
}

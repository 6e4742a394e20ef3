using System.Numerics;
using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Evaluation;

/// <summary>Options of <see cref="JitterStability"/>: how far the detector's output is moved (uniformly, seeded per image).</summary>
public sealed record JitterOptions
{
    /// <summary>Jittered copies per face.</summary>
    public int Draws { get; init; } = 4;
    /// <summary>Box jitter as a share of the box size: each edge's centre shift and the scale move by up to this (±5 %).</summary>
    public double BoxFraction { get; init; } = 0.05;
    /// <summary>Landmark jitter in pixels: each of the five alignment points moves by up to this in x and y (±2 px).</summary>
    public double LandmarkPixels { get; init; } = 2;
    /// <summary>Seed of the draws (with the image's content hash, so an image gets the same draws in any set).</summary>
    public int Seed { get; init; } = 1;
}

/// <summary>One method's stability under detector variability.</summary>
/// <param name="Method">Unified method name.</param>
/// <param name="Spearman">Spearman between each face's score as detected and its score after each jitter draw (all faces × draws pooled).</param>
/// <param name="RelativeSpread">Median over faces of the standard deviation of the face's scores (as detected and every
/// draw), divided by the standard deviation of the as-detected scores across faces: 0 = unmoved, 1 = as much as the
/// score differs between faces.</param>
/// <param name="Faces">Faces scored.</param>
public sealed record JitterResult(string Method, double Spearman, double RelativeSpread, int Faces);

/// <summary>Detector variability (an open problem in FIQA surveys): every image's face is scored as detected and after
/// jittering what the detector and landmarker hand the recogniser — the box moved and scaled by up to ±<see
/// cref="JitterOptions.BoxFraction"/> before the landmarks are found in it, then each of the five alignment points moved
/// by up to ±<see cref="JitterOptions.LandmarkPixels"/> px — so the aligned crop and the embedder pass change as they
/// would with another detector.</summary>
public static class JitterStability
{
    /// <summary>Scores <paramref name="files"/> with the blind <paramref name="methods"/>; images without a face are skipped.</summary>
    public static IReadOnlyList<JitterResult> Evaluate(IReadOnlyList<string> files, IReadOnlyList<string> methods, AssessorOptions assessor,
        JitterOptions options, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(assessor);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Draws < 1) throw new ArgumentException("at least one jitter draw");
        var names = methods.Select(UnifiedCatalogue.Normalise).Distinct().ToList();
        using var a = FaceQualityAssessor.Create(assessor with
        {
            Measures = [], Profile = null, UnifiedMethods = names,
            Face = assessor.Face with { Parts = FaceParts.Embedding, AllFaces = false },
        });
        a.Warm();
        var settings = new QualitySettings { Registry = a.Registry, EmbedderModel = assessor.Face.Embedder, Methods = assessor.Methods };
        var scorers = names.Select(n => UnifiedCatalogue.CreateBlind(n, settings)).ToList();
        var analyzer = a.Analyzer;
        // scores[file][method][0 = as detected, 1.. = draws]; null: no face.
        var scores = new double[files.Count][][];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            RgbImage image;
            try
            {
                image = ImageDecoder.Decode(files[i], assessor.Decode);
            }
            catch (ImageDecodeException)
            {
                return;
            }
            var faces = analyzer.DetectAll(image);
            if (faces.Count == 0) return;
            var rng = Draws(FeatureCache.ContentHash(files[i]), options);
            var perMethod = names.Select(_ => new double[options.Draws + 1]).ToArray();
            for (int d = 0; d <= options.Draws; d++)
            {
                var (primary, box) = Draw(analyzer, image, faces[0].Box, options, d > 0 ? rng : null);
                var detections = faces.ToArray();
                detections[0] = new FaceDetection(box, faces[0].Score);
                var context = new FaceContext(analyzer, image, detections, 0, primary: primary);
                for (int m = 0; m < scorers.Count; m++) perMethod[m][d] = scorers[m].Score(context).RawOrNaN;
            }
            scores[i] = perMethod;
        });
        var scored = scores.Where(s => s is not null).ToList();
        var results = new List<JitterResult>();
        for (int m = 0; m < names.Count; m++)
        {
            var detected = new List<double>();
            var jittered = new List<double>();
            var spreads = new List<double>();
            foreach (var s in scored)
            {
                var v = s[m];
                for (int d = 1; d < v.Length; d++) { detected.Add(v[0]); jittered.Add(v[d]); }
                spreads.Add(StandardDeviation(v));
            }
            double across = StandardDeviation(scored.Select(s => s[m][0]).ToArray());
            double spread = spreads.Count == 0 ? double.NaN : ErrorVersusDiscard.Quantile(spreads, 0.5) / (across > 0 ? across : double.NaN);
            results.Add(new JitterResult(names[m], detected.Count < 3 ? double.NaN : RankStatistics.Spearman(detected, jittered), spread, scored.Count));
        }
        return results;
    }

    /// <summary>The results as a Markdown table, most stable (highest Spearman) first.</summary>
    public static string Markdown(IReadOnlyList<JitterResult> rows, JitterOptions options)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        var sb = new System.Text.StringBuilder();
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        sb.AppendLine(ci, $"Detector jitter: box ±{options.BoxFraction:P0}, landmarks ±{options.LandmarkPixels:G} px, {options.Draws} draws per face, seed {options.Seed}");
        sb.AppendLine();
        sb.AppendLine("| method | Spearman (as detected vs jittered) | spread per face ÷ spread across faces (median) | faces |");
        sb.AppendLine("|---|---:|---:|---:|");
        foreach (var r in rows.OrderByDescending(r => double.IsNaN(r.Spearman) ? double.NegativeInfinity : r.Spearman))
            sb.AppendLine(ci, $"| {r.Method} | {r.Spearman:F3} | {r.RelativeSpread:F3} | {r.Faces} |");
        return sb.ToString();
    }

    /// <summary>The generator of an image's draws, seeded by its content hash (not its position or a per-process hash),
    /// so the draws repeat across runs and sets.</summary>
    public static Random Draws(string contentHash, JitterOptions options)
    {
        ArgumentNullException.ThrowIfNull(contentHash);
        ArgumentNullException.ThrowIfNull(options);
        uint content = Convert.ToUInt32(contentHash[..8], 16);
        return new Random((int)((content ^ unchecked((uint)options.Seed * 2654435761u)) & 0x7fffffff));
    }

    /// <summary>The face found in <paramref name="detected"/> after one draw from <paramref name="rng"/> (null: as
    /// detected): landmarks in the moved box, the five points moved, the aligned crop and its embedder pass.</summary>
    public static (PrimaryFace Primary, FaceBox Box) Draw(FaceAnalyzer analyzer, RgbImage image, FaceBox detected, JitterOptions options, Random? rng)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        ArgumentNullException.ThrowIfNull(options);
        var box = rng is null ? detected : Jitter(detected, options.BoxFraction, rng);
        var landmarks = analyzer.LandmarkDetector.Detect(image, box);
        var points = landmarks.FivePoints();
        if (rng is not null)
            for (int k = 0; k < points.Length; k++)
                points[k] += new Vector2((float)((rng.NextDouble() * 2 - 1) * options.LandmarkPixels), (float)((rng.NextDouble() * 2 - 1) * options.LandmarkPixels));
        var aligned = analyzer.Aligner.Align(image, points);
        return (new PrimaryFace(landmarks, aligned, analyzer.EmbedderPass(aligned.Image)), box);
    }

    // Centre moved by up to ±f of the box size in x and y, size scaled by 1 ± f.
    private static FaceBox Jitter(FaceBox box, double f, Random rng)
    {
        float dx = (float)((rng.NextDouble() * 2 - 1) * f * box.Width), dy = (float)((rng.NextDouble() * 2 - 1) * f * box.Height);
        float scale = (float)(1 + (rng.NextDouble() * 2 - 1) * f);
        var moved = new FaceBox(box.X + dx, box.Y + dy, box.Width, box.Height);
        return moved.Scale(scale);
    }

    private static double StandardDeviation(double[] v)
    {
        if (v.Length < 2) return 0;
        double mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
    }
}

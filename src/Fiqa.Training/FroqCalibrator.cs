using Fiqa.Face;
using Fiqa.Onnx;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Training;

/// <summary>Options of <see cref="FroqCalibrator"/>.</summary>
public sealed record FroqCalibrationOptions
{
    /// <summary>Best single layers the greedy search combines (FROQ: 10).</summary>
    public int TopLayers { get; init; } = 10;
    /// <summary>Pseudo-label method (FROQ: perturbation robustness).</summary>
    public string Labels { get; init; } = "perturb";
}

/// <summary>FROQ's initialisation (LSIbabnikz/FROQ observer/initialization.py): the L2 norm of every activation tensor
/// of the embedder and a pseudo-label per calibration face; each tensor's Spearman correlation with the labels; then a
/// greedy search over the best <see cref="FroqCalibrationOptions.TopLayers"/> that adds, at each step, the tensor whose
/// inclusion maximises the Spearman correlation of the set's mean norm, keeping the prefix with the highest one.</summary>
public static class FroqCalibrator
{
    /// <summary>Per calibration face: the pseudo-label and the norm of every candidate tensor.</summary>
    public sealed record Observations(IReadOnlyList<string> Tensors, IReadOnlyList<double> Labels, IReadOnlyList<double[]> Norms, int WithoutFace)
    {
        /// <summary>The ids of the plan's images without a usable face (or unreadable), in plan order.</summary>
        public IReadOnlyList<string> WithoutFaceImages { get; init; } = [];
    }

    /// <summary>Runs the face pipeline with the pseudo-label method and every activation tensor's L2 norm observed in
    /// the same embedder pass over the plan (in parallel; results in plan order; images without a face or unreadable are
    /// counted and skipped).</summary>
    public static Observations Observe(IReadOnlyList<DegradedSample> plan, AssessorOptions assessor, FroqCalibrationOptions options, int threads, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(assessor);
        ArgumentNullException.ThrowIfNull(options);
        var paths = assessor.Face.Paths ?? FiqaPaths.Resolve();
        var tensors = ActivationGraph.ActivationTensors(ModelStore.For(paths).Get(assessor.Face.Embedder));
        var observed = tensors.Select(t => new TensorObservation(t, TensorStatistic.L2)).ToList();
        using var a = FaceQualityAssessor.Create(assessor with
        {
            Measures = [], Profile = null, UnifiedMethods = [options.Labels],
            Face = assessor.Face with { Paths = paths, Parts = FaceParts.Embedding, AllFaces = false, EmbedderObservations = observed },
        });
        a.Warm();
        string labels = a.UnifiedMethods[0].Name;
        var scores = new double[plan.Count];
        var norms = new double[plan.Count][];
        int done = 0;
        Parallel.For(0, plan.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            try
            {
                var result = a.Assess(plan[i].Render(assessor.Decode), plan[i].Id);
                if (result.Faces.Count > 0)
                {
                    var face = result.Faces[0];
                    scores[i] = face.UnifiedMethods[labels].RawOrNaN;
                    norms[i] = observed.Select(o => face.Face.Pass!.Statistic(o)).ToArray();
                }
            }
            catch (Imaging.ImageDecodeException)
            {
                // Counted below as without a face.
            }
            progress?.Invoke(Interlocked.Increment(ref done));
        });
        var kept = Enumerable.Range(0, plan.Count).Where(i => norms[i] is not null).ToList();
        return new Observations(tensors, kept.Select(i => scores[i]).ToList(), kept.Select(i => norms[i]).ToList(), plan.Count - kept.Count)
        {
            WithoutFaceImages = Enumerable.Range(0, plan.Count).Where(i => norms[i] is null).Select(i => plan[i].Id).ToList(),
        };
    }

    /// <summary>Chooses the layer set from observations.</summary>
    public static FroqCalibration Choose(Observations observed, FroqCalibrationOptions options, string embedder, string? embedderSha256, string provenance = "")
    {
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(options);
        int faces = observed.Labels.Count;
        if (faces < 3) throw new ArgumentException($"FROQ calibration needs at least 3 faces, got {faces}");
        int tensors = observed.Tensors.Count;
        var column = new double[tensors][];
        for (int t = 0; t < tensors; t++) column[t] = observed.Norms.Select(n => n[t]).ToArray();
        double Rho(double[] scores)
        {
            double r = RankStatistics.Spearman(scores, observed.Labels);
            return double.IsFinite(r) ? r : -1; // a constant tensor carries no ranking
        }
        var single = Enumerable.Range(0, tensors).Select(t => (Index: t, Rho: Rho(column[t]))).ToList();
        // Descending utility; ties by graph order, so the choice is deterministic.
        var top = single.OrderByDescending(s => s.Rho).ThenBy(s => s.Index).Take(Math.Max(1, options.TopLayers)).ToList();

        double[] MeanOf(IEnumerable<int> set)
        {
            var members = set.ToList();
            var mean = new double[faces];
            foreach (int t in members)
                for (int f = 0; f < faces; f++) mean[f] += column[t][f];
            for (int f = 0; f < faces; f++) mean[f] /= members.Count;
            return mean;
        }
        var chosen = new List<int> { top[0].Index };
        var setRho = new List<double> { top[0].Rho };
        var available = top.Skip(1).Select(s => s.Index).ToList();
        while (available.Count > 0)
        {
            var best = available.Select(t => (Tensor: t, Rho: Rho(MeanOf([.. chosen, t])))).OrderByDescending(x => x.Rho).ThenBy(x => x.Tensor).First();
            chosen.Add(best.Tensor);
            setRho.Add(best.Rho);
            available.Remove(best.Tensor);
        }
        int length = setRho.IndexOf(setRho.Max()) + 1;
        var final = chosen.Take(length).ToList();
        var finalMean = MeanOf(final);
        double median = RankStatistics.Median(finalMean);
        FroqLayer Layer(int t) => new(observed.Tensors[t], Math.Round(single[t].Rho, 4));
        return new FroqCalibration
        {
            Embedder = embedder,
            EmbedderSha256 = embedderSha256,
            Labels = options.Labels,
            Faces = faces,
            Layers = final.Select(Layer).ToList(),
            SetSpearman = Math.Round(setRho[length - 1], 4),
            MedianNorm = median,
            Candidates = top.Select(s => Layer(s.Index)).ToList(),
            Provenance = provenance,
        };
    }
}

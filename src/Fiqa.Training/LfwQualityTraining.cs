using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using Fiqa.Evaluation;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Training;

/// <summary>One LFW image after its embedder pass: the person, the View 2 fold (1..10) and whether the person is in
/// View 1's test set; the collected head inputs and raw embedding (null: no face) and the blind methods' raw scores.</summary>
public sealed record LfwSample(string Id, string Person, int Fold, bool DevTest, float[]? RawEmbedding, float[]? Features, double[] Blind)
{
    /// <summary>The L2-normalised embedding (null: no face).</summary>
    public float[]? Unit { get; init; }
}

/// <summary>Everything collected on LFW: one sample per image, the head's candidate inputs (the embedder's activation
/// tensors' L1 norms, then <see cref="DistillationSet.ExtraInputs"/>) and the blind methods scored in the same pass.</summary>
public sealed record LfwPassSet(IReadOnlyList<LfwSample> Samples, IReadOnlyList<string> ObservedTensors, IReadOnlyList<string> ExtraInputs,
    IReadOnlyList<string> BlindMethods, LfwProtocol Protocol);

/// <summary>Quality-head training on LFW's natural photos with identity-disjoint evaluation (LFW's own protocol: settings
/// on View 1, figures on View 2): the per-image pass is collected once (cached), teachers are computed from the mated
/// and non-mated comparison scores of the training people only, and View 2 is scored by cross-fitting — heads trained on
/// the people of folds 1–5 score folds 6–10 and the reverse — so no head scores a person it saw.</summary>
public static class LfwQualityTraining
{
    /// <summary>The blind methods scored in the collection pass besides the head's inputs (their cost is in that pass).</summary>
    public static IReadOnlyList<string> CollectedMethods { get; } = ["froq"];

    /// <summary>Runs the face pipeline once over every LFW image of View 2's people (all 13,233 for the full set), in
    /// parallel, with the cache keyed by the image bytes (see <see cref="DistillationCollector.Collect"/>).</summary>
    public static LfwPassSet Collect(LfwProtocol lfw, AssessorOptions assessor, int threads, FeatureCache? cache, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(lfw);
        var foldOf = lfw.FoldOf();
        var devTest = lfw.DevTestPeople.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var imageRoot = lfw.ImageRoot;
        var people = lfw.Folds.SelectMany(f => f).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var plan = new List<DegradedSample>();
        foreach (var id in LfwProtocol.Images(people))
        {
            var path = Path.Combine(imageRoot, id + ".jpg");
            if (!File.Exists(path)) throw new FileNotFoundException($"LFW image listed in people.txt not found: {path}", path);
            plan.Add(new DegradedSample(new DatasetSample(id, id[..id.IndexOf('/', StringComparison.Ordinal)], path), null, 0, 0));
        }
        var set = DistillationCollector.Collect(plan, CollectedMethods, assessor, threads, progress: done => progress?.Invoke(done, plan.Count), cache: cache);
        var samples = set.Samples.Select(s => new LfwSample(s.Id, s.Identity, foldOf[s.Identity], devTest.Contains(s.Identity), s.RawEmbedding, s.Features, s.Teachers)
        {
            Unit = s.RawEmbedding is null ? null : new Face.FaceEmbedding(s.RawEmbedding).Vector.ToArray(),
        }).ToList();
        return new LfwPassSet(samples, set.ObservedTensors, set.ExtraInputs, CollectedMethods, lfw);
    }

    /// <summary>The key of the per-image cache of <see cref="Collect"/>: the models and face options that change the
    /// values and the blind methods' identities.</summary>
    public static string CacheKey(Face.FaceAnalyzerOptions face, Fiqa.Onnx.ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(face);
        ArgumentNullException.ThrowIfNull(store);
        string Sha(string name) => store.Get(name).Sha256 ?? name;
        var serfiq = new SerFiqOptions();
        var blind = string.Join(",", CollectedMethods.Select(UnifiedCatalogue.CacheIdentity));
        return string.Join("|", "lfw", "v1", blind, $"serfiq{serfiq.Passes}-{serfiq.DropoutRate.ToString("R", CultureInfo.InvariantCulture)}-{serfiq.Seed}",
            Sha(face.Detector), Sha(face.Landmarks), Sha(face.Embedder), face.AlignedInput, face.Detection.ScoreThreshold);
    }

    /// <summary>The degraded material of the "+degraded" recipes: train-quality's own collection of
    /// <paramref name="run"/> (its plan, split, cache and jittered copies) without its held-out identities, and how many
    /// identities were left out.</summary>
    public static (DistillationSet Set, int HeldOut) DegradedBreadth(DistillationRunOptions run)
    {
        var plan = DistillationRun.Plan(run);
        var set = DistillationRun.Collect(run, plan);
        return (set with { Samples = set.Samples.Where(s => !plan.HeldOut.Contains(s.Identity)).ToList() }, plan.HeldOut.Count);
    }

    /// <summary>Teacher labels for <paramref name="train"/> (samples without a face get NaN), computed from the comparison
    /// scores among these samples only: <c>reference</c> — on natural photos, the cosine to the mean unit embedding of
    /// the person's <em>other</em> photos (the mated score against an enrolment made from them); <c>sdd</c> and
    /// <c>crfiqa</c> as in <see cref="QualityTeachers"/>. A person with one usable photo has no mated comparison: NaN for
    /// every teacher (CR-FIQA's own-class centre would be the sample itself).</summary>
    public static double[][] Teachers(IReadOnlyList<LfwSample> train, IReadOnlyList<string> teachers)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(teachers);
        var usable = Enumerable.Range(0, train.Count).Where(i => train[i].Unit is not null).ToList();
        var units = usable.Select(i => train[i].Unit!).ToList();
        var ids = usable.Select(i => train[i].Person).ToList();
        var counts = ids.GroupBy(x => x, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var result = new double[teachers.Count][];
        for (int t = 0; t < teachers.Count; t++)
        {
            var name = QualityTeachers.Normalise(teachers[t]);
            if (QualityTeachers.IsBlind(name)) throw new ArgumentException($"teacher '{name}' is blind; LFW teachers are reference, sdd or crfiqa");
            var scores = name == QualityTeachers.Reference ? LeaveOneOutReference(units, ids) : QualityTeachers.ScoreLabelled(name, units, ids, ids.Select(_ => true).ToList(), ids);
            var column = Enumerable.Repeat(double.NaN, train.Count).ToArray();
            for (int k = 0; k < usable.Count; k++) column[usable[k]] = counts[ids[k]] > 1 ? scores[k] : double.NaN;
            result[t] = column;
        }
        return result;
    }

    /// <summary>Cosine of each unit embedding to the re-normalised mean of its identity's other embeddings (NaN: none).</summary>
    public static double[] LeaveOneOutReference(IReadOnlyList<float[]> units, IReadOnlyList<string> identities)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(identities);
        var sums = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < units.Count; i++)
        {
            if (!sums.TryGetValue(identities[i], out var c)) sums[identities[i]] = c = new float[units[i].Length];
            TensorPrimitives.Add(c, units[i], c);
        }
        var others = new float[units.Count == 0 ? 0 : units[0].Length];
        var result = new double[units.Count];
        for (int i = 0; i < units.Count; i++)
        {
            TensorPrimitives.Subtract(sums[identities[i]], units[i], others);
            float norm = TensorPrimitives.Norm(others);
            result[i] = norm > 1e-6f ? TensorPrimitives.Dot(units[i], others) / norm : double.NaN;
        }
        return result;
    }

    /// <summary>The head's input for one sample under <paramref name="recipe"/>: the deepest activation norms, the
    /// one-value extra inputs, then the unit embedding when the recipe reads it.</summary>
    public static float[] Input(LfwPassSet set, LfwSample sample, LfwHeadRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(sample);
        return Input(set.ObservedTensors.Count, set.ExtraInputs, sample.Features ?? throw new ArgumentException($"{sample.Id} has no face"), sample.Unit!, recipe);
    }

    // The same from collected features (activation norms, then the collected extras) and the unit embedding.
    private static float[] Input(int tensors, IReadOnlyList<string> collected, float[] f, float[] unit, LfwHeadRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        int first = tensors - Math.Clamp(recipe.Activations, 0, tensors);
        var extras = recipe.ExtraInputs.Where(e => e != QualityHead.EmbeddingInput).Select(e =>
        {
            int k = collected.ToList().IndexOf(e);
            return k >= 0 ? f[tensors + k] : throw new ArgumentException($"extra input '{e}' was not collected");
        });
        return recipe.ReadsEmbedding ? [.. f[first..tensors], .. extras, .. unit] : [.. f[first..tensors], .. extras];
    }

    /// <summary>Trains one head on <paramref name="train"/> (teachers computed among these samples, min–max normalised
    /// over them; samples no teacher labels are left out); deterministic for the recipe's seed.</summary>
    public static QualityHead Train(LfwPassSet set, IReadOnlyList<LfwSample> train, LfwHeadRecipe recipe, string? embedderSha256) =>
        Train(set, train, Teachers(train, recipe.Teachers), recipe, embedderSha256);

    /// <summary>As <see cref="Train(LfwPassSet, IReadOnlyList{LfwSample}, LfwHeadRecipe, string?)"/> with the recipe's
    /// teacher labels already computed on <paramref name="train"/> (one column per teacher, in the recipe's order).</summary>
    /// <param name="set">The LFW passes.</param>
    /// <param name="train">The training people's samples.</param>
    /// <param name="labels">The recipe's teachers on <paramref name="train"/>.</param>
    /// <param name="recipe">The recipe.</param>
    /// <param name="embedderSha256">Recorded in the head.</param>
    /// <param name="breadth">With <see cref="LfwHeadRecipe.Breadth"/>: the installed degraded copies' training side
    /// (<c>train-quality</c>'s collection; its held-out identities removed by the caller), added as rows whose teachers
    /// are teachers of their own — MonotonicIQA's way of learning one score from two datasets with different label
    /// scales.</param>
    public static QualityHead Train(LfwPassSet set, IReadOnlyList<LfwSample> train, double[][] labels, LfwHeadRecipe recipe, string? embedderSha256,
        DistillationSet? breadth = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(recipe);
        if (labels.Length != recipe.Teachers.Count || labels.Any(l => l.Length != train.Count)) throw new ArgumentException("one label column per teacher, one label per sample");
        var rows = Enumerable.Range(0, train.Count).Where(i => train[i].Features is not null && labels.Any(l => double.IsFinite(l[i]))).ToList();
        if (rows.Count < 2) throw new ArgumentException($"too few labelled training samples ({rows.Count})");
        var targets = labels.Select(l =>
        {
            var v = rows.Select(i => l[i]).Where(double.IsFinite).ToList();
            double min = v.Min(), span = v.Max() > min ? v.Max() - min : 1;
            return rows.Select(i => double.IsFinite(l[i]) ? (l[i] - min) / span : double.NaN).ToArray();
        }).ToList();
        int tensors = set.ObservedTensors.Count;
        var headTensors = set.ObservedTensors.Skip(tensors - Math.Clamp(recipe.Activations, 0, tensors)).ToList();
        var inputs = rows.Select(i => Input(set, train[i], recipe)).ToList();
        var groups = rows.Select(i => train[i].Person).ToList();
        if (recipe.Breadth)
        {
            if (breadth is null) throw new ArgumentException($"recipe {recipe.Name} also trains on the installed degraded copies: give them");
            if (!breadth.ObservedTensors.SequenceEqual(set.ObservedTensors) || !breadth.ExtraInputs.SequenceEqual(set.ExtraInputs))
                throw new ArgumentException("the degraded copies were collected with other head inputs");
            var once = breadth.Samples.Where(x => x.Features is not null && x.RawEmbedding is not null && x.Teachers.Any(double.IsFinite)).ToList();
            // Repeated rows weigh the degraded copies against LFW's larger set in the summed loss.
            var extra = Enumerable.Repeat(once, recipe.BreadthWeight).SelectMany(x => x).ToList();
            int lfwRows = inputs.Count;
            inputs.AddRange(extra.Select(x => Input(tensors, breadth.ExtraInputs, x.Features!, new Face.FaceEmbedding(x.RawEmbedding!).Vector.ToArray(), recipe)));
            groups.AddRange(extra.Select(x => "installed:" + x.Identity));
            // LFW's teachers are NaN on the degraded rows and the degraded set's teachers NaN on LFW's.
            targets = [.. targets.Select(t => t.Concat(Enumerable.Repeat(double.NaN, extra.Count)).ToArray())];
            for (int k = 0; k < breadth.Teachers.Count; k++)
            {
                var v = extra.Select(x => x.Teachers[k]).Where(double.IsFinite).ToList();
                if (v.Count < 2) continue;
                double min = v.Min(), span = v.Max() > min ? v.Max() - min : 1;
                targets.Add([.. Enumerable.Repeat(double.NaN, lfwRows), .. extra.Select(x => double.IsFinite(x.Teachers[k]) ? (x.Teachers[k] - min) / span : double.NaN)]);
            }
        }
        return QualityHeadTrainer.Train(inputs, targets, headTensors, recipe.Training, null, embedderSha256, recipe.ExtraInputs, groups);
    }

    /// <summary>View 2's two halves of people: folds 1–5 and folds 6–10.</summary>
    public static bool FirstHalf(LfwSample sample) => sample.Fold <= 5;

    /// <summary>Cross-fitted scores on every sample (NaN: no face): samples of folds 1–5 scored by the head trained on the
    /// people of folds 6–10, and the reverse.</summary>
    public static double[] CrossFit(LfwPassSet set, LfwHeadRecipe recipe, string? embedderSha256)
    {
        ArgumentNullException.ThrowIfNull(set);
        var scores = Enumerable.Repeat(double.NaN, set.Samples.Count).ToArray();
        foreach (bool half in new[] { true, false })
        {
            var head = Train(set, set.Samples.Where(s => FirstHalf(s) != half).ToList(), recipe, embedderSha256);
            for (int i = 0; i < scores.Length; i++)
                if (FirstHalf(set.Samples[i]) == half && set.Samples[i].Features is not null) scores[i] = head.Predict(Input(set, set.Samples[i], recipe));
        }
        return scores;
    }

    /// <summary>View 1's selection scores: the head trained on the DevTrain people scores the DevTest people (NaN elsewhere).</summary>
    public static double[] Selection(LfwPassSet set, LfwHeadRecipe recipe, string? embedderSha256)
    {
        ArgumentNullException.ThrowIfNull(set);
        var head = Train(set, set.Samples.Where(s => !s.DevTest).ToList(), recipe, embedderSha256);
        return set.Samples.Select(s => s.DevTest && s.Features is not null ? (double)head.Predict(Input(set, s, recipe)) : double.NaN).ToArray();
    }

    /// <summary>Labelled reference scores (<c>sdd</c>, <c>crfiqa</c>) computed within each group of samples.</summary>
    public static double[] LabelledWithin(LfwPassSet set, string method, Func<LfwSample, int> group)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(group);
        var scores = Enumerable.Repeat(double.NaN, set.Samples.Count).ToArray();
        foreach (var g in Enumerable.Range(0, set.Samples.Count).Where(i => set.Samples[i].Unit is not null).GroupBy(i => group(set.Samples[i])))
        {
            if (g.Key < 0) continue;
            var idx = g.ToList();
            var s = QualityTeachers.ScoreLabelled(method, idx.Select(i => set.Samples[i].Unit!).ToList(), idx.Select(i => set.Samples[i].Person).ToList(),
                idx.Select(_ => true).ToList(), idx.Select(i => set.Samples[i].Person).ToList());
            for (int k = 0; k < idx.Count; k++) scores[idx[k]] = s[k];
        }
        return scores;
    }

    /// <summary>The View 2 (or View 1) pairs as comparisons of the samples' unit embeddings; pairs with an image without
    /// a face are left out and counted.</summary>
    public static (List<Comparison> Comparisons, int LeftOut) PairComparisons(LfwPassSet set, IEnumerable<LfwPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(pairs);
        var byId = set.Samples.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var comparisons = new List<Comparison>();
        int leftOut = 0;
        foreach (var p in pairs)
        {
            if (!byId.TryGetValue(p.ImageA, out var a) || !byId.TryGetValue(p.ImageB, out var b))
                throw new ArgumentException($"pair {p.ImageA} – {p.ImageB}: image not in people.txt");
            if (a.Unit is null || b.Unit is null) { leftOut++; continue; }
            comparisons.Add(new Comparison(a.Id, b.Id, TensorPrimitives.Dot(a.Unit, b.Unit), p.Mated));
        }
        return (comparisons, leftOut);
    }

    /// <summary>All-vs-all FNMR-EDC over groups of samples (pairs within a group only, every group at one threshold):
    /// the threshold at <paramref name="fmr"/> over every non-mated pair (Verification's rule), the EDC over every mated
    /// pair, normalised pAUC at each limit per column.</summary>
    public static AllVersusAllResult AllVersusAll(LfwPassSet set, Func<LfwSample, int> group, IReadOnlyList<(string Name, double[] Scores)> columns,
        IReadOnlyList<double> limits, double fmr = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(columns);
        var groups = Enumerable.Range(0, set.Samples.Count).Where(i => set.Samples[i].Unit is not null && group(set.Samples[i]) >= 0)
            .GroupBy(i => group(set.Samples[i])).OrderBy(g => g.Key).Select(g => g.ToArray()).ToList();
        long nonMatedCount = groups.Sum(g => (long)g.Length * (g.Length - 1) / 2);
        var nonMated = new List<float[]>();
        var mated = new List<(int A, int B, float S)>();
        foreach (var g in groups)
        {
            // Row by row, each row's non-mated scores in its own array (no 2 GB single array), in parallel over rows.
            var rows = new float[g.Length][];
            var rowMated = new List<(int, int, float)>[g.Length];
            Parallel.For(0, g.Length, r =>
            {
                var a = set.Samples[g[r]];
                var list = new List<float>(g.Length - r - 1);
                var m = new List<(int, int, float)>();
                for (int c = r + 1; c < g.Length; c++)
                {
                    var b = set.Samples[g[c]];
                    float s = TensorPrimitives.Dot(a.Unit!, b.Unit!);
                    if (a.Person == b.Person) m.Add((g[r], g[c], s)); else list.Add(s);
                }
                rows[r] = [.. list];
                rowMated[r] = m;
            });
            nonMated.AddRange(rows);
            foreach (var m in rowMated) mated.AddRange(m);
        }
        var all = new float[nonMated.Sum(r => (long)r.Length)];
        long at = 0;
        foreach (var r in nonMated) { r.CopyTo(all, at); at += r.Length; }
        nonMated.Clear();
        Array.Sort(all);
        Array.Reverse(all);
        // Verification.ThresholdAtFalseMatchRate's rule on the sorted scores.
        int allowed = (int)Math.Floor(fmr * all.Length);
        double above = allowed == 0 ? all[0] + 1e-3 : all[allowed - 1];
        double threshold = (above + all[allowed]) / 2 + (above == all[allowed] ? 1e-9 : 0);
        var similarities = mated.Select(m => (double)m.S).ToList();
        var rowsOut = new List<(string, EdcCurve)>();
        foreach (var (name, scores) in columns)
        {
            double Q(int i) => double.IsNaN(scores[i]) ? double.NegativeInfinity : scores[i];
            rowsOut.Add((name, ErrorVersusDiscard.Compute(EdcErrorType.Fnmr, similarities, mated.Select(m => ErrorVersusDiscard.PairQuality(Q(m.A), Q(m.B))).ToList(), threshold)));
        }
        rowsOut.Add((QualityEvaluation.OracleName, ErrorVersusDiscard.Compute(EdcErrorType.Fnmr, similarities, similarities, threshold)));
        return new AllVersusAllResult(threshold, all.LongLength, mated.Count, groups.Sum(g => g.Length), rowsOut, limits);
    }

    /// <summary>The split lists to commit: one line per person, "name&lt;TAB&gt;images&lt;TAB&gt;fold&lt;TAB&gt;half&lt;TAB&gt;view1".</summary>
    public static string SplitList(LfwProtocol lfw)
    {
        ArgumentNullException.ThrowIfNull(lfw);
        var devTest = lfw.DevTestPeople.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var sb = new StringBuilder();
        sb.Append("# person\timages\tview2_fold\tcross_fit_half (A = folds 1-5, scored by the head trained on B; B = folds 6-10)\tview1 (DevTrain trains, DevTest selects)\n");
        foreach (var (fold, k) in lfw.Folds.Select((f, k) => (f, k + 1)))
            foreach (var (name, images) in fold.OrderBy(p => p.Name, StringComparer.Ordinal))
                sb.Append(CultureInfo.InvariantCulture, $"{name}\t{images}\t{k}\t{(k <= 5 ? "A" : "B")}\t{(devTest.Contains(name) ? "DevTest" : "DevTrain")}\n");
        return sb.ToString();
    }
}

/// <summary>One head configuration compared on LFW.</summary>
public sealed record LfwHeadRecipe(string Name)
{
    /// <summary>Teachers (reference, sdd, crfiqa).</summary>
    public IReadOnlyList<string> Teachers { get; init; } = DistillationOptions.DefaultTeachers;
    /// <summary>Deepest activation tensors read.</summary>
    public int Activations { get; init; } = DistillationOptions.DefaultActivations;
    /// <summary>Extra inputs (one-value ones, then <see cref="QualityHead.EmbeddingInput"/> last if read).</summary>
    public IReadOnlyList<string> ExtraInputs { get; init; } = QualityHead.KnownExtraInputs;
    /// <summary>Head and optimiser.</summary>
    public QualityHeadTrainingOptions Training { get; init; } = new();
    /// <summary>Also trained on the installed degraded copies (<c>train-quality</c>'s training identities and teachers),
    /// so the head keeps what those teach: scores that fall with blur, noise, JPEG, darkness, down-scaling, occlusion.</summary>
    public bool Breadth { get; init; }
    /// <summary>How many times each degraded row enters training (their weight against LFW's rows).</summary>
    public int BreadthWeight { get; init; } = 1;
    /// <summary>Weight of the installed head (trained on the degraded copies alone) in a fusion with this recipe's head
    /// (0: not fused): their weighted mean, one MLP (<see cref="QualityHead.Average"/>).</summary>
    public double InstalledWeight { get; init; }
    /// <summary>Whether the unit embedding is an input.</summary>
    public bool ReadsEmbedding => ExtraInputs.Contains(QualityHead.EmbeddingInput);
}

/// <summary>An all-vs-all FNMR-EDC: its threshold, counts and one curve per column (the oracle last).</summary>
public sealed record AllVersusAllResult(double Threshold, long NonMated, int Mated, int Samples, IReadOnlyList<(string Name, EdcCurve Curve)> Curves, IReadOnlyList<double> Limits)
{
    /// <summary>The starting FNMR.</summary>
    public double Fnmr0 => Curves[0].Curve.StartingError;
}

using System.Numerics.Tensors;

namespace Fiqa.Training;

/// <summary>Distillation's labelling stage: the teachers that need the whole set (<c>reference</c>, SDD-FIQA, CR-FIQA)
/// scored within each side of the split, so no held-out sample shapes a training label; then each teacher's training
/// labels min–max normalised to [0, 1] and optimised as eDifFIQA does (Babnik et al., TBIOM 2024).</summary>
public static class TeacherLabels
{
    /// <summary>Per labelled teacher in <paramref name="names"/>, one score per sample (NaN: no face, or fewer than two
    /// identities on its side of the split), computed among the samples of <paramref name="heldOut"/> and among the others;
    /// <paramref name="samples"/> are in <paramref name="plan"/>'s order.</summary>
    internal static Dictionary<string, double[]> Labelled(IReadOnlyList<DistillationSample> samples, IReadOnlyList<DegradedSample> plan,
        IEnumerable<string> names, IReadOnlySet<string>? heldOut)
    {
        var splitOf = samples.Select(x => heldOut is not null && heldOut.Contains(x.Identity)).ToArray();
        var labelled = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var name in names.Where(n => !QualityTeachers.IsBlind(n)).Distinct())
        {
            var column = Enumerable.Repeat(double.NaN, samples.Count).ToArray();
            foreach (bool side in new[] { false, true })
            {
                var idx = Enumerable.Range(0, samples.Count).Where(i => splitOf[i] == side && samples[i].RawEmbedding is not null).ToList();
                if (idx.Select(i => samples[i].Identity).Distinct().Count() < 2) continue;
                var units = idx.Select(i => Unit(samples[i].RawEmbedding!)).ToList();
                var ids = idx.Select(i => samples[i].Identity).ToList();
                var scores = QualityTeachers.ScoreLabelled(name, units, ids, idx.Select(i => plan[i].Kind is null).ToList(), idx.Select(i => plan[i].Source.Id).ToList());
                for (int k = 0; k < idx.Count; k++) column[idx[k]] = scores[k];
            }
            labelled[name] = column;
        }
        return labelled;
    }

    /// <summary>The training targets, one column per teacher of <paramref name="teacherIndex"/> (NaN: the teacher did not
    /// score the sample), and the raw range each teacher's labels were normalised from (for the head's provenance).</summary>
    internal static (List<double[]> Targets, List<(double Min, double Max)> Ranges) Targets(IReadOnlyList<DistillationSample> train,
        IReadOnlyList<int> teacherIndex, IReadOnlyList<string> collected, DistillationOptions options)
    {
        var ranges = new List<(double Min, double Max)>();
        var targets = new List<double[]>();
        var units = train.Select(s => Unit(s.RawEmbedding!)).ToList();
        var ids = train.Select(s => s.Identity).ToList();
        foreach (int k in teacherIndex)
        {
            var values = train.Select(s => s.Teachers[k]).Where(double.IsFinite).ToList();
            if (values.Count < 2) throw new ArgumentException($"teacher '{collected[k]}' scored fewer than two training samples");
            double min = values.Min(), max = values.Max(), span = max > min ? max - min : 1;
            ranges.Add((min, max));
            var labels = train.Select(s => double.IsFinite(s.Teachers[k]) ? (s.Teachers[k] - min) / span : double.NaN).ToList();
            // eDifFIQA's optimisation on the scored samples; unscored ones stay NaN (no loss term).
            var scored = Enumerable.Range(0, train.Count).Where(i => double.IsFinite(labels[i])).ToList();
            var optimised = QualityHeadTrainer.OptimiseLabels(scored.Select(i => units[i]).ToList(), scored.Select(i => ids[i]).ToList(),
                scored.Select(i => labels[i]).ToList(), options.Beta, options.Epsilon);
            var column = Enumerable.Repeat(double.NaN, train.Count).ToArray();
            for (int j = 0; j < scored.Count; j++) column[scored[j]] = optimised[j];
            targets.Add(column);
        }
        return (targets, ranges);
    }

    // A unit-length copy of a raw embedding: the teachers and the EDC compare by cosine.
    internal static float[] Unit(float[] raw)
    {
        var unit = (float[])raw.Clone();
        float norm = TensorPrimitives.Norm(unit);
        if (norm > 0) TensorPrimitives.Divide(unit, norm, unit);
        return unit;
    }
}

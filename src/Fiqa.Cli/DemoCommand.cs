using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Fiqa.Face;
using Fiqa.Quality;
using Spectre.Console;

namespace Fiqa.Cli;

/// <summary><c>fiqa demo</c>: the product on the installed sample photos, as a table a person can read — per face the
/// UnifiedQualityScore (fitness for recognition), the verdict under the <c>icao</c> profile with its first reasons in
/// words, then which commands to use next.</summary>
internal static class DemoCommand
{
    /// <summary>The profile the demo judges against.</summary>
    public const string Profile = "icao";

    private static readonly string[] Samples =
    [
        "skimage/astronaut.png",
        "franck/franck_01829.jpg",
        "franck/franck_04000.jpg",
        "dlib/faces/2008_002506.jpg",
        "dlib/faces/bald_guys.jpg",
        "face-api/sample1.jpg",
        "dlib/johns/John_Salley/000200_02159354.jpg",
        "dlib/johns/John_Salley/000189_02159361.jpg",
        "dlib/johns/John_Simm/000310_00470511.jpg",
    ];

    private const int FacesShown = 3;
    private const int ReasonsShown = 2;

    private static readonly string[] Columns = ["file", "face", "box x,y,w,h", "yaw/pitch/roll °", "quality 0..100", Profile, "first reasons", "ms"];

    public static Command Create(CliOutput io)
    {
        var common = new CommonOptions();
        var command = new Command("demo", $"Assess the installed sample photos: UnifiedQualityScore and the '{Profile}' verdict per face");
        common.AddTo(command);
        command.SetAction(p =>
        {
            var paths = common.Paths(p);
            var files = Samples.Select(s => CliPaths.RequireData(paths, s)).ToList();
            var load = Stopwatch.StartNew();
            using var assessor = FaceQualityAssessor.Create(new AssessorOptions
            {
                Face = common.Analyzer(p, FaceParts.All, allFaces: true, common.ThreadCount(p)),
                Profile = Profile,
            });
            assessor.Warm();
            load.Stop();
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(io.Out), Ansi = AnsiSupport.Detect });
            if (!ReferenceEquals(io.Out, Console.Out) || Console.IsOutputRedirected) console.Profile.Width = 180;
            var table = new Table().Title($"Fiqa on the installed samples: fitness for recognition and the '{Profile}' portrait profile").Border(TableBorder.Rounded);
            foreach (var c in Columns) table.AddColumn(c);
            var primary = new List<(string File, FaceEmbedding Embedding)>();
            int passed = 0, failed = 0;
            foreach (var file in files)
            {
                var sw = Stopwatch.StartNew();
                var a = assessor.Assess(file);
                sw.Stop();
                var name = Path.GetRelativePath(paths.Data, file);
                if (a.Status != FileStatus.Ok)
                {
                    failed++;
                    table.AddRow(Markup.Escape(name), "-", "", "", "", "[red]FAIL[/]", Markup.Escape(FirstReasons(a.Verdict)), Ms(sw));
                    continue;
                }
                primary.Add((name, a.Faces[0].Face.Embedding!));
                foreach (var f in a.Faces.Take(FacesShown))
                {
                    var b = f.Face.Detection.Box;
                    var pose = f.Face.Pose;
                    bool pass = f.Verdict?.Pass == true;
                    if (pass) passed++; else failed++;
                    table.AddRow(
                        f.Face.Index == 0 ? Markup.Escape(name) : "",
                        f.Face.Index.ToString(CultureInfo.InvariantCulture),
                        Invariant($"{b.X:F0},{b.Y:F0},{b.Width:F0},{b.Height:F0}"),
                        pose is { } h ? Invariant($"{h.Yaw:F0} / {h.Pitch:F0} / {h.Roll:F0}") : "",
                        Unified(f),
                        pass ? "[green]PASS[/]" : "[red]FAIL[/]",
                        Markup.Escape(FirstReasons(f.Verdict)),
                        f.Face.Index == 0 ? Ms(sw) : "");
                }
                if (a.Faces.Count > FacesShown) table.AddRow("", Invariant($"+{a.Faces.Count - FacesShown} more"), "", "", "", "", "", "");
            }
            console.Write(table);
            console.MarkupLine(Invariant($"{passed} face(s) pass and {failed} fail the '{Profile}' profile. Quality is the UnifiedQualityScore: 0..100, higher = better for face recognition."));
            console.MarkupLine(Invariant($"Models loaded in {load.Elapsed.TotalMilliseconds:F0} ms from {Markup.Escape(assessor.Analyzer.Paths.Models)}."));

            var johns = primary.Where(x => x.File.Contains("johns", StringComparison.Ordinal)).ToList();
            if (johns.Count >= 3)
            {
                var pairs = new Table().Title(Invariant($"Comparisons (match when cosine ≥ {Verification.DefaultThreshold})")).Border(TableBorder.Rounded);
                pairs.AddColumn("A"); pairs.AddColumn("B"); pairs.AddColumn("cosine"); pairs.AddColumn("match");
                for (int i = 0; i < johns.Count; i++)
                    for (int j = i + 1; j < johns.Count; j++)
                    {
                        float s = johns[i].Embedding.CosineSimilarity(johns[j].Embedding);
                        pairs.AddRow(Markup.Escape(johns[i].File), Markup.Escape(johns[j].File), Invariant($"{s:F3}"), s >= Verification.DefaultThreshold ? "yes" : "no");
                    }
                console.Write(pairs);
            }
            console.WriteLine();
            console.MarkupLine("[bold]Next[/]");
            console.MarkupLine(Markup.Escape($"  fiqa assess PHOTOS... --profile {Profile} --out results.jsonl   every component, the score and the verdict of each face (--format csv; --profile enrolment, verification or your own FILE)"));
            console.MarkupLine(Markup.Escape($"  fiqa serve                                   the HTTP service and its web page, on {Server.FiqaServer.DefaultUrl}"));
            console.MarkupLine(Markup.Escape("  fiqa explain PHOTO                           a heat map of what the recogniser's similarity depends on (FaceQAN)"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Unified(FaceQuality f) =>
        f.Quality.TryGetValue("UnifiedQualityScore", out var u) && u.Status == MeasureStatus.Success ? Invariant($"{u.Scalar:F0}") : "n/a";

    private static string FirstReasons(Verdict? verdict) =>
        verdict is null || verdict.Pass ? "" : string.Join("; ", verdict.Reasons.Take(ReasonsShown).Select(r => r.Text))
            + (verdict.Reasons.Count > ReasonsShown ? Invariant($" (+{verdict.Reasons.Count - ReasonsShown} more)") : "");

    private static string Ms(Stopwatch sw) => Invariant($"{sw.Elapsed.TotalMilliseconds:F0}");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

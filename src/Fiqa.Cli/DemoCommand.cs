using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Fiqa.Face;
using Spectre.Console;

namespace Fiqa.Cli;

/// <summary><c>fiqa demo</c>: the pipeline on the installed sample photos, as a table a person can read.</summary>
internal static class DemoCommand
{
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

    private static readonly string[] Columns = ["file", "face", "box x,y,w,h", "score", "yaw/pitch/roll °", "eyes open L/R", "liveness", "emb. norm", "ms"];

    public static Command Create(CliOutput io)
    {
        var common = new CommonOptions();
        var command = new Command("demo", "Run the face pipeline on the installed sample photos and print a table");
        common.AddTo(command);
        command.SetAction(p =>
        {
            var paths = common.Paths(p);
            var files = Samples.Select(s => CliPaths.RequireData(paths, s)).ToList();
            var load = Stopwatch.StartNew();
            using var analyzer = new FaceAnalyzer(common.Analyzer(p, FaceParts.All, allFaces: true, common.ThreadCount(p)));
            analyzer.Warm();
            load.Stop();
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(io.Out), Ansi = AnsiSupport.Detect });
            if (ReferenceEquals(io.Out, Console.Out) && Console.IsOutputRedirected) console.Profile.Width = 160;
            var table = new Table().Title("Fiqa face pipeline on the installed samples").Border(TableBorder.Rounded);
            foreach (var c in Columns) table.AddColumn(c);
            var primary = new List<(string File, FaceEmbedding Embedding)>();
            foreach (var file in files)
            {
                var sw = Stopwatch.StartNew();
                var r = FileAnalysis.Run(analyzer, file);
                sw.Stop();
                var name = Path.GetRelativePath(paths.Data, file);
                if (r.Status != FileStatus.Ok)
                {
                    table.AddRow(Markup.Escape(name), "-", r.Status == FileStatus.NoFace ? "no face" : Markup.Escape(r.Error ?? ""), "", "", "", "", "", Ms(sw));
                    continue;
                }
                primary.Add((name, r.Faces[0].Embedding!));
                foreach (var f in r.Faces.Take(4))
                {
                    var b = f.Detection.Box;
                    table.AddRow(
                        f.Index == 0 ? Markup.Escape(name) : "",
                        f.Index.ToString(CultureInfo.InvariantCulture),
                        Invariant($"{b.X:F0},{b.Y:F0},{b.Width:F0},{b.Height:F0}"),
                        Invariant($"{f.Detection.Score:F2}"),
                        Invariant($"{f.Pose!.Value.Yaw:F0} / {f.Pose.Value.Pitch:F0} / {f.Pose.Value.Roll:F0}"),
                        Invariant($"{f.Eyes!.Value.Left:F2} / {f.Eyes.Value.Right:F2}"),
                        Invariant($"{f.Liveness:F2}"),
                        Invariant($"{f.Embedding!.Norm:F2}"),
                        f.Index == 0 ? Ms(sw) : "");
                }
                if (r.Faces.Count > 4) table.AddRow("", Invariant($"+{r.Faces.Count - 4} more"), "", "", "", "", "", "", "");
            }
            console.Write(table);
            console.MarkupLine(Invariant($"Models loaded in {load.Elapsed.TotalMilliseconds:F0} ms from {Markup.Escape(analyzer.Paths.Models)}."));

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
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Ms(Stopwatch sw) => Invariant($"{sw.Elapsed.TotalMilliseconds:F0}");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

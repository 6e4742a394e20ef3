using System.CommandLine;
using Fiqa.Face;

namespace Fiqa.Cli;

/// <summary><c>fiqa compare A B</c>: cosine similarity of the primary faces and a match decision.</summary>
internal static class CompareCommand
{
    public static Command Create(CliOutput io)
    {
        var common = new CommonOptions();
        var a = new Argument<string>("a") { Description = "First image" };
        var b = new Argument<string>("b") { Description = "Second image" };
        var threshold = new Option<float>("--threshold")
        {
            Description = $"Cosine similarity at or above which the faces match (default {Verification.DefaultThreshold}: FMR≈1e-3 on the installed data)",
            DefaultValueFactory = _ => Verification.DefaultThreshold,
        };
        var command = new Command("compare", "Compare the primary faces of two images") { a, b, threshold };
        common.AddTo(command);
        command.SetAction(p =>
        {
            if (Verification.ThresholdProblem(p.GetValue(threshold)) is { } problem) throw new UsageException($"--threshold: {problem}");
            using var analyzer = new FaceAnalyzer(common.Analyzer(p, FaceParts.Embedding, allFaces: false, common.ThreadCount(p)));
            var decode = common.Decode(p);
            var first = FileAnalysis.Run(analyzer, p.GetRequiredValue(a), decode);
            var second = FileAnalysis.Run(analyzer, p.GetRequiredValue(b), decode);
            foreach (var f in new[] { first, second })
            {
                if (f.Status == FileStatus.Ok) continue;
                io.Error.WriteLine($"fiqa compare: {f.Path}: {(f.Status == FileStatus.NoFace ? "no face found" : f.Error)}");
                return ExitCodes.Failure;
            }
            io.Out.WriteLine(FaceComparison.Of(first.Faces[0].Embedding!, second.Faces[0].Embedding!, p.GetValue(threshold)).ToJsonLine());
            return ExitCodes.Success;
        });
        return command;
    }
}

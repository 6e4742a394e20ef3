using System.CommandLine;
using Fiqa.Face;

namespace Fiqa.Cli;

/// <summary><c>fiqa assess PATH...</c>: one JSON line per face (or per unreadable / face-less file).</summary>
internal static class AssessCommand
{
    public static Command Create(CliOutput io)
    {
        var common = new CommonOptions();
        var inputs = new Argument<string[]>("inputs") { Description = "Image files, folders (recursive) or @list.txt files", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out", "-o") { Description = "Write JSONL here instead of stdout" };
        var embeddings = new Option<bool>("--embeddings") { Description = "Include the 512-D unit embedding" };
        var allFaces = new Option<bool>("--all-faces") { Description = "A record for every face, not only the primary (largest)" };
        var command = new Command("assess", "Detect and analyse faces; writes JSONL records") { inputs, output, embeddings, allFaces };
        common.AddTo(command);
        command.SetAction(p =>
        {
            var files = InputFiles.Expand(p.GetRequiredValue(inputs));
            if (files.Count == 0) throw new UsageException("no image files found in the given inputs");
            int threads = common.ThreadCount(p);
            // One file: all threads go to ONNX Runtime; many files: one image per thread.
            int workers = files.Count == 1 ? 1 : threads;
            int intraOp = files.Count == 1 ? threads : 1;
            using var analyzer = new FaceAnalyzer(common.Analyzer(p, FaceParts.All, p.GetValue(allFaces), intraOp));
            analyzer.Warm();
            var outPath = p.GetValue(output);
            using var writer = outPath is null ? null : OpenOutput(outPath);
            var sink = writer ?? io.Out;
            bool withEmbedding = p.GetValue(embeddings);
            int ok = 0, noFace = 0, errors = 0;
            BatchRunner.Run(analyzer, files, common.Decode(p), workers, io.Error, r =>
            {
                foreach (var line in FaceJson.Records(r, withEmbedding)) sink.WriteLine(line);
                sink.Flush();
                switch (r.Status)
                {
                    case FileStatus.Ok: ok++; break;
                    case FileStatus.NoFace: noFace++; break;
                    default: errors++; io.Error.WriteLine($"fiqa: {r.Path}: {r.Error}"); break;
                }
            });
            io.Error.WriteLine($"fiqa assess: {files.Count} file(s): {ok} with faces, {noFace} without, {errors} unreadable");
            return ExitCodes.Success;
        });
        return command;
    }

    private static StreamWriter OpenOutput(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        return new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
    }
}

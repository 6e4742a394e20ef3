using System.CommandLine;
using Fiqa.Face;
using Fiqa.Quality;

namespace Fiqa.Cli;

/// <summary><c>fiqa assess PATH...</c>: one JSON line (or CSV row) per face, or per unreadable / face-less file, with
/// the quality components and, with a profile, the verdict.</summary>
internal static class AssessCommand
{
    public static Command Create(CliOutput io)
    {
        var common = new CommonOptions();
        var inputs = new Argument<string[]>("inputs") { Description = "Image files, folders (recursive) or @list.txt files", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out", "-o") { Description = "Write here instead of stdout" };
        var embeddings = new Option<bool>("--embeddings") { Description = "Include the 512-D unit embedding (JSONL)" };
        var allFaces = new Option<bool>("--all-faces") { Description = "A record for every face, not only the primary (largest)" };
        var measures = new Option<string?>("--measures") { Description = "Comma-separated quality measures (default: all; see 'fiqa measures'); 'none' for none" };
        var profile = new Option<string?>("--profile") { Description = "Verdict profile: enrolment, verification, or a JSON file" };
        var unified = new Option<string?>("--unified") { Description = "Comma-separated unified quality methods: distilled, norm, perturb (perturb:R: R draws), serfiq, froq" };
        var format = new Option<string>("--format") { Description = "jsonl or csv (OFIQ-compatible columns)", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "csv");
        var delimiter = new Option<string>("--delimiter") { Description = "CSV delimiter (';' for OFIQ parity)", DefaultValueFactory = _ => "," };
        var command = new Command("assess", "Detect faces and assess their quality; writes JSONL records or CSV rows")
        {
            inputs, output, embeddings, allFaces, measures, profile, unified, format, delimiter,
        };
        common.AddTo(command);
        command.SetAction(p =>
        {
            var files = InputFiles.Expand(p.GetRequiredValue(inputs));
            if (files.Count == 0) throw new UsageException("no image files found in the given inputs");
            var delim = p.GetValue(delimiter)!;
            if (delim.Length != 1) throw new UsageException("--delimiter must be one character");
            int threads = common.ThreadCount(p);
            // One file: all threads go to ONNX Runtime; many files: one image per thread.
            int workers = files.Count == 1 ? 1 : threads;
            int intraOp = files.Count == 1 ? threads : 1;
            var measureList = p.GetValue(measures) is { } m
                ? (m.Trim().Equals("none", StringComparison.OrdinalIgnoreCase) ? [] : m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                : null;
            FaceQualityAssessor assessor;
            try
            {
                assessor = FaceQualityAssessor.Create(new AssessorOptions
                {
                    Face = common.Analyzer(p, FaceParts.All, p.GetValue(allFaces), intraOp),
                    Measures = measureList,
                    Profile = p.GetValue(profile),
                    UnifiedMethods = p.GetValue(unified)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
                    Decode = common.Decode(p),
                });
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message, e);
            }
            using (assessor)
            {
                assessor.Warm();
                var outPath = p.GetValue(output);
                using var writer = outPath is null ? null : OpenOutput(outPath);
                var sink = writer ?? io.Out;
                bool csv = p.GetValue(format) == "csv";
                var csvWriter = csv ? new OfiqCsv(assessor.Measures, delim[0]) : null;
                if (csvWriter is not null) sink.WriteLine(csvWriter.Header);
                bool withEmbedding = p.GetValue(embeddings);
                int ok = 0, noFace = 0, errors = 0, passed = 0, failed = 0;
                BatchRunner.Run(files, assessor.Assess, workers, io.Error, r =>
                {
                    var lines = csvWriter is not null ? csvWriter.Rows(r) : FaceJson.Records(r, withEmbedding);
                    foreach (var line in lines) sink.WriteLine(line);
                    sink.Flush();
                    switch (r.Status)
                    {
                        case FileStatus.Ok: ok++; break;
                        case FileStatus.NoFace: noFace++; break;
                        default: errors++; io.Error.WriteLine($"fiqa: {r.File}: {r.Analysis.Error}"); break;
                    }
                    foreach (var f in r.Faces)
                    {
                        if (f.Verdict is null) continue;
                        if (f.Verdict.Pass) passed++; else failed++;
                    }
                });
                var verdicts = assessor.Profile is null ? "" : $"; profile {assessor.Profile.Name}: {passed} face(s) pass, {failed} fail";
                io.Error.WriteLine($"fiqa assess: {files.Count} file(s): {ok} with faces, {noFace} without, {errors} unreadable{verdicts}");
            }
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

using System.CommandLine;
using Fiqa.Batch;
using Fiqa.Face;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Cli;

/// <summary><c>fiqa assess PATH...</c>: one JSON line (or CSV row) per face, or per unreadable / face-less file, with
/// the quality components and, with a profile, the verdict.</summary>
internal static class AssessCommand
{
    public static Command Create(CliOutput io)
    {
        var common = new CommonOptions();
        var inputs = new Argument<string[]>("inputs") { Description = "Image files, folders (recursive) or @list.txt files (one path per line, relative to the list)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out", "-o") { Description = "Write here instead of stdout: a file, '-' for stdout, or a pipe or device (/dev/null)" };
        var embeddings = new Option<bool>("--embeddings") { Description = "Include the 512-D unit embedding (JSONL only)" };
        var allFaces = new Option<bool>("--all-faces") { Description = "A record for every face, not only the primary (largest)" };
        var measures = new Option<string?>("--measures") { Description = "Comma-separated quality measures (default: all; see 'fiqa measures'); 'none' for none" };
        var profile = new Option<string?>("--profile") { Description = $"Verdict profile: {string.Join(", ", VerdictProfile.BuiltIn)}, or a JSON file (see 'fiqa profiles')" };
        var autoRotate = new Option<bool>("--auto-rotate") { Description = "Assess a face found at 90°/180°/270° upright, without the 'image rotated' reason" };
        var assumeUpright = new Option<bool>("--assume-upright") { Description = "Do not look for faces turned by 90°/180°/270° (saves up to three embedder passes on unclear faces)" };
        var failOnReject = new Option<bool>("--fail-on-reject") { Description = $"Exit {ExitCodes.Rejected} when any file or face fails the profile (needs --profile)" };
        var unified = new Option<string?>("--unified")
        {
            Description = $"Comma-separated unified quality methods: {string.Join(", ", UnifiedCatalogue.Methods.Entries.Where(e => e.Descriptor.Kind == UnifiedMethodKind.Blind).Select(e => e.Syntax()))} (see 'fiqa methods')",
        };
        var format = new Option<string?>("--format") { Description = "jsonl, csv (OFIQ-compatible columns, then the unified methods) or parquet (schema in docs/batch.md); default: from the --out extension (.csv, .parquet), else jsonl" };
        format.AcceptOnlyFromAmong([.. RecordSinks.Formats]);
        var delimiter = new Option<string>("--delimiter") { Description = "CSV delimiter (';' for OFIQ parity)", DefaultValueFactory = _ => "," };
        var mappings = MappingsCommand.Option();
        var annotate = new Option<string?>("--annotate") { Description = "Also write each file's annotated image (box, landmarks, aligned crop, failing regions) as PNG into this folder, at its input path + .png; records name it (annotation)" };
        var batch = new BatchCliOptions();
        var command = new Command("assess", "Detect faces and assess their quality; writes JSONL records, CSV rows or Parquet")
        {
            inputs, output, embeddings, allFaces, measures, profile, autoRotate, assumeUpright, failOnReject, unified, format, delimiter, annotate, mappings,
        };
        batch.AddTo(command);
        common.AddTo(command);
        command.SetAction(p =>
        {
            var outPath = p.GetValue(output);
            var fmt = RecordSinks.FormatFor(outPath, p.GetValue(format));
            bool csv = fmt == "csv";
            var delim = p.GetValue(delimiter)!;
            if (delim.Length != 1) throw new UsageException($"--delimiter must be one character, got '{delim}'");
            if (fmt != "jsonl" && p.GetValue(embeddings)) throw new UsageException($"--embeddings needs --format jsonl: a {(csv ? "CSV row" : "Parquet row")} has no room for 512 floats");
            if (p.GetValue(allFaces) && p.GetValue(common.Aligned)) throw new UsageException("--all-faces cannot be combined with --aligned: an aligned crop is one face");
            if (p.GetValue(autoRotate) && p.GetValue(assumeUpright)) throw new UsageException("--auto-rotate and --assume-upright contradict each other");
            if (p.GetValue(failOnReject) && p.GetValue(profile) is null) throw new UsageException("--fail-on-reject needs --profile: without a profile nothing is rejected");
            if (fmt == "parquet" && (outPath is null || OutputTarget.Classify(outPath) != OutputKind.File))
                throw new UsageException($"--format parquet needs --out FILE, a regular file: Parquet is not a stream format{(outPath is null ? "" : $"; {outPath} is {BatchCli.Describe(outPath)}")}");
            var run = batch.Parse(p, outPath);
            var args = p.GetRequiredValue(inputs);
            // The inputs stream; the first two decide whether there is anything to do and how to spend the threads.
            var head = InputFiles.Stream(args, new InputScan()).Take(2).ToList();
            if (head.Count == 0) throw new UsageException("no image files found in the given inputs");
            int threads = common.ThreadCount(p);
            // One file: all threads go to ONNX Runtime; many files: one image per thread.
            int workers = head.Count == 1 ? 1 : threads;
            int intraOp = head.Count == 1 ? threads : 1;
            var options = new AssessorOptions
            {
                Face = common.Analyzer(p, FaceParts.All, p.GetValue(allFaces), intraOp),
                Measures = AssessorOptions.ParseNames(p.GetValue(measures)),
                Profile = p.GetValue(profile),
                AutoRotate = p.GetValue(autoRotate),
                DetectRotation = !p.GetValue(assumeUpright),
                UnifiedMethods = AssessorOptions.ParseNames(p.GetValue(unified)) ?? [],
                Decode = common.Decode(p),
                Mappings = MappingsCommand.Load(p, mappings),
            };
            if (outPath is not null && Directory.Exists(outPath)) throw new UsageException($"--out {outPath} is a folder; give a file path (e.g. {Path.Combine(outPath, "results.jsonl")})");
            FaceQualityAssessor assessor;
            try
            {
                assessor = FaceQualityAssessor.Create(options);
            }
            catch (ArgumentException e)
            {
                throw UsageException.From(e);
            }
            using (assessor)
            {
                assessor.Warm();
                bool withEmbedding = p.GetValue(embeddings);
                var annotator = p.GetValue(annotate) is { } annotateDir ? new Annotator(OutputFile.Folder(annotateDir, "--annotate"), options.Decode, io.Error) : null;
                var sinkOptions = new RecordSinkOptions
                {
                    Format = fmt, Measures = assessor.Measures, Unified = assessor.UnifiedMethods, Embeddings = withEmbedding, Delimiter = delim[0],
                    Provenance = run.Provenance || fmt == "parquet",
                    Fingerprint = Fiqa.Batch.Fingerprint.Of(assessor, $"embeddings={withEmbedding}" + (annotator is null ? "" : ";annotate")),
                    AnnotationPath = annotator is null ? null : annotator.PathFor,
                };
                using var state = run.StatePath is null ? null : BatchCli.OpenState(io, "fiqa assess", run, outPath!, fmt, sinkOptions.Fingerprint);
                using var sink = BatchCli.OpenSink(io, outPath, sinkOptions, state);
                int ok = 0, noFace = 0, errors = 0, passed = 0, failed = 0;
                var reasonCounts = new Dictionary<string, int>(StringComparer.Ordinal);
                var scan = new InputScan();
                var batchOptions = run.Batch(workers, sinkOptions.Provenance, options.Decode.MaxBytes) with
                {
                    TotalSource = () => InputFiles.Stream(args, new InputScan()),
                };
                var summary = BatchCli.Run(io, "fiqa assess", InputFiles.Stream(args, scan), BatchRun.Assess(assessor), sink, state, batchOptions, run.ProgressInterval, (r, _) =>
                {
                    annotator?.Write(r);
                    switch (r.Status)
                    {
                        case FileStatus.Ok: ok++; break;
                        case FileStatus.NoFace: noFace++; break;
                        default: errors++; io.Error.WriteLine($"fiqa: {r.File}: {r.Analysis.Error}"); break;
                    }
                    var verdicts = r.Faces.Count > 0 ? r.Faces.Select(f => f.Verdict) : [r.FileVerdict];
                    foreach (var v in verdicts)
                    {
                        if (v is null) continue;
                        if (v.Pass) passed++; else failed++;
                        foreach (var code in v.Codes) reasonCounts[code] = reasonCounts.GetValueOrDefault(code) + 1;
                    }
                });
                if (scan.SkippedSummary is { } skipped) io.Error.WriteLine($"fiqa assess: {skipped}");
                var verdictSummary = assessor.Profile is null ? "" : $"; profile {assessor.Profile.Name}: {passed} pass, {failed} fail";
                io.Error.WriteLine($"fiqa assess: {summary.Processed} file(s): {ok} with faces, {noFace} without, {errors} unreadable{verdictSummary}");
                if (reasonCounts.Count > 0)
                    io.Error.WriteLine("fiqa assess: reasons: " + string.Join(", ", reasonCounts
                        .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}")));
                io.Error.WriteLine(BatchCli.TimingLine("fiqa assess", summary));
                if (p.GetValue(failOnReject) && failed > 0) return ExitCodes.Rejected;
            }
            return ExitCodes.Success;
        });
        return command;
    }
}

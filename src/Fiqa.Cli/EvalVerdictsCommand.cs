using System.CommandLine;
using Fiqa.Evaluation;
using Fiqa.Face;
using Fiqa.Quality;

namespace Fiqa.Cli;

/// <summary><c>fiqa eval-verdicts --labels L.csv --images DIR --profile P --out DIR</c>: a profile's reason codes against
/// photos labelled by looking (benchmarks/verdicts/README.md); writes verdicts.md, verdicts.json and photos.csv, prints the
/// Markdown.</summary>
internal static class EvalVerdictsCommand
{
    public static Command Create(CliOutput io)
    {
        var common = new CommonOptions();
        var labels = new Option<string>("--labels") { Description = "Label CSV: file, skin_tone, split, one 0/1 column per label, unclear, note (benchmarks/verdicts/lfw-labels.csv)", Required = true };
        var images = new Option<string>("--images") { Description = "Folder the label file's paths are relative to (LFW: lfw-deepfunneled)", Required = true };
        var profile = new Option<string>("--profile") { Description = $"Verdict profile: {string.Join(", ", VerdictProfile.BuiltIn)}, or a JSON file", DefaultValueFactory = _ => "enrolment" };
        var output = new Option<string>("--out", "-o") { Description = "Output folder: verdicts.md, verdicts.json, photos.csv (one row per photo: labels and the codes that fired)", Required = true };
        var mappings = MappingsCommand.Option();
        var progressInterval = ProgressMeter.IntervalOption();
        var command = new Command("eval-verdicts", "Precision and recall of each reason code against photos labelled by looking, per split and skin tone")
        {
            labels, images, profile, output, mappings, progressInterval,
        };
        common.AddTo(command);
        command.SetAction(p =>
        {
            var imageRoot = p.GetRequiredValue(images);
            if (!Directory.Exists(imageRoot)) throw new UsageException($"--images folder not found: {imageRoot}");
            var photos = ReadLabels(p.GetRequiredValue(labels));
            int threads = common.ThreadCount(p);
            double interval = ProgressMeter.Interval(p, progressInterval);
            var outDir = OutputFile.Folder(p.GetRequiredValue(output));
            FaceQualityAssessor assessor;
            try
            {
                assessor = FaceQualityAssessor.Create(new AssessorOptions
                {
                    Face = common.Analyzer(p, FaceParts.All, allFaces: false, intraOpThreads: 1),
                    Profile = p.GetValue(profile),
                    Decode = common.Decode(p),
                    Mappings = MappingsCommand.Load(p, mappings),
                });
            }
            catch (ArgumentException e)
            {
                throw UsageException.From(e);
            }
            using (assessor)
            {
                var meter = new ProgressMeter(io.Error, "fiqa eval-verdicts", interval, "images");
                var gate = new object();
                var observations = ReadImages(() => VerdictBenchmark.Observe(assessor, imageRoot, photos, threads, (done, total) => { lock (gate) meter.Report(done, total); }));
                var profileInUse = assessor.Profile!;
                var report = VerdictBenchmark.Evaluate(profileInUse.Name, profileInUse.Requirements.Select(r => r.Code).Distinct().ToList(), observations);
                var markdown = VerdictBenchmark.ToMarkdown(report);
                Write(Path.Combine(outDir, "verdicts.md"), markdown);
                Write(Path.Combine(outDir, "verdicts.json"), VerdictBenchmark.ToJson(report));
                Write(Path.Combine(outDir, "photos.csv"), VerdictBenchmark.ToCsv(observations));
                io.Out.Write(markdown);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The label file, or a usage error naming what is wrong with it.</summary>
    internal static IReadOnlyList<LabelledPhoto> ReadLabels(string path)
    {
        try
        {
            return VerdictBenchmark.ReadLabels(OutputFile.Existing(path, "--labels"));
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message, e);
        }
    }

    /// <summary>Runs a pass over the labelled images; a missing or undecodable one fails the command with its path.</summary>
    internal static T ReadImages<T>(Func<T> pass)
    {
        try
        {
            return pass();
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            throw new CommandFailedException(e.Message, e);
        }
        catch (AggregateException e) when (e.InnerException is FileNotFoundException or InvalidDataException)
        {
            throw new CommandFailedException(e.InnerException.Message, e.InnerException);
        }
    }

    internal static void Write(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"cannot write {path}: {e.Message}", e);
        }
    }
}

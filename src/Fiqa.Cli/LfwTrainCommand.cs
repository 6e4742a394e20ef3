using System.CommandLine;
using Fiqa.Evaluation;
using Fiqa.Face;
using Fiqa.Training;

namespace Fiqa.Cli;

/// <summary><c>fiqa train-quality-lfw</c>: the quality head learned from LFW's natural photos with LFW's own protocol
/// (settings on View 1, cross-fitted figures on View 2): parse, call <see cref="LfwQualityTraining"/>, print.</summary>
internal static class LfwTrainCommand
{
    public static Command Create(CliOutput io)
    {
        var common = new CommonOptions();
        var lfw = new Option<string>("--lfw") { Description = "LFW folder: the protocol files (people.txt, pairs.txt, View 1 files) and lfw-deepfunneled/", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Report folder: View 2 comparisons.csv and qualities.csv (for fiqa eval), report.md, the split lists", Required = true };
        var cache = new Option<string?>("--cache") { Description = "Per-image cache folder (default: $FIQA_CACHE/train, else ~/.cache/fiqa/train)" };
        var collectOnly = new Option<bool>("--collect-only") { Description = "Only run (and cache) the per-image pass" };
        var headOut = new Option<string?>("--head-out") { Description = "Write the head of the recipe View 1 selects, trained on every View 2 person, here (nothing is written when a single method wins)" };
        var recipes = new Option<string>("--recipes") { Description = $"Head recipes to compare: all, or some of {string.Join(",", LfwRecipes.All.Select(r => r.Name))}", DefaultValueFactory = _ => "all" };
        var qualities = new Option<string[]>("--qualities")
        {
            Description = "qualities.csv files of further blind methods (fiqa eval's, e.g. perturb on the images of View 2's mated pairs): added to the View 2 pair table",
            AllowMultipleArgumentsPerToken = true,
        };
        var everyHead = new Option<string?>("--every-head") { Description = "Also write each recipe's head trained on every View 2 person to this folder (RECIPE.json), to check candidates on other benchmarks" };
        var seed = new Option<int>("--seed") { Description = "Seed of every head's initial weights and sample order", DefaultValueFactory = _ => 1 };
        var command = new Command("train-quality-lfw", "Train and evaluate quality heads on LFW identity-disjointly (View 1 selects, View 2 reports by cross-fitting)")
        {
            lfw, output, cache, collectOnly, headOut, recipes, qualities, everyHead, seed,
        };
        common.AddTo(command);
        command.SetAction(p =>
        {
            var face = common.Analyzer(p, FaceParts.Embedding, allFaces: false, intraOpThreads: 1);
            var paths = face.Paths!;
            LfwProtocol protocol;
            List<LfwHeadRecipe> chosen;
            List<QualityTable> further;
            try
            {
                protocol = LfwProtocol.Load(p.GetRequiredValue(lfw));
                _ = protocol.ImageRoot;
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                throw new UsageException($"--lfw: {e.Message}", e);
            }
            try
            {
                chosen = LfwRecipes.Parse(p.GetValue(recipes)!, p.GetValue(seed));
                further = (p.GetValue(qualities) ?? []).Select(f => ScoreFiles.ReadQualities(OutputFile.Existing(f, "--qualities file"))).ToList();
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                throw new UsageException(e.Message, e);
            }
            var run = new LfwTrainingRunOptions
            {
                Protocol = protocol, Recipes = chosen, Face = face, Decode = common.Decode(p), Threads = common.ThreadCount(p), CacheFolder = p.GetValue(cache),
                FurtherQualities = further,
                // train-quality's own collection with its defaults (plan, split, seed, cache), for the +degraded recipes.
                Breadth = chosen.Any(r => r.Breadth)
                    ? new DistillationRunOptions
                    {
                        Data = DistillationRunOptions.DefaultData.Select(d => CliPaths.RequireData(paths, d)).ToArray(), ImageExtensions = InputFiles.ImageExtensions,
                        Face = face, Decode = common.Decode(p), Threads = common.ThreadCount(p),
                    }
                    : null,
            };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var progress = new LfwTrainingProgress
            {
                Scored = (done, total) => { if (done % 2000 == 0 || done == total) io.Error.WriteLine($"  {done}/{total} images ({clock.Elapsed.TotalSeconds:F0} s)"); },
                Line = line => io.Error.WriteLine($"fiqa train-quality-lfw: {line}"),
            };
            LfwPassSet collection;
            try
            {
                collection = LfwTrainingRun.Collect(run, progress);
            }
            catch (FileNotFoundException e)
            {
                throw new CommandFailedException($"--lfw: {e.Message}", e);
            }
            int withFace = collection.Samples.Count(s => s.RawEmbedding is not null);
            io.Error.WriteLine($"fiqa train-quality-lfw: {collection.Samples.Count} images, {withFace} with a face, in {clock.Elapsed.TotalSeconds:F0} s");
            if (p.GetValue(collectOnly)) return ExitCodes.Success;
            var result = LfwTrainingRun.Evaluate(run, collection, OutputFile.Folder(p.GetRequiredValue(output)), progress);
            io.Out.Write(result.Report.Markdown);
            if (p.GetValue(everyHead) is { } folder)
                foreach (var r in chosen)
                    result.FinalHead(r).Save(Path.Combine(OutputFile.Folder(folder), r.Name + ".json"));
            if (p.GetValue(headOut) is { } headPath)
            {
                LfwHeadRecipe? written;
                try
                {
                    // Canonical, without this machine's paths, so a retrained file compares equal byte for byte.
                    written = LfwTrainingRun.WriteSelectedHead(result, headPath,
                        FormattableString.Invariant($"fiqa train-quality-lfw --lfw LFW --seed {p.GetValue(seed)} --recipes {p.GetValue(recipes)} --out REPORT --head-out FILE"));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CommandFailedException($"cannot write --head-out {headPath}: {e.Message}", e);
                }
                io.Error.WriteLine(written is null
                    ? $"fiqa train-quality-lfw: View 1 selects {result.Report.SelectedName}, a single method: no head written"
                    : $"fiqa train-quality-lfw: wrote {headPath} ({written.Name}, every View 2 person) and its split list");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}

using Fiqa.Quality.Records;
using System.CommandLine;
using Fiqa.Face;
using Fiqa.Imaging;
using Fiqa.Quality;
using Fiqa.Quality.Unified;

namespace Fiqa.Cli;

/// <summary><c>fiqa explain FILE</c>: FaceQAN's score of the primary face and its attribution map, written as a PNG heat
/// map over the aligned face.</summary>
internal static class ExplainCommand
{
    public static Command Create(CliOutput io)
    {
        var common = new CommonOptions();
        var input = new Argument<string>("file") { Description = "Image file" };
        var output = new Option<string>("--out", "-o") { Description = "PNG heat map to write (default: FILE's name + .faceqan.png in the current folder)" };
        var starts = new Option<int>("--starts") { Description = $"FaceQAN random starts k, 1..{FaceQan.MaxStarts}", DefaultValueFactory = _ => new FaceQanOptions().Starts };
        var scale = new Option<int>("--scale") { Description = "Enlargement of the 112×112 map, 1..16", DefaultValueFactory = _ => 4 };
        var command = new Command("explain", "FaceQAN quality explanation: which pixels the recogniser's similarity is most sensitive to, as a PNG heat map")
        {
            input, output, starts, scale,
        };
        common.AddTo(command);
        command.SetAction(p =>
        {
            int k = p.GetValue(starts), s = p.GetValue(scale);
            if (k is < 1 or > FaceQan.MaxStarts) throw new UsageException($"--starts must be in 1..{FaceQan.MaxStarts}, got {k}");
            if (s is < 1 or > 16) throw new UsageException($"--scale must be in 1..16, got {s}");
            var file = p.GetRequiredValue(input);
            var outPath = p.GetValue(output) ?? Path.GetFileNameWithoutExtension(file) + ".faceqan.png";
            using var analyzer = new FaceAnalyzer(common.Analyzer(p, FaceParts.Embedding, allFaces: false, common.ThreadCount(p)));
            var analysis = FileAnalysis.Run(analyzer, file, common.Decode(p));
            if (analysis.Status != FileStatus.Ok)
            {
                io.Error.WriteLine($"fiqa explain: {analysis.Path}: {(analysis.Status == FileStatus.NoFace ? "no face found" : analysis.Error)}");
                return ExitCodes.Failure;
            }
            var settings = new QualitySettings
            {
                Registry = analyzer.Registry, EmbedderModel = analyzer.Options.Embedder, DerivedModelDirectory = analyzer.Paths.CacheFor("derived"),
            };
            var method = new FaceQan(settings, k);
            var face = analysis.Faces[0];
            var probe = FaceQanExplanation.Probe(method, analyzer.Embedder, face);
            File.WriteAllBytes(outPath, ImageEncoder.Png(FaceQanExplanation.HeatMap(face.Aligned!.Image, probe.Attribution, s)));
            io.Out.WriteLine(FaceJson.Write(w =>
            {
                w.WriteString("file", file);
                w.WriteNumber("faceqan", Math.Round(probe.Quality, 6));
                w.WriteNumber("mean_similarity", Math.Round(probe.Similarities.Average(), 6));
                w.WriteNumber("symmetry", Math.Round(probe.Symmetry, 6));
                w.WriteNumber("starts", k);
                w.WriteString("map", outPath);
            }));
            return ExitCodes.Success;
        });
        return command;
    }
}

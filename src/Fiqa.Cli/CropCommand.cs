using System.CommandLine;
using Fiqa.Face;
using Fiqa.Imaging;

namespace Fiqa.Cli;

/// <summary><c>fiqa crop</c>: every detected face of the inputs as its own identity folder — turns group photos into
/// single-face material for <c>degrade</c> and <c>train-quality</c>.</summary>
internal static class CropCommand
{
    public static Command Create(CliOutput io)
    {
        var common = new CommonOptions();
        var inputs = new Argument<string[]>("inputs") { Description = "Images or folders", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Output root: <image>_<k>/<image>_<k>.png per face", Required = true };
        var margin = new Option<float>("--margin") { Description = "Box growth factor about its centre", DefaultValueFactory = _ => 1.8f };
        var minSize = new Option<int>("--min-size") { Description = "Skip faces whose box is narrower than this, pixels", DefaultValueFactory = _ => 48 };
        var command = new Command("crop", "Save every detected face (box grown by --margin) as its own identity folder") { inputs, output, margin, minSize };
        common.AddTo(command);
        command.SetAction(p =>
        {
            var files = InputFiles.Expand(p.GetValue(inputs)!);
            var outDir = p.GetRequiredValue(output);
            using var analyzer = new FaceAnalyzer(common.Analyzer(p, FaceParts.None, allFaces: true, intraOpThreads: common.ThreadCount(p)));
            int written = 0, failed = 0;
            foreach (var file in files)
            {
                try
                {
                    var image = ImageDecoder.Decode(file, common.Decode(p));
                    var faces = analyzer.DetectAll(image);
                    for (int k = 0; k < faces.Count; k++)
                    {
                        if (faces[k].Box.Width < p.GetValue(minSize)) continue;
                        var rect = faces[k].Box.Scale(p.GetValue(margin)).ToPixelRect(image.Width, image.Height);
                        var name = $"{Path.GetFileNameWithoutExtension(file)}_{k:D2}";
                        Directory.CreateDirectory(Path.Combine(outDir, name));
                        File.WriteAllBytes(Path.Combine(outDir, name, name + ".png"), ImageEncoder.Png(Resize.Bilinear(image, rect, rect.Width, rect.Height)));
                        written++;
                    }
                }
                catch (ImageDecodeException e)
                {
                    failed++;
                    io.Error.WriteLine($"fiqa crop: {file}: {e.Message}");
                }
            }
            io.Error.WriteLine($"fiqa crop: {written} faces from {files.Count} images written to {outDir}");
            return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}

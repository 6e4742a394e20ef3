using System.CommandLine;
using System.Globalization;
using Fiqa.Imaging;
using Fiqa.Iqa;

namespace Fiqa.Cli;

/// <summary><c>fiqa iqa</c>: classic image quality metrics, full-reference and no-reference.</summary>
internal static class IqaCommand
{
    public static Command Create(CliOutput io)
    {
        var list = new Option<bool>("--list") { Description = "List the metrics" };
        var metric = new Option<string?>("--metric") { Description = "Comma-separated metric names (pyiqa's; see --list)" };
        var reference = new Option<string?>("--ref") { Description = "Reference image (full-reference metrics)" };
        var refDir = new Option<string?>("--ref-dir") { Description = "Folder of reference images, matched to --dist-dir by file name" };
        var distDir = new Option<string?>("--dist-dir") { Description = "Folder of images to score" };
        var output = new Option<string?>("--out", "-o") { Description = "Write JSONL here instead of stdout" };
        var niqe = new Option<string?>("--niqe-params") { Description = "NIQE pristine parameters JSON (default $FIQA_NIQE_PARAMS or data/iqa/)" };
        var brisqueModel = new Option<string?>("--brisque-model") { Description = "BRISQUE model (OpenCV YAML or libsvm); default: OpenCV's LIVE model" };
        var brisqueRange = new Option<string?>("--brisque-range") { Description = "BRISQUE range file for --brisque-model" };
        var brisqueMatlab = new Option<bool>("--brisque-matlab-features") { Description = "The BRISQUE model was trained on MATLAB-release features (e.g. the original LIVE allmodel)" };
        var madLuminance = new Option<bool>("--mad-luminance") { Description = "MAD on luminance only (pyiqa's test_y_channel) instead of R, G, B averaged" };
        var images = new Argument<string[]>("images") { Description = "Image(s) to score", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("iqa", "Image quality metrics: one pair or image, or two folders")
        {
            list, metric, reference, refDir, distDir, output, niqe, brisqueModel, brisqueRange, brisqueMatlab, madLuminance, images,
        };
        command.SetAction(p =>
        {
            if (p.GetValue(list))
            {
                foreach (var d in IqaCatalogue.All)
                    io.Out.WriteLine($"{d.Name,-8} {(d.Kind == MetricKind.FullReference ? "FR" : "NR"),-3} {(d.LowerIsBetter ? "lower" : "higher"),-7} better  {d.Range,-28} {d.Reference}");
                return ExitCodes.Success;
            }
            var names = (p.GetValue(metric) ?? throw new UsageException("--metric is required (or --list)"))
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            MetricDescriptor[] descriptors;
            try
            {
                descriptors = names.Select(IqaCatalogue.Find).ToArray();
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message, e);
            }
            var files = new IqaSettings
            {
                NiqeParameters = p.GetValue(niqe),
                BrisqueModel = p.GetValue(brisqueModel),
                BrisqueRange = p.GetValue(brisqueRange),
                BrisqueConvention = p.GetValue(brisqueMatlab) ? Iqa.Metrics.BrisqueConvention.Matlab : Iqa.Metrics.BrisqueConvention.OpenCv,
                MadChannels = p.GetValue(madLuminance) ? Iqa.Metrics.MadChannels.Luminance : Iqa.Metrics.MadChannels.Rgb,
            };
            var scorers = descriptors.Select(d => (d, Scorer(d, files))).ToList();
            bool needsRef = descriptors.Any(d => d.Kind == MetricKind.FullReference);

            if (p.GetValue(distDir) is { } dd)
            {
                var rd = p.GetValue(refDir);
                if (needsRef && rd is null) throw new UsageException("full-reference metrics need --ref-dir with --dist-dir");
                var outPath = p.GetValue(output);
                using var writer = outPath is null ? null : new StreamWriter(outPath);
                var sink = writer ?? io.Out;
                foreach (var dist in Directory.EnumerateFiles(dd).Where(f => InputFiles.ImageExtensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal))
                {
                    var refPath = rd is null ? null : Path.Combine(rd, Path.GetFileName(dist));
                    sink.WriteLine(Record(dist, refPath, scorers, io));
                    sink.Flush();
                }
                return ExitCodes.Success;
            }

            var imgs = p.GetValue(images) ?? [];
            if (imgs.Length == 0) throw new UsageException("give an image to score, or --dist-dir");
            var single = p.GetValue(reference);
            if (needsRef && single is null) throw new UsageException("full-reference metrics need --ref REF");
            foreach (var path in imgs)
            {
                RgbImage? refImage = null, image;
                try
                {
                    image = ImageDecoder.Decode(path);
                    if (single is not null) refImage = ImageDecoder.Decode(single);
                }
                catch (ImageDecodeException e)
                {
                    io.Error.WriteLine($"fiqa iqa: {e.Message}");
                    return ExitCodes.Failure;
                }
                foreach (var (d, score) in scorers)
                    io.Out.WriteLine(FaceJson.Write(w =>
                    {
                        w.WriteString("metric", d.Name);
                        if (imgs.Length > 1) w.WriteString("file", path);
                        WriteNumber(w, "score", score(refImage, image));
                        w.WriteBoolean("lower_better", d.LowerIsBetter);
                    }));
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Func<RgbImage?, RgbImage, double> Scorer(MetricDescriptor d, IqaSettings files)
    {
        if (d.Kind == MetricKind.FullReference)
        {
            var m = IqaCatalogue.CreateFullReference(d.Name, files);
            return (r, x) => m.Score(r ?? throw new ArgumentException($"{d.Name} needs a reference image"), x);
        }
        var nr = IqaCatalogue.CreateNoReference(d.Name, files); // FileNotFoundException → setup error with the install hint
        return (_, x) => nr.Score(x);
    }

    private static string Record(string dist, string? refPath, List<(MetricDescriptor D, Func<RgbImage?, RgbImage, double> Score)> scorers, CliOutput io)
    {
        RgbImage image;
        RgbImage? reference = null;
        try
        {
            image = ImageDecoder.Decode(dist);
            if (refPath is not null && scorers.Any(s => s.D.Kind == MetricKind.FullReference))
            {
                if (!File.Exists(refPath)) throw new ImageDecodeException($"no reference {refPath}");
                reference = ImageDecoder.Decode(refPath);
            }
        }
        catch (ImageDecodeException e)
        {
            io.Error.WriteLine($"fiqa iqa: {dist}: {e.Message}");
            return FaceJson.Write(w => { w.WriteString("file", dist); w.WriteString("status", "error"); w.WriteString("error", e.Message); });
        }
        return FaceJson.Write(w =>
        {
            w.WriteString("file", dist);
            w.WriteString("status", "ok");
            foreach (var (d, score) in scorers)
            {
                try
                {
                    WriteNumber(w, d.Name, score(reference, image));
                }
                catch (ArgumentException e)
                {
                    w.WriteNull(d.Name);
                    w.WriteString(d.Name + "_error", e.Message);
                }
            }
        });
    }

    private static void WriteNumber(System.Text.Json.Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteString(name, v.ToString(CultureInfo.InvariantCulture));
    }
}

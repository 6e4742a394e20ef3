using System.CommandLine;
using Fiqa.Imaging;
using Fiqa.Iqa;

namespace Fiqa.Cli;

/// <summary><c>fiqa iqa</c>: image quality metrics, full-reference and no-reference, on one image (pair) or two folders.</summary>
internal static class IqaCommand
{
    public static Command Create(CliOutput io)
    {
        var list = new Option<bool>("--list") { Description = "List the metrics" };
        var metric = new Option<string?>("--metric") { Description = $"Comma-separated metric names (pyiqa's): {string.Join(", ", IqaCatalogue.Metrics.Syntax)}" };
        var reference = new Option<string?>("--ref") { Description = "Reference image (full-reference metrics)" };
        var refDir = new Option<string?>("--ref-dir") { Description = "Folder of reference images, matched to --dist-dir by file name" };
        var distDir = new Option<string?>("--dist-dir") { Description = "Folder of images to score" };
        var output = new Option<string?>("--out", "-o") { Description = "Write JSONL here instead of stdout: a file, '-' for stdout, or a pipe or device" };
        var niqe = new Option<string?>("--niqe-params") { Description = "NIQE pristine parameters JSON (default $FIQA_NIQE_PARAMS, else the installed data/iqa/)" };
        var brisqueModel = new Option<string?>("--brisque-model") { Description = "BRISQUE model (OpenCV YAML or libsvm); default: OpenCV's LIVE model" };
        var brisqueRange = new Option<string?>("--brisque-range") { Description = "BRISQUE range file for --brisque-model" };
        var brisqueMatlab = new Option<bool>("--brisque-matlab-features") { Description = "The BRISQUE model was trained on MATLAB-release features (e.g. the original LIVE allmodel)" };
        var madLuminance = new Option<bool>("--mad-luminance") { Description = "MAD on luminance only (pyiqa's test_y_channel) instead of R, G, B averaged" };
        var images = new Argument<string[]>("images") { Description = "Image(s) to score", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("iqa", "Image quality metrics: one image or pair, or two folders")
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
                throw UsageException.From(e);
            }
            bool needsRef = descriptors.Any(d => d.Kind == MetricKind.FullReference);
            var imgs = p.GetValue(images) ?? [];
            var dd = p.GetValue(distDir);
            if (dd is null && imgs.Length == 0) throw new UsageException("give an image to score, or --dist-dir");
            if (dd is not null && imgs.Length > 0) throw new UsageException("give images or --dist-dir, not both");
            var single = p.GetValue(reference);
            var rd = p.GetValue(refDir);
            if (dd is null && needsRef && single is null) throw new UsageException($"{string.Join(", ", descriptors.Where(d => d.Kind == MetricKind.FullReference).Select(d => d.Name))}: full-reference, give --ref REF");
            if (dd is not null && needsRef && rd is null) throw new UsageException("full-reference metrics need --ref-dir with --dist-dir");
            if (dd is not null && !Directory.Exists(dd)) throw new UsageException($"--dist-dir not found: {dd}");
            if (rd is not null && !Directory.Exists(rd)) throw new UsageException($"--ref-dir not found: {rd}");

            var defaults = IqaSettings.FromPaths(CliPaths.Resolve());
            var settings = defaults with
            {
                NiqeParameters = p.GetValue(niqe) ?? defaults.NiqeParameters,
                BrisqueModel = p.GetValue(brisqueModel) ?? defaults.BrisqueModel,
                BrisqueRange = p.GetValue(brisqueRange) ?? defaults.BrisqueRange,
                BrisqueConvention = p.GetValue(brisqueMatlab) ? Iqa.Metrics.BrisqueConvention.Matlab : Iqa.Metrics.BrisqueConvention.OpenCv,
                MadChannels = p.GetValue(madLuminance) ? Iqa.Metrics.MadChannels.Luminance : Iqa.Metrics.MadChannels.Rgb,
            };
            IIqaMetric[] metrics;
            try
            {
                metrics = descriptors.Select(d => IqaCatalogue.Create(d.Name, settings)).ToArray();
            }
            catch (FileNotFoundException e)
            {
                throw new CommandFailedException(e.Message, e);
            }
            var outPath = p.GetValue(output);
            using var writer = OutputFile.OpenUnlessStdout(outPath);
            var sink = writer ?? io.Out;

            if (dd is not null)
            {
                foreach (var dist in Directory.EnumerateFiles(dd).Where(f => InputFiles.ImageExtensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal))
                {
                    var refPath = rd is null ? null : Path.Combine(rd, Path.GetFileName(dist));
                    sink.WriteLine(FolderRecord(dist, refPath, metrics, io));
                    sink.Flush();
                }
                return ExitCodes.Success;
            }

            // Single image or pair: an unreadable file or a metric that cannot score the pair ends the run with its reason.
            // The reference decodes on a second core while the first image does (a 2 MP PNG is ≈ 40 ms of one core).
            var pendingRef = single is null ? null : Task.Run(() => Decode(single, "reference"));
            RgbImage? refImage = null;
            int code = ExitCodes.Success;
            foreach (var path in imgs)
            {
                RgbImage? decoded = null;
                CommandFailedException? unreadable = null;
                try
                {
                    decoded = Decode(path, "image");
                }
                catch (CommandFailedException e)
                {
                    unreadable = e;
                }
                // An unreadable reference ends the run before any image is reported, as when it was decoded first.
                if (pendingRef is not null)
                {
                    refImage = pendingRef.GetAwaiter().GetResult();
                    pendingRef = null;
                }
                if (decoded is not { } image)
                {
                    io.Error.WriteLine($"fiqa iqa: {unreadable!.Message}");
                    code = ExitCodes.Failure;
                    continue;
                }
                foreach (var m in metrics)
                {
                    var result = m.Assess(image, refImage);
                    if (result.Status != MeasureStatus.Success)
                    {
                        io.Error.WriteLine($"fiqa iqa: {path} against {single}: {result.Reason}");
                        code = ExitCodes.Failure;
                        continue;
                    }
                    sink.WriteLine(IqaRecords.Score(m.Descriptor, result.RawOrNaN, imgs.Length > 1 ? path : null));
                    sink.Flush();
                }
            }
            return code;
        });
        return command;
    }

    private static RgbImage Decode(string path, string what)
    {
        try
        {
            return ImageDecoder.Decode(path);
        }
        catch (ImageDecodeException e)
        {
            throw new CommandFailedException($"{what} {path}: {e.Message}", e);
        }
    }

    private static string FolderRecord(string dist, string? refPath, IIqaMetric[] metrics, CliOutput io)
    {
        RgbImage image;
        RgbImage? reference = null;
        try
        {
            image = ImageDecoder.Decode(dist);
            if (refPath is not null && metrics.Any(m => m.Descriptor.Kind == MetricKind.FullReference))
            {
                if (!File.Exists(refPath)) throw new ImageDecodeException($"no reference {refPath}");
                reference = ImageDecoder.Decode(refPath);
            }
        }
        catch (ImageDecodeException e)
        {
            io.Error.WriteLine($"fiqa iqa: {dist}: {e.Message}");
            return JsonLine.Write(w => { w.WriteString("file", dist); w.WriteString("status", "error"); w.WriteString("error", e.Message); });
        }
        return JsonLine.Write(w =>
        {
            w.WriteString("file", dist);
            w.WriteString("status", "ok");
            foreach (var m in metrics)
                IqaRecords.WriteResult(w, m.Descriptor, m.Assess(image, reference));
        });
    }
}

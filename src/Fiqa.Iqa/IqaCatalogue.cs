using Fiqa.Iqa.Metrics;

namespace Fiqa.Iqa;

/// <summary>Model files and conventions of the metrics that have them; <see cref="FromPaths"/> gives the installed
/// defaults, which reproduce the calibration values.</summary>
public sealed record IqaSettings
{
    /// <summary>NIQE pristine parameters (JSON).</summary>
    public required string NiqeParameters { get; init; }
    /// <summary>BRISQUE SVR model (OpenCV YAML or libsvm).</summary>
    public required string BrisqueModel { get; init; }
    /// <summary>BRISQUE feature ranges matching the model.</summary>
    public required string BrisqueRange { get; init; }
    /// <summary>Feature convention the BRISQUE model was trained with (OpenCV for the default model, MATLAB for the
    /// original LIVE release).</summary>
    public BrisqueConvention BrisqueConvention { get; init; } = BrisqueConvention.OpenCv;
    /// <summary>Planes MAD runs on (R, G, B averaged as pyiqa does, or luminance only).</summary>
    public MadChannels MadChannels { get; init; } = MadChannels.Rgb;
    /// <summary>Where the models are, for metrics computed on a network (<c>deepwsd_fr</c>); null: resolved from the
    /// environment.</summary>
    public FiqaPaths? Paths { get; init; }
    /// <summary>The pipeline's sessions, when the metric should share them; null: the metric opens its own.</summary>
    public Fiqa.Onnx.SessionRegistry? Sessions { get; init; }

    /// <summary>The installed files: NIQE's parameters and OpenCV's LIVE BRISQUE model under the data folder.</summary>
    public static IqaSettings FromPaths(FiqaPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return new IqaSettings
        {
            NiqeParameters = paths.NiqeParameters,
            BrisqueModel = paths.IqaFile("brisque_model_live.yml"),
            BrisqueRange = paths.IqaFile("brisque_range_live.yml"),
            Paths = paths,
        };
    }
}

/// <summary>A metric catalogue entry: the descriptor and the factory.</summary>
public sealed record MetricEntry(MetricDescriptor Descriptor, Func<IqaSettings, IIqaMetric> Create) : ICatalogueEntry
{
    /// <inheritdoc />
    public string Name => Descriptor.Name;
    /// <inheritdoc />
    public string? Parameter => null;
}

/// <summary>Every IQA metric, by pyiqa's name: one line per metric.</summary>
public static class IqaCatalogue
{
    /// <summary>The catalogue.</summary>
    public static Catalogue<MetricEntry> Metrics { get; } = new("IQA metric",
    [
        new(Psnr.Info, _ => new Psnr()),
        new(Ssim.Info, _ => new Ssim()),
        new(MsSsim.Info, _ => new MsSsim()),
        new(CwSsim.Info, _ => new CwSsim()),
        new(Gmsd.Info, _ => new Gmsd()),
        new(Vif.Info, _ => new Vif()),
        new(Fsim.Info, _ => new Fsim()),
        new(Vsi.Info, _ => new Vsi()),
        new(Nlpd.Info, _ => new Nlpd()),
        new(Mad.Info, s => new Mad(new MadOptions { Channels = s.MadChannels })),
        new(Niqe.Info, s => new Niqe(NiqeParameters.Load(s.NiqeParameters))),
        new(Brisque.Info, s => new Brisque(BrisqueModel.Load(s.BrisqueModel, s.BrisqueRange), s.BrisqueConvention)),
        new(Piqe.Info, _ => new Piqe()),
        new(DeepWsdFr.Info, s => new DeepWsdFr(new DeepWsdFrOptions(), s.Sessions, s.Paths)),
    ]);

    /// <summary>Every descriptor, in catalogue order.</summary>
    public static IReadOnlyList<MetricDescriptor> All { get; } = Metrics.Entries.Select(e => e.Descriptor).ToList();

    /// <summary>The descriptor of a metric name (case-insensitive); the error lists the valid names and the closest one.</summary>
    public static MetricDescriptor Find(string name) => Metrics.Find(name).Descriptor;

    /// <summary>Creates a metric by name, loading its model files (a missing file is a <see cref="FileNotFoundException"/>
    /// naming it).</summary>
    public static IIqaMetric Create(string name, IqaSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Metrics.Find(name).Create(settings);
    }
}

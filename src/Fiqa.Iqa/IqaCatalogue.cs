using Fiqa.Iqa.Metrics;

namespace Fiqa.Iqa;

/// <summary>Model files and conventions of the metrics that have them; the defaults reproduce the calibration values.</summary>
public sealed record IqaSettings
{
    /// <summary>NIQE pristine parameters (JSON); default <c>$FIQA_NIQE_PARAMS</c>, else data/iqa/niqe_pristine_params.json.</summary>
    public string? NiqeParameters { get; init; }
    /// <summary>BRISQUE SVR model (OpenCV YAML or libsvm); default data/iqa/brisque_model_live.yml.</summary>
    public string? BrisqueModel { get; init; }
    /// <summary>BRISQUE feature ranges matching the model; default data/iqa/brisque_range_live.yml.</summary>
    public string? BrisqueRange { get; init; }
    /// <summary>Feature convention the BRISQUE model was trained with (OpenCV for the default model, MATLAB for the
    /// original LIVE release).</summary>
    public BrisqueConvention BrisqueConvention { get; init; } = BrisqueConvention.OpenCv;
    /// <summary>Planes MAD runs on (R, G, B averaged as pyiqa does, or luminance only).</summary>
    public MadChannels MadChannels { get; init; } = MadChannels.Rgb;

    internal static string DataFile(string name) => Path.Combine(ProjectPaths.DataDirectory(), "iqa", name);
}

/// <summary>Every IQA metric, by pyiqa's name.</summary>
public static class IqaCatalogue
{
    /// <summary>The metrics implemented, as data.</summary>
    public static IReadOnlyList<MetricDescriptor> All { get; } =
        [Psnr.Info, Ssim.Info, MsSsim.Info, CwSsim.Info, Gmsd.Info, Vif.Info, Fsim.Info, Vsi.Info, Nlpd.Info, Mad.Info, Niqe.Info, Brisque.Info, Piqe.Info];

    /// <summary>The descriptor of a metric name (case-insensitive); the error lists the known names.</summary>
    public static MetricDescriptor Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown metric '{name}'; known: {string.Join(", ", All.Select(d => d.Name))}", nameof(name));

    /// <summary>Creates a full-reference metric.</summary>
    public static IFullReferenceMetric CreateFullReference(string name, IqaSettings? settings = null) => Find(name).Name switch
    {
        "psnr" => new Psnr(),
        "ssim" => new Ssim(),
        "ms_ssim" => new MsSsim(),
        "cw_ssim" => new CwSsim(),
        "gmsd" => new Gmsd(),
        "vif" => new Vif(),
        "fsim" => new Fsim(),
        "vsi" => new Vsi(),
        "nlpd" => new Nlpd(),
        "mad" => new Mad(new MadOptions { Channels = (settings ?? new IqaSettings()).MadChannels }),
        var n => throw new ArgumentException($"{n} is a no-reference metric"),
    };

    /// <summary>Creates a no-reference metric, loading its model files.</summary>
    public static INoReferenceMetric CreateNoReference(string name, IqaSettings? settings = null)
    {
        var files = settings ?? new IqaSettings();
        return Find(name).Name switch
        {
            "niqe" => new Niqe(NiqeParameters.Load(files.NiqeParameters
                ?? (Environment.GetEnvironmentVariable(NiqeParameters.EnvironmentVariable) is { Length: > 0 } env ? env : IqaSettings.DataFile("niqe_pristine_params.json")))),
            "piqe" => new Piqe(),
            "brisque" => new Brisque(Metrics.BrisqueModel.Load(
                files.BrisqueModel ?? IqaSettings.DataFile("brisque_model_live.yml"),
                files.BrisqueRange ?? IqaSettings.DataFile("brisque_range_live.yml")), files.BrisqueConvention),
            var n => throw new ArgumentException($"{n} is a full-reference metric"),
        };
    }
}

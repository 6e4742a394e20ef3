namespace Fiqa;

/// <summary>Paths a caller sets explicitly; null leaves the value to <see cref="FiqaPaths.Resolve"/>.</summary>
public sealed record FiqaPathOverrides
{
    /// <summary>Models folder (ONNX files, manifests, the quality head and FROQ calibration).</summary>
    public string? Models { get; init; }
    /// <summary>Installed data folder (sample photos, fonts, IQA model files).</summary>
    public string? Data { get; init; }
    /// <summary>Cache folder (evaluation features, training scores).</summary>
    public string? Cache { get; init; }
    /// <summary>TrueType font for report plots.</summary>
    public string? Font { get; init; }
    /// <summary>NIQE pristine parameters (JSON).</summary>
    public string? NiqeParameters { get; init; }
}

/// <summary>Every folder and file Fiqa reads from an installation, resolved once: an explicit value, else its environment
/// variable, else the installation's own folder (the checkout holding <c>Fiqa.slnx</c>, where provisioning installs).
/// Environment variables are read here and nowhere else.</summary>
public sealed record FiqaPaths
{
    /// <summary>Environment variable naming the installation root (the checkout).</summary>
    public const string HomeVariable = "FIQA_HOME";
    /// <summary>Environment variable naming the models folder.</summary>
    public const string ModelsVariable = "FIQA_MODELS";
    /// <summary>Environment variable naming the data folder.</summary>
    public const string DataVariable = "FIQA_DATA";
    /// <summary>Environment variable naming the cache folder.</summary>
    public const string CacheVariable = "FIQA_CACHE";
    /// <summary>Environment variable naming the plot font.</summary>
    public const string FontVariable = "FIQA_FONT";
    /// <summary>Environment variable naming the NIQE parameters file.</summary>
    public const string NiqeVariable = "FIQA_NIQE_PARAMS";

    /// <summary>The installation (checkout) root, when one was found.</summary>
    public string? Installation { get; init; }
    /// <summary>Models folder.</summary>
    public required string Models { get; init; }
    /// <summary>How <see cref="Models"/> was chosen ("--models", "$FIQA_MODELS", "the installation at …"), for messages.</summary>
    public string ModelsOrigin { get; init; } = "";
    /// <summary>Installed data folder.</summary>
    public required string Data { get; init; }
    /// <summary>Cache folder.</summary>
    public required string Cache { get; init; }
    /// <summary>Plot font file.</summary>
    public required string Font { get; init; }
    /// <summary>NIQE pristine parameters file.</summary>
    public required string NiqeParameters { get; init; }

    /// <summary>A file of the IQA models installed under <c>data/iqa</c> (BRISQUE's SVR and ranges).</summary>
    public string IqaFile(string name) => System.IO.Path.Combine(Data, "iqa", name);

    /// <summary>A sub-folder of the cache (created on demand by its user).</summary>
    public string CacheFor(string name) => System.IO.Path.Combine(Cache, name);

    /// <summary>Resolves every path. The installation is <c>$FIQA_HOME</c>, else the checkout holding
    /// <paramref name="programDirectory"/> (the CLI passes its own folder, so it works from any working directory), else
    /// the checkout above the current folder.</summary>
    public static FiqaPaths Resolve(FiqaPathOverrides? overrides = null, string? programDirectory = null)
    {
        overrides ??= new FiqaPathOverrides();
        var home = Variable(HomeVariable)
            ?? (programDirectory is null ? null : FindInstallation(programDirectory))
            ?? FindInstallation(Directory.GetCurrentDirectory());
        var root = home ?? Directory.GetCurrentDirectory();
        string In(params string[] parts) => System.IO.Path.GetFullPath(System.IO.Path.Combine([root, .. parts]));

        var (models, origin) = overrides.Models is { Length: > 0 } m ? (m, "--models")
            : Variable(ModelsVariable) is { } env ? (env, "$" + ModelsVariable)
            : (In("models"), home is null ? "the current folder (no Fiqa installation found)" : $"the installation at {home}");
        var data = overrides.Data ?? Variable(DataVariable) ?? In("data");
        var cache = overrides.Cache ?? Variable(CacheVariable)
            ?? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "fiqa");
        return new FiqaPaths
        {
            Installation = home,
            Models = System.IO.Path.GetFullPath(models),
            ModelsOrigin = origin,
            Data = System.IO.Path.GetFullPath(data),
            Cache = System.IO.Path.GetFullPath(cache),
            Font = System.IO.Path.GetFullPath(overrides.Font ?? Variable(FontVariable) ?? System.IO.Path.Combine(data, "fonts", "DejaVuSans.ttf")),
            NiqeParameters = System.IO.Path.GetFullPath(overrides.NiqeParameters ?? Variable(NiqeVariable) ?? System.IO.Path.Combine(data, "iqa", "niqe_pristine_params.json")),
        };
    }

    /// <summary>A copy with another models folder (as an explicit option).</summary>
    public FiqaPaths WithModels(string models) => this with { Models = System.IO.Path.GetFullPath(models), ModelsOrigin = "option" };

    /// <summary>The nearest folder at or above <paramref name="start"/> holding <c>Fiqa.slnx</c>; null outside a checkout.</summary>
    public static string? FindInstallation(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Fiqa.slnx"))) return dir.FullName;
        return null;
    }

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
}

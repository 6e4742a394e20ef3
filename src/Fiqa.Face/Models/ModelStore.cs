using System.Security.Cryptography;

namespace Fiqa.Face.Models;

/// <summary>Finds model manifests: an explicit directory, else <c>$FIQA_MODELS</c>, else the repository's
/// <c>models/</c> folder (searched upwards from the working directory). Nothing is ever downloaded here.</summary>
public sealed class ModelStore
{
    /// <summary>The command that installs the default models.</summary>
    public const string ProvisionCommand = "scripts/provision-models.sh";

    /// <summary>Environment variable naming the models directory.</summary>
    public const string EnvironmentVariable = "FIQA_MODELS";

    private ModelStore(string directory, string origin)
    {
        Directory = directory;
        Origin = origin;
    }

    /// <summary>The directory holding the manifests and models.</summary>
    public string Directory { get; }

    /// <summary>How the directory was chosen (option, environment, repository default).</summary>
    public string Origin { get; }

    /// <summary>Locates the models directory (it need not exist yet; <see cref="Get"/> reports what is missing).</summary>
    public static ModelStore Locate(string? explicitDirectory = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory)) return new(Path.GetFullPath(explicitDirectory), "option");
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) return new(Path.GetFullPath(env), $"${EnvironmentVariable}");
        var repo = ProjectPaths.RepositoryRoot();
        return repo is null
            ? new(Path.GetFullPath("models"), "default ./models")
            : new(Path.Combine(repo, "models"), "repository default");
    }

    /// <summary>Loads the manifest of a model by name and checks the model file is there.</summary>
    /// <param name="name">Model name, e.g. <c>fr_detect</c>; or a path to a user's manifest JSON.</param>
    /// <param name="verifyChecksum">Recompute the file's SHA-256 and compare with the manifest.</param>
    public ModelManifest Get(string name, bool verifyChecksum = false)
    {
        var manifestPath = name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? Path.GetFullPath(name) : Path.Combine(Directory, name + ".json");
        if (!File.Exists(manifestPath))
            throw new ModelConfigurationException(
                $"model '{name}' not found: no manifest at {manifestPath} (models directory from {Origin}). " +
                $"Install the default models with: {ProvisionCommand}  (or point ${EnvironmentVariable} at a directory that has them)");
        var manifest = ModelManifest.Load(manifestPath);
        if (!File.Exists(manifest.ModelPath))
            throw new ModelConfigurationException(
                $"model file {manifest.ModelPath} is missing. Install the default models with: {ProvisionCommand}");
        if (verifyChecksum && manifest.Sha256 is { Length: > 0 } expected)
        {
            using var stream = File.OpenRead(manifest.ModelPath);
            var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
                throw new ModelConfigurationException(
                    $"model file {manifest.ModelPath} has SHA-256 {actual}, expected {expected}; reinstall with: {ProvisionCommand}");
        }
        return manifest;
    }
}

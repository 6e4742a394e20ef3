using System.Security.Cryptography;

namespace Fiqa.Onnx;

/// <summary>The models folder: model manifests and the files they name. Nothing is ever downloaded here; a missing model
/// is an error that names the folder, how it was chosen and the command that installs the default models.</summary>
public sealed class ModelStore
{
    /// <summary>The command that installs the default models, relative to the installation.</summary>
    public const string ProvisionCommand = "scripts/provision-models.sh";

    /// <summary>A store over <paramref name="directory"/>; <paramref name="origin"/> says how it was chosen, for messages.</summary>
    public ModelStore(string directory, string origin = "option", string? installation = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory = System.IO.Path.GetFullPath(directory);
        Origin = origin;
        InstallCommand = installation is null ? ProvisionCommand : System.IO.Path.Combine(installation, ProvisionCommand);
    }

    /// <summary>The store of resolved paths.</summary>
    public static ModelStore For(FiqaPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return new ModelStore(paths.Models, paths.ModelsOrigin, paths.Installation);
    }

    /// <summary>The directory holding the manifests and models.</summary>
    public string Directory { get; }

    /// <summary>How the directory was chosen (option, environment, installation).</summary>
    public string Origin { get; }

    /// <summary>The command that installs the default models here.</summary>
    public string InstallCommand { get; }

    /// <summary>A file in the models folder (e.g. the trained quality head).</summary>
    public string File(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>Loads the manifest of a model by name and checks the model file is there.</summary>
    /// <param name="name">Model name, e.g. <c>fr_detect</c>; or a path to a user's manifest JSON.</param>
    /// <param name="verifyChecksum">Recompute the file's SHA-256 and compare with the manifest.</param>
    public ModelManifest Get(string name, bool verifyChecksum = false)
    {
        var manifestPath = name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? System.IO.Path.GetFullPath(name) : System.IO.Path.Combine(Directory, name + ".json");
        if (!System.IO.File.Exists(manifestPath))
            throw new ModelConfigurationException(
                $"model '{name}' not found: no manifest at {manifestPath} (models directory from {Origin}). " +
                $"Install the default models with: {InstallCommand}  (or point ${FiqaPaths.ModelsVariable} at a directory that has them)");
        var manifest = ModelManifest.Load(manifestPath);
        // A manifest the user wrote is fixed by editing it; only the project's own models come from the install script.
        bool own = name.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        if (!System.IO.File.Exists(manifest.ModelPath))
            throw new ModelConfigurationException(own
                ? $"model file {manifest.ModelPath} is missing: the manifest {manifestPath} names it in \"file\" (relative to the manifest's folder); put the model there or correct \"file\""
                : $"model file {manifest.ModelPath} is missing. Install the default models with: {InstallCommand}");
        if (verifyChecksum && manifest.Sha256 is { Length: > 0 } expected)
        {
            using var stream = System.IO.File.OpenRead(manifest.ModelPath);
            var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
                throw new ModelConfigurationException(own
                    ? $"model file {manifest.ModelPath} has SHA-256 {actual}, but the manifest {manifestPath} expects {expected} in \"sha256\": the model was replaced or the manifest is stale; correct one of them"
                    : $"model file {manifest.ModelPath} has SHA-256 {actual}, expected {expected}; reinstall with: {InstallCommand}");
        }
        return manifest;
    }
}

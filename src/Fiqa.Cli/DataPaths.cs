namespace Fiqa.Cli;

/// <summary>Locates the installed sample data: <c>$FIQA_DATA</c>, else the repository's <c>data/</c>.</summary>
public static class DataPaths
{
    /// <summary>The command that installs the data.</summary>
    public const string ProvisionCommand = "scripts/provision-data.sh";

    /// <summary>The data directory (may not exist).</summary>
    public static string Root => ProjectPaths.DataDirectory();

    /// <summary>A path under the data directory that must exist, else a setup error naming the install command.</summary>
    public static string Require(string relative)
    {
        var path = Path.Combine(Root, relative);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new IOException($"sample data not found: {path}. Install it with: {ProvisionCommand}");
        return path;
    }
}

namespace Fiqa;

/// <summary>Where a Fiqa checkout keeps what provisioning installs. Used only as the last fallback after an explicit
/// option or environment variable: the library never depends on being run from a checkout.</summary>
public static class ProjectPaths
{
    /// <summary>The nearest folder upwards from the working directory holding <c>Fiqa.slnx</c>; null outside a checkout.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Fiqa.slnx"))) return dir.FullName;
        return null;
    }

    /// <summary>The installed data: <c>$FIQA_DATA</c>, else the checkout's <c>data/</c> (else ./data).</summary>
    public static string DataDirectory()
    {
        var env = Environment.GetEnvironmentVariable("FIQA_DATA");
        return !string.IsNullOrWhiteSpace(env) ? Path.GetFullPath(env) : Path.Combine(RepositoryRoot() ?? Environment.CurrentDirectory, "data");
    }
}

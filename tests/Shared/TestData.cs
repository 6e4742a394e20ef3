namespace Fiqa.Tests;

/// <summary>Paths of the provisioned models and data (scripts/provision.sh). Tests fail, not skip, when they are missing:
/// the test command provisions them first.</summary>
internal static class TestData
{
    /// <summary>The paths the library resolves for the test run (the checkout the tests were built in).</summary>
    public static FiqaPaths Paths { get; } = FiqaPaths.Resolve(programDirectory: AppContext.BaseDirectory);

    public static string RepoRoot { get; } = Paths.Installation
        ?? throw new InvalidOperationException("tests must run inside the Fiqa checkout (no Fiqa.slnx found upwards)");

    public static string DataRoot => Paths.Data;

    public static string ModelsRoot => Paths.Models;

    /// <summary>The read-only ../shared folder beside the checkout (calibration data; present in CI).</summary>
    public static string Shared(string relative)
    {
        var path = Path.Combine(RepoRoot, "..", "shared", relative);
        if (!System.IO.File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"shared calibration data missing: {path}");
        return path;
    }

    /// <summary>A provisioned data file; fails with the install command when absent.</summary>
    public static string File(string relative)
    {
        var path = Path.Combine(DataRoot, relative);
        if (!System.IO.File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"test data missing: {path} — run scripts/provision.sh");
        return path;
    }

    /// <summary>A fresh temporary folder for one test.</summary>
    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "fiqa-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Fiqa.Provisioning.Tests;

/// <summary>Files taken out of Debian packages without installing them (scripts/common.sh, apt_download_files): the exact
/// version while the archive has it, the release's current one after, and in both cases the file the project uses
/// checked by its own SHA-256.</summary>
public sealed class DebianFileTests
{
    private const string Member = "./usr/share/fiqa-test/portrait.txt";
    private const string Content = "the bytes the project was tested with\n";

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void DownloadFiles_ExactVersionOffered_TakesIt()
    {
        using var apt = new FakeApt();
        apt.Environment["FAKE_DEB"] = apt.BuildDeb("fiqa-sample", "1.0-1", new Dictionary<string, string> { [Member] = Content });
        apt.Environment["FAKE_DEB_VERSION_OFFERED"] = "fiqa-sample=1.0-1";
        var dest = Path.Combine(apt.Root, "out");
        var (code, _, err) = apt.Run($"apt_download_files conf fiqa-sample 1.0-1 '{dest}' {Member} {Sha(Content)}");
        Assert.True(code == 0, err);
        Assert.Equal(Content, File.ReadAllText(Path.Combine(dest, "portrait.txt")));
        Assert.Equal(["deb-file", "fiqa-sample:portrait.txt", "1.0-1", "1.0-1"], Assert.Single(apt.Record)[..4]);
    }

    [Fact]
    public void DownloadFiles_ExactVersionLeftTheArchive_TakesTheReleasesCurrentOneWhenTheFileIsTheSame()
    {
        using var apt = new FakeApt();
        apt.Environment["FAKE_DEB"] = apt.BuildDeb("fiqa-sample", "1.0-2+deb12u1", new Dictionary<string, string> { [Member] = Content });
        apt.Environment["FAKE_CANDIDATE"] = "1.0-2+deb12u1";
        var dest = Path.Combine(apt.Root, "out");
        var (code, _, err) = apt.Run($"apt_download_files conf fiqa-sample 1.0-1 '{dest}' {Member} {Sha(Content)}");
        Assert.True(code == 0, err);
        Assert.Contains("fiqa-sample=1.0-1 has left the archive; trying the release's current fiqa-sample (1.0-2+deb12u1)", err, StringComparison.Ordinal);
        Assert.Equal(Content, File.ReadAllText(Path.Combine(dest, "portrait.txt")));
        Assert.Equal(["deb-file", "fiqa-sample:portrait.txt", "1.0-1", "1.0-2+deb12u1"], Assert.Single(apt.Record)[..4]);
    }

    [Fact]
    public void DownloadFiles_FileChanged_IsRefusedAndNothingIsInstalled()
    {
        using var apt = new FakeApt();
        apt.Environment["FAKE_DEB"] = apt.BuildDeb("fiqa-sample", "2.0-1", new Dictionary<string, string> { [Member] = "other bytes\n" });
        apt.Environment["FAKE_CANDIDATE"] = "2.0-1";
        var dest = Path.Combine(apt.Root, "out");
        var (code, _, err) = apt.Run($"apt_download_files conf fiqa-sample 1.0-1 '{dest}' {Member} {Sha(Content)}");
        Assert.NotEqual(0, code);
        Assert.Contains("fiqa-sample 2.0-1 carries another portrait.txt than the one the project was tested with", err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dest, "portrait.txt")));
        Assert.Empty(apt.Record);
    }

    [Fact]
    public void TreeSha256_DependsOnNamesAndContents_NotOnTimes()
    {
        using var apt = new FakeApt();
        var dir = Path.Combine(apt.Root, "tree");
        Directory.CreateDirectory(Path.Combine(dir, "b"));
        File.WriteAllText(Path.Combine(dir, "a.txt"), "a");
        File.WriteAllText(Path.Combine(dir, "b", "c.txt"), "c");
        string Tree() => apt.Run($"tree_sha256 '{dir}'").Stdout.Trim();
        var first = Tree();
        Assert.Matches("^[0-9a-f]{64}$", first);
        File.SetLastWriteTimeUtc(Path.Combine(dir, "a.txt"), DateTime.UtcNow.AddDays(-3));
        Assert.Equal(first, Tree());
        File.Move(Path.Combine(dir, "b", "c.txt"), Path.Combine(dir, "b", "d.txt"));
        Assert.NotEqual(first, Tree());
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Fiqa.Provisioning.Tests;

/// <summary>The Debian version policy of scripts/common.sh (apt_install_release): the project pins the release and takes
/// what it offers now, so a security update — even one that moves to a new upstream patch release, as Chromium's do
/// every few weeks — never breaks a fresh install.</summary>
public sealed partial class VersionPolicyTests
{
    /// <summary>Every apt package a provisioning script installs, with the version the project was tested with.</summary>
    public static TheoryData<string, string> PinnedPackages()
    {
        var data = new TheoryData<string, string>();
        foreach (var script in Directory.GetFiles(Path.Combine(Repo.Root, "scripts"), "*.sh"))
            foreach (Match m in InstallCall().Matches(File.ReadAllText(script)))
                data.Add(m.Groups[1].Value, m.Groups[2].Value);
        return data;
    }

    [Fact]
    public void PinnedPackages_AreTheOnesTheTestsAndVideoNeed()
    {
        var names = PinnedPackages().Select(row => (string)row[0]).Order().ToList();
        Assert.Equal(["chromium", "ffmpeg", "imagemagick", "libavif-bin", "rabbitmq-server"], names);
    }

    [Theory]
    [MemberData(nameof(PinnedPackages))]
    public void InstallRelease_NextUpstreamPatchReleaseFromTheSecuritySuite_IsInstalledAndRecorded(string package, string tested)
    {
        using var apt = new FakeApt();
        string next = NextPatchRelease(tested);
        apt.Environment["FAKE_CANDIDATE"] = next;
        var (code, _, err) = apt.Run($"apt_install_release {package} '{tested}'");
        Assert.True(code == 0, err);
        Assert.Contains($"install -y -qq --no-install-recommends {package}={next}", apt.AptGetCalls);
        Assert.Contains($"taking {next} from bookworm-security (tested with {tested})", err, StringComparison.Ordinal);
        var line = Assert.Single(apt.Record);
        Assert.Equal(["apt", package, tested, next, "bookworm-security"], line[..5]);
    }

    [Fact]
    public void InstallRelease_ChromiumMovedAsItDidInNovember2026_IsInstalled()
    {
        // The archive moved 156.0.8078.114-1~deb12u1 to 156.0.8078.129-1~deb12u1; the previous rule refused it.
        using var apt = new FakeApt();
        apt.Environment["FAKE_CANDIDATE"] = "156.0.8078.129-1~deb12u1";
        var (code, _, err) = apt.Run("apt_install_release chromium '156.0.8078.114-1~deb12u1'");
        Assert.True(code == 0, err);
        Assert.Contains("install -y -qq --no-install-recommends chromium=156.0.8078.129-1~deb12u1", apt.AptGetCalls);
    }

    [Fact]
    public void InstallRelease_CandidateOlderThanTested_IsRefusedWithTheReason()
    {
        using var apt = new FakeApt();
        apt.Environment["FAKE_CANDIDATE"] = "7:5.1.8-0+deb12u1";
        var (code, _, err) = apt.Run("apt_install_release ffmpeg '7:5.1.9-0+deb12u1'");
        Assert.NotEqual(0, code);
        Assert.Contains("cannot install ffmpeg: the candidate 7:5.1.8-0+deb12u1 is older than 7:5.1.9-0+deb12u1", err, StringComparison.Ordinal);
        Assert.DoesNotContain(apt.AptGetCalls, c => c.StartsWith("install", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("trixie-security")]
    [InlineData("bookworm-backports")]
    public void InstallRelease_CandidateFromAnotherSuite_IsRefusedNamingThePinnedRelease(string suite)
    {
        using var apt = new FakeApt();
        apt.Environment["FAKE_CANDIDATE"] = "7:6.0.1-1";
        apt.Environment["FAKE_SUITE"] = suite;
        var (code, _, err) = apt.Run("apt_install_release ffmpeg '7:5.1.9-0+deb12u1'");
        Assert.NotEqual(0, code);
        Assert.Contains($"comes from '{suite}', not Debian bookworm", err, StringComparison.Ordinal);
        Assert.DoesNotContain(apt.AptGetCalls, c => c.StartsWith("install", StringComparison.Ordinal));
    }

    [Fact]
    public void InstallRelease_NotOffered_IsRefusedWithTheReason()
    {
        using var apt = new FakeApt();
        var (code, _, err) = apt.Run("apt_install_release libavif-bin '0.11.1-1+deb12u1'");
        Assert.NotEqual(0, code);
        Assert.Contains("not offered by this machine's apt sources", err, StringComparison.Ordinal);
    }

    [Fact]
    public void InstallRelease_OtherReleaseChosenExplicitly_IsAccepted()
    {
        using var apt = new FakeApt();
        apt.Environment["FAKE_CANDIDATE"] = "7:6.0.1-1";
        apt.Environment["FAKE_SUITE"] = "trixie";
        apt.Environment["FIQA_DEBIAN_RELEASE"] = "trixie";
        var (code, _, err) = apt.Run("apt_install_release ffmpeg '7:5.1.9-0+deb12u1'");
        Assert.True(code == 0, err);
    }

    [Fact]
    public void InstallRelease_InstalledAtOrAboveTested_TouchesNothing()
    {
        using var apt = new FakeApt();
        apt.Environment["FAKE_INSTALLED"] = "3.10.8-1.1+deb12u2";
        var (code, _, err) = apt.Run("apt_install_release rabbitmq-server '3.10.8-1.1+deb12u1'");
        Assert.True(code == 0, err);
        Assert.Empty(apt.AptGetCalls);
        Assert.Equal(["apt", "rabbitmq-server", "3.10.8-1.1+deb12u1", "3.10.8-1.1+deb12u2", "installed"], Assert.Single(apt.Record)[..5]);
    }

    [Fact]
    public void AptGet_DpkgLockHeldForAWhile_WaitsSayingSoThenRuns()
    {
        using var apt = new FakeApt();
        apt.Environment["FAKE_CANDIDATE"] = "0.11.1-1+deb12u1";
        apt.HoldLock(3);
        var (code, _, err) = apt.Run("apt_install_release libavif-bin '0.11.1-1+deb12u1'");
        Assert.True(code == 0, err);
        Assert.Contains("Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr); waiting up to 600 s", err, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(err, "waiting up to")); // said once, not per poll
        Assert.Contains("install -y -qq --no-install-recommends libavif-bin=0.11.1-1+deb12u1", apt.AptGetCalls);
    }

    [Fact]
    public void AptGet_DpkgLockHeldBeyondTheWait_FailsNamingTheSetting()
    {
        using var apt = new FakeApt();
        apt.Environment["FIQA_APT_LOCK_WAIT"] = "1";
        apt.HoldLock(100_000);
        var (code, _, err) = apt.Run("apt_get install -y foo");
        Assert.NotEqual(0, code);
        Assert.Contains("the lock was still held after 1 s (FIQA_APT_LOCK_WAIT); giving up", err, StringComparison.Ordinal);
    }

    [Fact]
    public void AptGet_OtherFailure_ReturnsAtOnce()
    {
        using var apt = new FakeApt();
        apt.Environment["FAKE_DEB_VERSION_OFFERED"] = "none";
        var (code, _, err) = apt.Run("apt_get download foo=1.0");
        Assert.Equal(100, code);
        Assert.Contains("Version '1.0' for 'foo' was not found", err, StringComparison.Ordinal);
        Assert.Single(apt.AptGetCalls);
    }

    [Fact]
    public void NextPatchRelease_IsNewerForDpkg()
    {
        using var apt = new FakeApt();
        foreach (var row in PinnedPackages())
        {
            string tested = (string)row[1], next = NextPatchRelease(tested);
            Assert.Equal(0, apt.Run($"dpkg --compare-versions '{next}' gt '{tested}'").Code);
        }
    }

    /// <summary>The version a Debian security update that moves to the next upstream patch release would carry: the last
    /// number of the upstream part (after the epoch, before the Debian revision) plus one.</summary>
    private static string NextPatchRelease(string version)
    {
        int dash = version.LastIndexOf('-');
        string upstream = version[..dash], revision = version[dash..];
        var last = Regex.Matches(upstream, @"\d+")[^1];
        long bumped = long.Parse(last.Value, CultureInfo.InvariantCulture) + 1;
        return string.Concat(upstream.AsSpan(0, last.Index), bumped.ToString(CultureInfo.InvariantCulture), upstream.AsSpan(last.Index + last.Length), revision);
    }

    [GeneratedRegex("""apt_install_release ([a-z0-9.+-]+) "([^"]+)"\s*$""", RegexOptions.Multiline)]
    private static partial Regex InstallCall();
}

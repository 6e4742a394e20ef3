using System.Diagnostics;
using System.Text;

namespace Fiqa.Provisioning.Tests;

/// <summary>A sandbox for scripts/common.sh: fake <c>apt-get</c>, <c>apt-cache</c>, <c>dpkg-query</c> and <c>id</c> first on
/// PATH (the real <c>dpkg --compare-versions</c>, <c>dpkg-deb</c> and <c>tar</c> behind them), a private cache and record
/// file. The fakes answer as apt does, from what the test sets: the candidate, its suite, what is installed, how many
/// calls find the dpkg lock held.</summary>
internal sealed class FakeApt : IDisposable
{
    public FakeApt()
    {
        Root = Path.Combine(Path.GetTempPath(), "fiqa-provisioning-tests", Guid.NewGuid().ToString("N"));
        Bin = Path.Combine(Root, "bin");
        Directory.CreateDirectory(Bin);
        Write("apt-cache", """
            #!/usr/bin/env bash
            # apt-cache policy PKG, in apt's own layout: the candidate from $FAKE_SUITE, the release's original version.
            [[ "$1" == policy ]] || exit 0
            echo "$2:"
            echo "  Installed: ${FAKE_INSTALLED:-(none)}"
            echo "  Candidate: ${FAKE_CANDIDATE:-(none)}"
            echo "  Version table:"
            if [[ -n "${FAKE_CANDIDATE:-}" ]]; then
              echo "     $FAKE_CANDIDATE 500"
              echo "        500 http://archive.invalid/debian-security $FAKE_SUITE/main amd64 Packages"
            fi
            echo "     0.0.1-1 500"
            echo "        500 http://archive.invalid/debian ${FAKE_RELEASE_SUITE:-bookworm}/main amd64 Packages"
            """);
        Write("apt-get", """
            #!/usr/bin/env bash
            # Logs its arguments; fails like apt while $FAKE_LOCKED calls remain; `download` serves $FAKE_DEB.
            echo "$*" >> "$FAKE_LOG"
            n=$(cat "$FAKE_LOCKED" 2>/dev/null || echo 0)
            if (( n > 0 )); then
              echo $((n - 1)) > "$FAKE_LOCKED"
              echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)" >&2
              echo "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?" >&2
              exit 100
            fi
            for a in "$@"; do
              if [[ "$a" == *=* && "$1" == download && "$a" != "${FAKE_DEB_VERSION_OFFERED:-}" ]]; then
                echo "E: Version '${a#*=}' for '${a%%=*}' was not found" >&2; exit 100
              fi
            done
            [[ "$1" == download ]] && cp "$FAKE_DEB" .
            exit 0
            """);
        Write("dpkg-query", """
            #!/usr/bin/env bash
            [[ -n "${FAKE_INSTALLED:-}" ]] || exit 1
            printf 'install ok installed %s' "$FAKE_INSTALLED"
            """);
        Write("id", """
            #!/usr/bin/env bash
            echo 0
            """);
        Environment["FAKE_LOG"] = Path.Combine(Root, "apt-get.log");
        Environment["FAKE_LOCKED"] = Path.Combine(Root, "locked");
        Environment["FIQA_CACHE"] = Path.Combine(Root, "cache");
        Environment["FIQA_RECORD"] = Path.Combine(Root, "provisioned.tsv");
        Environment["FIQA_APT_LOCK_POLL"] = "0.05";
        Environment["FAKE_SUITE"] = "bookworm-security";
    }

    public string Root { get; }

    private string Bin { get; }

    /// <summary>Variables the script runs with (besides PATH).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>Every apt-get command line the script ran, in order.</summary>
    public IReadOnlyList<string> AptGetCalls => File.Exists(Environment["FAKE_LOG"]) ? File.ReadAllLines(Environment["FAKE_LOG"]) : [];

    /// <summary>The lines of the provisioning record (kind, name, tested, used, source, date), tab-separated.</summary>
    public IReadOnlyList<string[]> Record => File.Exists(Environment["FIQA_RECORD"])
        ? File.ReadAllLines(Environment["FIQA_RECORD"]).Select(l => l.Split('\t')).ToList()
        : [];

    /// <summary>The next <paramref name="calls"/> apt-get calls find the dpkg lock held.</summary>
    public void HoldLock(int calls) => File.WriteAllText(Environment["FAKE_LOCKED"], calls.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Sources scripts/common.sh and runs <paramref name="script"/> in bash; returns its exit code and output.</summary>
    public (int Code, string Stdout, string Stderr) Run(string script)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"source '{Repo.Script("common.sh")}' && {script}");
        psi.Environment["PATH"] = Bin + ":" + System.Environment.GetEnvironmentVariable("PATH");
        foreach (var (k, v) in Environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"bash did not finish: {script}"); }
        return (p.ExitCode, output, err.GetAwaiter().GetResult());
    }

    /// <summary>Builds a real .deb (dpkg-deb) holding <paramref name="files"/> (package path → content).</summary>
    public string BuildDeb(string package, string version, IReadOnlyDictionary<string, string> files)
    {
        var tree = Path.Combine(Root, "deb-" + package);
        Directory.CreateDirectory(Path.Combine(tree, "DEBIAN"));
        File.WriteAllText(Path.Combine(tree, "DEBIAN", "control"),
            $"Package: {package}\nVersion: {version}\nArchitecture: all\nMaintainer: Fiqa tests <tests@fiqa.invalid>\nDescription: test package\n");
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(tree, path.TrimStart('.', '/'));
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content, new UTF8Encoding(false));
        }
        var deb = Path.Combine(Root, $"{package}_{version}_all.deb");
        var (code, _, err) = Run($"dpkg-deb --root-owner-group --build '{tree}' '{deb}' >/dev/null");
        if (code != 0) throw new InvalidOperationException($"dpkg-deb failed: {err}");
        return deb;
    }

    private void Write(string name, string text)
    {
        var path = Path.Combine(Bin, name);
        File.WriteAllText(path, text.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The checkout the tests were built in.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Script(string name) => Path.Combine(Root, "scripts", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Fiqa.slnx"))) return dir.FullName;
        throw new InvalidOperationException("tests must run inside the Fiqa checkout (no Fiqa.slnx found upwards)");
    }
}

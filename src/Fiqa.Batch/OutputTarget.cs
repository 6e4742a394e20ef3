using System.Text;
using Tmds.Linux;

namespace Fiqa.Batch;

/// <summary>What an output path names, which decides how it may be written.</summary>
public enum OutputKind
{
    /// <summary><c>-</c>: the process's standard output.</summary>
    Stdout,

    /// <summary>A FIFO, a character device (<c>/dev/null</c>, a terminal) or a pipe behind <c>/dev/stdout</c>:
    /// written front to back, never truncated, sought, renamed or resumed.</summary>
    Stream,

    /// <summary>A regular file, or a path that does not exist yet.</summary>
    File,
}

/// <summary>Output paths as users give them: <c>--out -</c> for stdout, any FIFO or device, or a file.</summary>
public static class OutputTarget
{
    /// <summary>The name that means standard output.</summary>
    public const string StdoutName = "-";

    /// <summary>Classifies <paramref name="path"/> by the file it names (links followed).</summary>
    public static unsafe OutputKind Classify(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == StdoutName) return OutputKind.Stdout;
        if (!OperatingSystem.IsLinux()) return OutputKind.File;
        var bytes = Encoding.UTF8.GetBytes(path + '\0');
        stat st;
        fixed (byte* p = bytes)
        {
            // A path that does not exist (yet) or cannot be inspected is created as a file, with that error if any.
            if (LibC.stat(p, &st) != 0) return OutputKind.File;
        }
        return LibC.S_ISREG(st.st_mode) || LibC.S_ISDIR(st.st_mode) ? OutputKind.File : OutputKind.Stream;
    }

    /// <summary>Opens a <see cref="OutputKind.Stream"/> target for writing, as it is (no truncation, no seeking).</summary>
    public static FileStream OpenStream(string path) => new(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 16);

    /// <summary>A UTF-8 writer (no BOM) over a <see cref="OutputKind.Stream"/> or <see cref="OutputKind.File"/> target;
    /// a file is created or truncated, its folder created.</summary>
    public static StreamWriter OpenWriter(string path)
    {
        var encoding = new UTF8Encoding(false);
        if (Classify(path) == OutputKind.Stream) return new StreamWriter(OpenStream(path), encoding, 1 << 16);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        return new StreamWriter(path, append: false, encoding, 1 << 16);
    }
}

using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace Fiqa.Onnx;

/// <summary>ONNX Runtime's graph optimisation (level ALL) is most of a cold start. The first session of a model saves the
/// optimised graph (<c>SessionOptions.OptimizedModelFilePath</c>); later processes load that file with optimisation
/// off. The graph saved at level ALL holds layout-specific kernels for this CPU, so the key is the model's bytes, the
/// ONNX Runtime version and the instruction sets the kernels were chosen for. Files are written to a temporary name and
/// renamed, so a reader never sees half a file; an unreadable or unwritable cache only costs the optimisation.</summary>
public static class OptimizedModelCache
{
    /// <summary>The folder from <c>FIQA_ORT_CACHE</c> ("off" disables), else <c>$XDG_CACHE_HOME/fiqa/ort</c>, else
    /// <c>~/.cache/fiqa/ort</c>; null when none can be named.</summary>
    public static string? DefaultFolder { get; } = ResolveDefault();

    private static string? ResolveDefault()
    {
        var env = Environment.GetEnvironmentVariable("FIQA_ORT_CACHE");
        if (string.Equals(env, "off", StringComparison.OrdinalIgnoreCase) || env == "0") return null;
        if (!string.IsNullOrEmpty(env)) return env;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg)) return Path.Combine(xdg, "fiqa", "ort");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache", "fiqa", "ort");
    }

    private static readonly Lazy<string> Platform = new(() =>
    {
        var isa = new StringBuilder();
        void Add(bool supported, string name) { if (supported) isa.Append(name).Append(','); }
        Add(Avx512F.IsSupported, "avx512f");
        Add(Avx512BW.IsSupported, "avx512bw");
        Add(Avx2.IsSupported, "avx2");
        Add(Fma.IsSupported, "fma");
        Add(AvxVnni.IsSupported, "avxvnni");
        Add(AdvSimd.IsSupported, "neon");
        Add(Dp.IsSupported, "dotprod");
        return $"{OrtEnv.Instance().GetVersionString()}|{System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}|{isa}";
    });

    /// <summary>The cached file for a model's bytes (by their SHA-256) in <paramref name="folder"/>.</summary>
    public static string PathFor(string folder, ReadOnlySpan<byte> modelSha256)
    {
        ArgumentNullException.ThrowIfNull(folder);
        Span<byte> key = stackalloc byte[32];
        var platform = Encoding.UTF8.GetBytes(Platform.Value);
        var material = new byte[modelSha256.Length + platform.Length];
        modelSha256.CopyTo(material);
        platform.CopyTo(material.AsSpan(modelSha256.Length));
        SHA256.HashData(material, key);
        return Path.Combine(folder, Convert.ToHexStringLower(key) + ".ort.onnx");
    }

    /// <summary>A temporary name beside <paramref name="path"/> for this process and call.</summary>
    internal static string TemporaryFor(string path) =>
        FormattableString.Invariant($"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
}

namespace Fiqa.Onnx;

/// <summary>ONNX Runtime threading for one session. Each session has its own intra-op pool; spinning is off by
/// default so the idle pools of several sessions do not compete for the same cores.</summary>
public sealed record OnnxSessionOptions
{
    /// <summary>Intra-op threads per session (default 1; 0 lets ONNX Runtime pick, which oversubscribes small machines).</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Let idle intra-op threads spin (lower latency for one session alone, wasted cores for several).</summary>
    public bool AllowSpinning { get; init; }

    /// <summary>Where optimised graphs are kept between processes (see <see cref="OptimizedModelCache"/>); null: optimise
    /// on every start.</summary>
    public string? OptimizedModelCacheFolder { get; init; } = OptimizedModelCache.DefaultFolder;

    /// <summary>The defaults.</summary>
    public static OnnxSessionOptions Default { get; } = new();
}

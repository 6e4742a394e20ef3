namespace Fiqa.Cli;

/// <summary>Process exit codes.</summary>
public static class ExitCodes
{
    /// <summary>The run completed (per-file errors are reported in the output, not here).</summary>
    public const int Success = 0;
    /// <summary>The run failed: an output that cannot be written, an unreadable input file of a single-input command.</summary>
    public const int Failure = 1;
    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;
    /// <summary>The run could not start: models or method files missing or misconfigured.</summary>
    public const int Setup = 3;
    /// <summary>With <c>--fail-on-reject</c>: the run completed and at least one file or face failed the profile.</summary>
    public const int Rejected = 4;
}

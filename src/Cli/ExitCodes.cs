namespace HyperdOrleans.Cli;

/// <summary>Process exit codes, so scripts can tell a bad invocation from an interrupted run.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int BadInput = 1;

    /// <summary><c>hyperd tune</c> measured every setting and none reached the target: the curve is printed, nothing recorded.</summary>
    public const int TargetNotReached = 2;

    /// <summary>The shell's convention for a run stopped by Ctrl+C (128 + SIGINT).</summary>
    public const int Cancelled = 130;
}

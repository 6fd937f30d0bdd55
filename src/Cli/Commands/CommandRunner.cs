using System.CommandLine;
using HyperdOrleans.Cli.Console;

namespace HyperdOrleans.Cli.Commands;

/// <summary>
/// Runs a command's work and turns failures caused by the user's input or files into one line on stderr and a
/// non-zero exit code. Anything else is a bug and keeps its stack trace.
/// </summary>
internal static class CommandRunner
{
    public static void SetGuardedAction(this Command command, CliContext context, Func<ParseResult, CancellationToken, int> work) =>
        command.SetAction((parsed, cancellationToken) => Task.Run(
            () => Guard(context, () => work(parsed, cancellationToken)),
            CancellationToken.None));

    /// <summary>The same for work that awaits (cluster calls), so no thread blocks while the cluster answers.</summary>
    public static void SetGuardedAsyncAction(this Command command, CliContext context, Func<ParseResult, CancellationToken, Task<int>> work) =>
        command.SetAction((parsed, cancellationToken) => Task.Run(
            () => GuardAsync(context, () => work(parsed, cancellationToken)),
            CancellationToken.None));

    private static int Guard(CliContext context, Func<int> work) => GuardAsync(context, () => Task.FromResult(work())).GetAwaiter().GetResult();

    private static async Task<int> GuardAsync(CliContext context, Func<Task<int>> work)
    {
        try
        {
            return await work();
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine("hyperd: cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (IsUserError(e))
        {
            context.Error.WriteLine($"hyperd: {OneLine(e)}");
            return ExitCodes.BadInput;
        }
    }

    /// <summary>
    /// Bad input or files, and what a cluster answers: an unknown index (<see cref="KeyNotFoundException"/>) or a
    /// cluster that cannot be reached or stops answering (Orleans' exceptions, timeouts).
    /// </summary>
    private static bool IsUserError(Exception e) =>
        e is CliException or IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException
            or KeyNotFoundException or TimeoutException or Orleans.Runtime.OrleansException;

    /// <summary>The message alone: ArgumentException appends "(Parameter 'x')" and "Actual value was …" lines meant for programmers.</summary>
    private static string OneLine(Exception e)
    {
        string message = e.Message;
        int cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }

        int newline = message.IndexOfAny(['\r', '\n']);
        return newline >= 0 ? message[..newline] : message;
    }
}

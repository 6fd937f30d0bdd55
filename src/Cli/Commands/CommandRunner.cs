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
        command.SetAction((parsed, cancellationToken) => Task.Run(() => Guard(context, () => work(parsed, cancellationToken)), CancellationToken.None));

    private static int Guard(CliContext context, Func<int> work)
    {
        try
        {
            return work();
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

    private static bool IsUserError(Exception e) =>
        e is CliException or IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException;

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

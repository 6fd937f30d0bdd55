using System.CommandLine;
using HyperdOrleans.Cli.Commands;
using HyperdOrleans.Cli.Console;

namespace HyperdOrleans.Cli;

/// <summary>
/// The hyperd command tree and its entry points. <see cref="Run(string[], TextWriter, TextWriter)"/> lets tests
/// drive the tool in-process with captured, plain (non-interactive) output.
/// </summary>
public static class Hyperd
{
    /// <summary>Runs hyperd on the process's console (progress bars on a terminal, plain lines when redirected).</summary>
    public static int Run(string[] args) => Run(args, CliContext.ForProcessConsole());

    /// <summary>Runs hyperd writing results to <paramref name="output"/> and errors to <paramref name="error"/>, without
    /// colours or live progress.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, CliContext.ForWriters(output, error));

    public static RootCommand CreateRootCommand(CliContext context) =>
        new("hyperd: generate vector data, build a HyperdOrleans index (LSH x IVF-Flat, cosine), search it, tune its probes and benchmark it "
            + "against exact search.")
        {
            GenerateCommand.Create(context),
            BuildCommand.Create(context),
            SearchCommand.Create(context),
            BenchCommand.Create(context),
            TuneCommand.Create(context),
            StatusCommand.Create(context),
            ImportCommand.Create(context),
        };

    private static int Run(string[] args, CliContext context)
    {
        ParseResult parsed = CreateRootCommand(context).Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // System.CommandLine would print the whole help after the errors: one line that points to it reads better in a log.
            string errors = string.Join(
                "; ",
                parsed.Errors.Select(e => string.Join(' ', e.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.')));
            context.Error.WriteLine($"hyperd: {errors} (see '{string.Join(' ', HelpPath(parsed))} --help').");
            return ExitCodes.BadInput;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = context.Output, Error = context.Error });
    }

    private static IEnumerable<string> HelpPath(ParseResult parsed)
    {
        var names = new Stack<string>();
        for (var command = parsed.CommandResult; command is not null; command = command.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Push(command.Command is RootCommand ? "hyperd" : command.Command.Name);
        }

        return names;
    }
}

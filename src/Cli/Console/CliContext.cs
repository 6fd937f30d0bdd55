using Spectre.Console;

namespace HyperdOrleans.Cli.Console;

/// <summary>Where a command writes: results and tables to <see cref="Ui"/>, one-line errors to <see cref="Error"/>.</summary>
public sealed class CliContext
{
    private const int PlainWidth = 200;

    private CliContext(IAnsiConsole ui, TextWriter output, TextWriter error, bool interactive)
    {
        Ui = ui;
        Output = output;
        Error = error;
        Interactive = interactive;
    }

    public IAnsiConsole Ui { get; }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>True on a terminal: live progress bars. False when redirected: progress as plain, periodic lines.</summary>
    public bool Interactive { get; }

    public static CliContext ForProcessConsole()
    {
        TextWriter output = System.Console.Out;
        if (System.Console.IsOutputRedirected)
        {
            return ForWriters(output, System.Console.Error);
        }

        IAnsiConsole ui = AnsiConsole.Console;
        return new CliContext(ui, output, System.Console.Error, ui.Profile.Capabilities.Interactive);
    }

    public static CliContext ForWriters(TextWriter output, TextWriter error)
    {
        // Spectre's own detection keeps ANSI codes for some redirected outputs (CI=true does not switch them off): force plain text.
        IAnsiConsole ui = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        // Redirected output has no width; Spectre would assume 80 columns and break every longer line.
        ui.Profile.Width = PlainWidth;
        return new CliContext(ui, output, error, interactive: false);
    }
}

namespace HyperdOrleans.Cli.Tests;

/// <summary>One in-process run of hyperd: its exit code and what it wrote.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Of(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = Hyperd.Run(args, output, error);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Asserts success, showing what the tool said if it failed.</summary>
    public CliRun Succeeded()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}");
        return this;
    }

    /// <summary>Asserts a failure reported as one clear line on stderr, without a stack trace.</summary>
    public string FailedWithOneLine()
    {
        Assert.True(ExitCode != 0, $"expected failure, got exit 0\nstdout:\n{Output}");
        string[] lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one error line, got:\n{Error}");
        Assert.StartsWith("hyperd: ", lines[0]);
        Assert.DoesNotContain("   at ", Error);
        return lines[0];
    }
}

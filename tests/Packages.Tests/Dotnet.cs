using System.Diagnostics;

namespace HyperdOrleans.Packages.Tests;

/// <summary>Runs a program (the dotnet CLI, the installed tool, the built app) and keeps what it printed.</summary>
internal sealed record Dotnet(int ExitCode, string Output)
{
    public static Dotnet Run(string program, string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{program} {string.Join(' ', args)}' did not end within {timeout.TotalSeconds:0} s.");
        }

        return new Dotnet(process.ExitCode, output.Result + error.Result);
    }

    /// <summary>This run, checked: a non-zero exit fails the test with what the program printed.</summary>
    public Dotnet Succeeded(string what)
    {
        Assert.True(ExitCode == 0, $"{what} exited with {ExitCode}:\n{Output}");
        return this;
    }
}

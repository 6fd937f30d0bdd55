using System.Diagnostics;

namespace HyperdOrleans.Samples.Tests;

/// <summary>One run of a built sample as its own process: its exit code and what it printed.</summary>
internal sealed record SampleRun(int ExitCode, string Output, string Error)
{
    public static SampleRun Of(string sample, TimeSpan timeout, params string[] args)
    {
        string dll = Path.Combine(Repository(), "samples", sample, "bin", "Release", "net10.0", $"HyperdOrleans.{sample}.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built: build the solution in Release first.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{sample} did not end within {timeout.TotalSeconds:0} s.");
        }

        return new SampleRun(process.ExitCode, output.Result, error.Result);
    }

    public SampleRun Succeeded()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}");
        return this;
    }

    /// <summary>The hit lines printed under the heading that starts with <paramref name="heading"/>.</summary>
    public string[] Hits(string heading) =>
        [.. Output.Split('\n').SkipWhile(l => !l.StartsWith(heading, StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.StartsWith("   "))];

    private static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HyperdOrleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the test runs outside the repository: HyperdOrleans.sln not found above it.");
    }
}

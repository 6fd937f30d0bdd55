using System.Diagnostics;
using System.Text;

namespace HyperdOrleans.Storage.Tests;

/// <summary>
/// The short fault run, as an operator runs it: <c>infra/chaos.sh --short</c> starts Azurite and three real silo processes,
/// kills a silo and stalls the store under load, and checks every acknowledged id afterwards. It exits non-zero when an
/// acknowledged row is lost or a failed call's row is visible.
/// </summary>
public sealed class ChaosScriptTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(9);

    [Fact]
    public async Task ShortFaultRunLosesNoAcknowledgedRowAndShowsNoRowOfAFailedCall()
    {
        string root = AzuriteFixture.RepositoryRoot();
        string run = Path.Combine(Path.GetTempPath(), $"hyperd-chaos-{Guid.NewGuid():N}");
        var output = new StringBuilder();
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "infra", "chaos.sh"), "--short"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        start.Environment["HYPERD_RUN_DIR"] = run;
        try
        {
            using var process = Process.Start(start)!;
            process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var limit = new CancellationTokenSource(Limit);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"infra/chaos.sh --short ran longer than {Limit.TotalMinutes} minutes:\n{output}");
            }

            string report = Path.Combine(run, "chaos", "report.md");
            Assert.True(process.ExitCode == 0, $"infra/chaos.sh --short exited with {process.ExitCode}:\n{output}");
            string[] rows = [.. File.ReadAllLines(report).Where(l => l.StartsWith("| kill-", StringComparison.Ordinal)
                || l.StartsWith("| storage-", StringComparison.Ordinal))];
            Assert.Equal(2, rows.Length);
            Assert.All(rows, r => Assert.Matches(@"\| 0 of [1-9]\d* \| 0 of \d+ \|", r));
        }
        finally
        {
            if (Directory.Exists(run))
            {
                Directory.Delete(run, recursive: true);
            }
        }
    }
}

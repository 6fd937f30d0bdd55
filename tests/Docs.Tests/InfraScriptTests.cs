using System.Diagnostics;

namespace HyperdOrleans.Docs.Tests;

/// <summary>infra/cluster.sh's own functions, run by bash on a scratch folder (no Azurite, no silos).</summary>
public sealed class InfraScriptTests
{
    [Fact]
    public void ClusterEnv_HoldingTheStorageKey_IsOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var run = Directory.CreateTempSubdirectory("hyperd-cluster-env-");
        try
        {
            // An earlier, world-readable file must not keep its mode.
            var env = Path.Combine(run.FullName, "cluster.env");
            File.WriteAllText(env, "old");
            File.SetUnixFileMode(env, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

            var script = Path.Combine(RepositoryFiles.Root, "infra", "cluster.sh");
            var start = new ProcessStartInfo("bash")
            {
                ArgumentList =
                {
                    "-c",
                    "set -euo pipefail; source <(sed -n '/^write_env() {/,/^}/p' \"$1\"); "
                        + "RUN=$2 ACCOUNT_KEY=k BLOB_PORT=1 QUEUE_PORT=2 TABLE_PORT=3 SERVICE_ID=s TLS_PASSWORD=p; write_env",
                    "bash",
                    script,
                    run.FullName,
                },
                RedirectStandardError = true,
            };
            using var bash = Process.Start(start)!;
            var errors = bash.StandardError.ReadToEnd();
            Assert.True(bash.WaitForExit(TimeSpan.FromSeconds(30)), "bash did not finish");
            Assert.True(bash.ExitCode == 0, errors);

            Assert.Contains("AccountKey=k", File.ReadAllText(env));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(env));
        }
        finally
        {
            run.Delete(recursive: true);
        }
    }
}

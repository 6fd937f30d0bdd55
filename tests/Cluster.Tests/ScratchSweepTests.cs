using System.Diagnostics;
using HyperdOrleans.Grains.Hosting;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>A silo that starts removes the scratch folders of processes that died mid-rebuild, and only those.</summary>
public sealed class ScratchSweepTests
{
    [Fact]
    public async Task ASiloStartingRemovesScratchOfDeadProcessesAndKeepsLiveOnes()
    {
        string work = Path.Combine(Path.GetTempPath(), $"hyperd-sweep-tests-{Guid.NewGuid():N}");
        int dead = await ExitedProcessIdAsync();
        string orphan = Path.Combine(work, $"job-p{dead}-{Guid.NewGuid():N}");
        string live = Path.Combine(work, ScratchNames.Folder("job"));
        string other = Path.Combine(work, "operator-notes");
        foreach (string folder in new[] { orphan, live, other })
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "file"), "x");
        }

        try
        {
            await using HyperdTestCluster cluster = await HyperdTestCluster.StartAsync(1, configure: o => o.WorkDirectory = work);

            Assert.False(Directory.Exists(orphan), "the dead process's scratch folder is still there");
            Assert.True(Directory.Exists(live), "a live process's scratch folder was removed");
            Assert.True(Directory.Exists(other), "a folder that is not scratch was removed");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<int> ExitedProcessIdAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.Id;
    }
}

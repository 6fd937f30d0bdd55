using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HyperdOrleans.Grains.Hosting;

/// <summary>
/// Removes, when the silo starts, the scratch folders of rebuilds and build jobs whose process died mid-way (SIGKILL,
/// power loss): nothing else would ever delete them.
/// </summary>
internal sealed class ScratchSweeper(IOptions<HyperdOptions> options, ILogger<ScratchSweeper> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ScratchSweeper), ServiceLifecycleStage.RuntimeInitialize, _ => Task.Run(Sweep));

    private void Sweep()
    {
        string root = options.Value.WorkDirectory;
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (string folder in Directory.EnumerateDirectories(root).Where(f => ScratchNames.IsOrphan(Path.GetFileName(f))))
        {
            try
            {
                Directory.Delete(folder, recursive: true);
                logger.LogInformation("Removed scratch folder {Folder} left by a process that stopped", folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(e, "Could not remove orphaned scratch folder {Folder}", folder);
            }
        }
    }
}

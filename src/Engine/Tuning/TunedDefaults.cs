using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tuning;

/// <summary>Records a tuning run's choice as an index directory's default probes. Thread-safe (it takes the build lock).</summary>
public static class TunedDefaults
{
    /// <summary>
    /// Rewrites the manifest of the tuned generation with the chosen defaults and the tuning record (atomic, new
    /// checksum). Holds the build lock while it reads and replaces the manifest, so it cannot race a build; if a
    /// build switched generations since the tuning run, nothing is written: the measurement is of another generation.
    /// </summary>
    public static IndexManifest Record(TuningResult result, DateTimeOffset tunedUtc)
    {
        if (!result.Reached)
        {
            throw new InvalidOperationException($"the target recall {result.TargetRecall} was not reached; nothing to record.");
        }

        using FileStream buildLock = BuildLock.Acquire(result.IndexDirectory);
        IndexManifest current = ManifestStore.Read(result.IndexDirectory);
        if (current.Generation != result.Generation)
        {
            throw new IOException($"'{result.IndexDirectory}' switched from generation {result.Generation} to {current.Generation} while it was "
                + $"tuned; tune it again.");
        }

        IndexManifest tuned = current with
        {
            Defaults = new SearchDefaults(result.Chosen.LshProbes, result.Chosen.NProbe),
            Tuning = result.ToManifest(tunedUtc),
        };
        ManifestStore.Write(result.IndexDirectory, tuned);
        return tuned;
    }
}

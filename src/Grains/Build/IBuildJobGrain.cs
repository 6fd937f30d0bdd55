using Orleans.Concurrency;

namespace HyperdOrleans.Grains.Build;

/// <summary>
/// One bucket's build job of one rebuild (key: <c>index/generation/bucket</c>): downloads its spill file,
/// trains and writes the bucket's files, uploads them. Placed by the index grain so jobs spread over the
/// silos. Runs in the background; the index grain polls it, and a fresh activation (its silo died) answers
/// <see cref="BuildJobState.Unknown"/>, which fails the rebuild.
/// </summary>
[Alias("hyperd.IBuildJobGrain")]
public interface IBuildJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job unless it already runs; returns at once.</summary>
    [Alias("StartAsync")]
    Task StartAsync(BuildJobRequest request, CancellationToken cancellationToken = default);

    [Alias("GetStatusAsync"), AlwaysInterleave]
    Task<BuildJobReport> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Cancels a running job (its rebuild failed elsewhere).</summary>
    [Alias("CancelAsync"), AlwaysInterleave]
    Task CancelAsync(CancellationToken cancellationToken = default);
}

using HyperdOrleans.Grains.Index;
using Microsoft.Extensions.Logging;

namespace HyperdOrleans.Grains.Buckets;

/// <summary>
/// What makes a replica safe to ask: it warms its files before it answers searches, and it catches up with the index's
/// manifest when it missed a generation switch (its silo was away at the commit), so it never serves an older generation
/// to a search of the newer one.
/// </summary>
public sealed partial class BucketGrain
{
    private void StartSync()
    {
        if (_syncing is null || _syncing.IsCompleted)
        {
            _syncing = SyncInBackgroundAsync();
        }
    }

    private async Task SyncInBackgroundAsync()
    {
        try
        {
            await _loaded;
            await SyncWithIndexAsync();
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Bucket {Index}/{Bucket} replica {Replica} could not check the index's manifest", _index, _bucket, _replica);
        }
    }

    /// <summary>
    /// Serves the index's generation when it is newer than this replica's (it missed the commit). The index grain answers this
    /// call while it waits on this replica (the call is always-interleaved there), so the index's own calls may trigger it.
    /// </summary>
    private async Task SyncWithIndexAsync()
    {
        BucketGeneration? serving = await GrainFactory.GetGrain<IIndexRoutingGrain>(_index).ServingBucketAsync(_bucket);
        if (serving is not null && serving.Generation > (_current?.Generation ?? 0))
        {
            logger.LogWarning("Bucket {Index}/{Bucket} replica {Replica} missed generation {Generation}; opening it from the manifest",
                _index, _bucket, _replica, serving.Generation);
            await ServeAsync(serving, CancellationToken.None);
        }
    }

    /// <summary>
    /// Touches the files a search reads (the first clusters, through the real scan) before the replica answers searches, so its
    /// first answers are not page faults and cold code.
    /// </summary>
    private async Task WarmAsync()
    {
        if (_current is not { Index: { } index } serving || index.Clusters == 0)
        {
            return;
        }

        int d = serving.Info.Dimensions;
        int clusters = Math.Min(index.Clusters, 32);
        float[] query = index.Quantizer.Rows[..d].ToArray();
        var request = new BucketSearchRequest(serving.Generation, d, query, 10, 4, [0, clusters], [.. Enumerable.Range(0, clusters)]);
        serving.Acquire();
        try
        {
            await Task.Run(() => BucketScan.Run(serving, PendingView.Empty, request));
        }
        finally
        {
            serving.Release();
        }
    }
}

using HyperdOrleans.Grains.Buckets;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace HyperdOrleans.Grains.Index;

/// <summary>
/// Spreads the index's buckets over the silos. Hash placement spreads them when they first activate, but buckets that moved
/// off a silo that stopped stay where they went when it comes back: without this, 7 of 8 buckets ended on one silo after a
/// restart. One move per tick, from the fullest silo to the emptiest, so the cluster converges without a storm of moves. A moved
/// bucket carries its pending rows to its new silo (grain migration), so a move does not re-read the log.
/// </summary>
public sealed partial class IndexGrain
{
    private void StartBalancing()
    {
        TimeSpan every = options.Value.BucketBalanceInterval;
        if (every > TimeSpan.Zero)
        {
            this.RegisterGrainTimer(BalanceOnceAsync, new GrainTimerCreationOptions(every, every) { Interleave = true });
        }
    }

    private async Task BalanceOnceAsync(CancellationToken cancellationToken)
    {
        // A moving bucket carries its rows, but while the log is faulted or unsealed the live buckets are what recovery reads
        // from: nothing moves until the log is whole again.
        if (_rebuild is not null || !state.State.Exists || _writeFault is not null || _log is null || _sealing)
        {
            return;
        }

        SiloAddress[] active = [.. membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress)];
        if (active.Length < 2)
        {
            return;
        }

        BucketStatus[] buckets;
        try
        {
            buckets = await BucketStatusesAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogDebug(e, "Index {Index}: bucket balance check skipped", _name);
            return;
        }

        var load = active.ToDictionary(s => s.ToString(), s => (Silo: s, Buckets: new List<int>()));
        foreach (BucketStatus bucket in buckets)
        {
            if (load.TryGetValue(bucket.Silo, out var entry))
            {
                entry.Buckets.Add(bucket.Bucket);
            }
        }

        var fullest = load.Values.MaxBy(v => v.Buckets.Count);
        var emptiest = load.Values.MinBy(v => v.Buckets.Count);
        if (fullest.Buckets.Count - emptiest.Buckets.Count < 2)
        {
            return;
        }

        int moving = fullest.Buckets[0];
        logger.LogInformation(
            "Index {Index}: moving bucket {Bucket} from {From} ({FromCount} buckets) to {To} ({ToCount})",
            _name,
            moving,
            fullest.Silo,
            fullest.Buckets.Count,
            emptiest.Silo,
            emptiest.Buckets.Count);
        await Bucket(moving).MoveToAsync(emptiest.Silo, cancellationToken);
    }
}

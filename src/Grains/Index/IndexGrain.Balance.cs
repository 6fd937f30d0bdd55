using HyperdOrleans.Grains.Buckets;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace HyperdOrleans.Grains.Index;

/// <summary>
/// Spreads the index's bucket replicas over the silos. Placement spreads them when they first activate, but replicas that moved
/// off a silo that stopped stay where they went when it comes back: without this, 7 of 8 buckets ended on one silo after a
/// restart. One move per tick, so the cluster converges without a storm of moves: first two replicas of one bucket that share a
/// silo (placement re-ranks when a silo leaves, which can put a re-activated replica beside its sibling), then from the fullest
/// silo to the emptiest. A replica only ever moves to a silo holding no other replica of its bucket. A moved replica carries its
/// pending rows to its new silo (grain migration), so a move does not re-read the log.
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

        if (PickMove(active, buckets) is not { } move)
        {
            return;
        }

        logger.LogInformation(
            "Index {Index}: moving bucket {Bucket} shard {Shard} replica {Replica} from {From} to {To} ({Reason})",
            _name,
            move.Replica.Bucket,
            move.Replica.Shard,
            move.Replica.Replica,
            move.Replica.Silo,
            move.To,
            move.Reason);
        await Bucket(move.Replica.Bucket, move.Replica.Replica, move.Replica.Shard).MoveToAsync(move.To, cancellationToken);
    }

    /// <summary>The one move this tick makes, or null when the replicas are spread as well as they can be.</summary>
    public static BalanceMove? PickMove(IReadOnlyList<SiloAddress> active, IReadOnlyList<BucketStatus> replicas)
    {
        var load = active.ToDictionary(s => s.ToString(), s => (Silo: s, Replicas: new List<BucketStatus>()));
        foreach (BucketStatus replica in replicas)
        {
            if (load.TryGetValue(replica.Silo, out var entry))
            {
                entry.Replicas.Add(replica);
            }
        }

        bool Free(SiloAddress silo, BucketStatus of) => load[silo.ToString()].Replicas.All(r => r.Bucket != of.Bucket || r.Shard != of.Shard);
        IEnumerable<SiloAddress> ByLoad() => load.Values.OrderBy(v => v.Replicas.Count).ThenBy(v => v.Silo).Select(v => v.Silo);

        foreach (var silo in load.Values)
        {
            foreach (var shared in silo.Replicas.GroupBy(r => (r.Bucket, r.Shard)).Where(g => g.Count() > 1))
            {
                BucketStatus moving = shared.MaxBy(r => r.Replica)!;
                if (ByLoad().FirstOrDefault(s => Free(s, moving)) is { } to)
                {
                    return new BalanceMove(moving, to, $"replicas {string.Join(", ", shared.Select(r => r.Replica))} share a silo");
                }
            }
        }

        var fullest = load.Values.MaxBy(v => v.Replicas.Count);
        foreach (SiloAddress to in ByLoad())
        {
            if (fullest.Replicas.Count - load[to.ToString()].Replicas.Count < 2)
            {
                break;
            }

            if (fullest.Replicas.FirstOrDefault(r => Free(to, r)) is { } moving)
            {
                return new BalanceMove(moving, to, $"{fullest.Replicas.Count} replicas there, {load[to.ToString()].Replicas.Count} here");
            }
        }

        return null;
    }
}

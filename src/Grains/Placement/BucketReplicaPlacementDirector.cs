using System.IO.Hashing;
using System.Text;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace HyperdOrleans.Grains.Placement;

/// <summary>
/// Rendezvous (highest random weight) placement of bucket replicas: the compatible silos are ranked by a hash of the
/// bucket's key (without the replica) and each silo's endpoint, and replica r goes to the r-th silo of that ranking. So
/// the replicas of one bucket land on distinct silos whenever there are at least as many silos as replicas; the ranking of
/// the silos that remain does not change when one leaves (its replicas re-activate on the next-ranked silo), and an
/// endpoint that comes back (a restarted silo) gets its rank back. A placement hint (<see cref="IPlacementDirector.PlacementHintKey"/>,
/// what a move by the index's balancer uses) wins. Stateless and thread-safe.
/// </summary>
public sealed class BucketReplicaPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        SiloAddress[] compatible = context.GetCompatibleSilos(target);
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, compatible) is { } hint)
        {
            return Task.FromResult(hint);
        }

        string key = target.GrainIdentity.Key.ToString() ?? "";
        (_, _, int replica) = GrainKeys.ParseReplica(key);
        return Task.FromResult(Place(GrainKeys.BucketOf(key), replica, compatible));
    }

    /// <summary>The silo of <paramref name="replica"/>: the replica-th of the ranking, wrapping round when there are fewer silos.</summary>
    public static SiloAddress Place(string bucketKey, int replica, IReadOnlyCollection<SiloAddress> silos)
    {
        SiloAddress[] ranked = Rank(bucketKey, silos);
        return ranked[replica % ranked.Length];
    }

    /// <summary>The silos in the bucket's order of preference: highest weight first, ties (never in practice) by address.</summary>
    public static SiloAddress[] Rank(string bucketKey, IReadOnlyCollection<SiloAddress> silos)
    {
        ArgumentNullException.ThrowIfNull(silos);
        if (silos.Count == 0)
        {
            throw new InvalidOperationException($"no active silo can host bucket '{bucketKey}'.");
        }

        return [.. silos.OrderByDescending(s => Weight(bucketKey, s)).ThenBy(s => s)];
    }

    /// <summary>By endpoint, not by the silo's generation: a silo restarted on its address ranks as before.</summary>
    private static ulong Weight(string bucketKey, SiloAddress silo) =>
        XxHash64.HashToUInt64(Encoding.UTF8.GetBytes($"{bucketKey}|{silo.Endpoint}"));
}

using HyperdOrleans.Grains.Buckets;
using Orleans.Runtime;

namespace HyperdOrleans.Grains.Index;

/// <summary>One replica the balancer moves, where to, and why (for the log).</summary>
public sealed record BalanceMove(BucketStatus Replica, SiloAddress To, string Reason);

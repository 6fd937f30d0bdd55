using HyperdOrleans.Engine.Lsh;

namespace HyperdOrleans.Engine.Build;

/// <summary>
/// How many shards each bucket of a build is split into when the operator does not say: enough shard replicas that every silo
/// serves one (8 × S × R ≥ silos), and no shard above <see cref="DefaultMaxRowsPerShard"/> rows (so one shard's files fit one
/// silo's memory and one rebuild job stays minutes long), at most <see cref="MaxShards"/>. A build never splits a bucket into more
/// shards than it has clusters.
/// </summary>
public static class ShardRule
{
    /// <summary>4M rows: 1.1 GB of float32 rows at 70 dimensions, 1.6 GB at 100.</summary>
    public const long DefaultMaxRowsPerShard = 4_000_000;

    public const int MaxShards = 64;

    /// <param name="indexRows">Rows the build holds (a bucket holds about an eighth).</param>
    /// <param name="silos">Active silos of the cluster.</param>
    /// <param name="replicas">Replicas of every shard.</param>
    /// <param name="maxRowsPerShard">The size cap (<see cref="DefaultMaxRowsPerShard"/> unless configured).</param>
    public static int Choose(long indexRows, int silos, int replicas, long maxRowsPerShard = DefaultMaxRowsPerShard)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(indexRows);
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRowsPerShard, 1);
        long perBucket = (indexRows + LshHasher.BucketCount - 1) / LshHasher.BucketCount;
        long forSilos = (silos + ((long)LshHasher.BucketCount * replicas) - 1) / ((long)LshHasher.BucketCount * replicas);
        long forSize = (perBucket + maxRowsPerShard - 1) / maxRowsPerShard;
        return (int)Math.Clamp(Math.Max(forSilos, forSize), 1, MaxShards);
    }
}

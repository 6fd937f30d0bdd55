using System.Globalization;

namespace HyperdOrleans.Grains;

/// <summary>
/// How the server's grain keys are composed: <c>index/bucket</c> for a bucket's replica 0 (the key buckets had before
/// replicas, so their persisted state stays valid), <c>index/bucket~r</c> for replica r ≥ 1, <c>index/bucket.s</c> and
/// <c>index/bucket.s~r</c> for shard s ≥ 1 of a bucket split into shards (shard 0 keeps the bucket's keys), and
/// <c>index/generation/bucket</c> for a build job.
/// </summary>
public static class GrainKeys
{
    private const char ReplicaMark = '~';
    private const char ShardMark = '.';

    public static string Bucket(string index, int bucket, int replica = 0, int shard = 0)
    {
        string key = shard == 0
            ? $"{index}/{bucket.ToString(CultureInfo.InvariantCulture)}"
            : $"{index}/{bucket.ToString(CultureInfo.InvariantCulture)}{ShardMark}{shard.ToString(CultureInfo.InvariantCulture)}";
        return replica == 0 ? key : $"{key}{ReplicaMark}{replica.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// A build job's key (<c>index/generation/bucket</c>, a shard's job <c>index/generation/bucket.shard</c>); a job run again after
    /// its silo was lost (<paramref name="attempt"/> ≥ 1) is a new grain.
    /// </summary>
    public static string BuildJob(string index, long generation, int bucket, int attempt = 0, int shard = -1)
    {
        string key = $"{index}/{generation.ToString(CultureInfo.InvariantCulture)}/{bucket.ToString(CultureInfo.InvariantCulture)}";
        if (shard >= 0)
        {
            key += $"{ShardMark}{shard.ToString(CultureInfo.InvariantCulture)}";
        }

        return attempt == 0 ? key : $"{key}{ReplicaMark}{attempt.ToString(CultureInfo.InvariantCulture)}";
    }

    public static (string Index, int Bucket) ParseBucket(string key)
    {
        (string index, int bucket, _) = ParseReplica(key);
        return (index, bucket);
    }

    /// <summary>A bucket replica's key taken apart: index name, bucket and replica (0 for the plain <c>index/bucket</c>).</summary>
    public static (string Index, int Bucket, int Replica) ParseReplica(string key)
    {
        (string index, int bucket, _, int replica) = ParseShard(key);
        return (index, bucket, replica);
    }

    /// <summary>A shard replica's key taken apart: index name, bucket, shard and replica (0 and 0 for the plain <c>index/bucket</c>).</summary>
    public static (string Index, int Bucket, int Shard, int Replica) ParseShard(string key)
    {
        int slash = key.LastIndexOf('/');
        ReadOnlySpan<char> tail = key.AsSpan(slash + 1);
        int mark = tail.IndexOf(ReplicaMark);
        int replica = mark < 0 ? 0 : int.Parse(tail[(mark + 1)..], CultureInfo.InvariantCulture);
        ReadOnlySpan<char> bucketPart = mark < 0 ? tail : tail[..mark];
        int dot = bucketPart.IndexOf(ShardMark);
        return dot < 0
            ? (key[..slash], int.Parse(bucketPart, CultureInfo.InvariantCulture), 0, replica)
            : (key[..slash],
                int.Parse(bucketPart[..dot], CultureInfo.InvariantCulture),
                int.Parse(bucketPart[(dot + 1)..], CultureInfo.InvariantCulture),
                replica);
    }

    /// <summary>The key every replica of a shard shares (replica 0's): what placement ranks silos by, so shards spread independently.</summary>
    public static string BucketOf(string replicaKey)
    {
        int mark = replicaKey.LastIndexOf(ReplicaMark);
        return mark < 0 ? replicaKey : replicaKey[..mark];
    }
}

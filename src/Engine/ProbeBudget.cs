namespace HyperdOrleans.Engine;

/// <summary>How a query's cluster probes are spent over the LSH buckets it probes.</summary>
public enum ProbeBudget
{
    /// <summary>
    /// One budget of lshProbes × nprobe clusters for the whole query: the probed buckets' centroids are ranked
    /// together and the best ones are scanned, wherever they lie. The query's own bucket usually holds most of
    /// its neighbours and gets most of the clusters; a far bucket gets few or none.
    /// </summary>
    Shared = 0,

    /// <summary>The best nprobe clusters of each probed bucket, however far the bucket is (the seed's rule).</summary>
    PerBucket = 1,
}

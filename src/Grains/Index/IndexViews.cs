using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Grains.Fields;

namespace HyperdOrleans.Grains.Index;

/// <summary>The client's views of an index, derived from its manifest (the one model), and the one change a client makes to it directly.</summary>
internal static class IndexViews
{
    public static IndexStatus Status(
        string index,
        IndexManifest? m,
        RebuildProgress? rebuild,
        RebuildOutcome? lastRebuild,
        long pendingOperations,
        string? writeFault,
        string silo) => m is null
        ? new IndexStatus(index, false, 0, 0, 0, [], rebuild, lastRebuild, pendingOperations, WriteFault: writeFault, Silo: silo)
        : new IndexStatus(
            index,
            true,
            m.Dimensions,
            m.Generation,
            m.Count,
            [.. m.Buckets.Select(b => new BucketSummary(b.Bucket, b.Count, b.Clusters, Shards: b.ShardCount))],
            rebuild,
            lastRebuild,
            pendingOperations,
            Defaults(m),
            (IndexStorage)m.Build.Storage,
            writeFault,
            silo,
            WireFields.ToWire(m.Schema));

    public static IndexDefaults Defaults(IndexManifest m) => new(
        m.Defaults.LshProbes,
        m.Defaults.NProbe,
        m.Tuning is { } t ? new IndexTuning(t.TargetRecall, t.K, t.SampleSize, t.SampleRecall, t.DotsPerQuery, t.TunedUtc) : null);

    /// <summary>The manifest with <paramref name="defaults"/> (and the tuning that chose them, measured on its generation);
    /// <see cref="ArgumentException"/> if out of range.</summary>
    public static IndexManifest WithDefaults(IndexManifest m, IndexDefaults defaults)
    {
        if (defaults.LshProbes is < 1 or > LshHasher.BucketCount)
        {
            throw new ArgumentException($"LshProbes must be between 1 and {LshHasher.BucketCount}, got {defaults.LshProbes}.", nameof(defaults));
        }

        int clusters = m.Buckets.Max(b => b.Clusters);
        if (defaults.NProbe < 1 || defaults.NProbe > clusters)
        {
            throw new ArgumentException(
                $"NProbe must be between 1 and {clusters} (the most clusters a bucket of generation {m.Generation} has), got {defaults.NProbe}.",
                nameof(defaults));
        }

        IndexManifest next = m with
        {
            Defaults = new SearchDefaults(defaults.LshProbes, defaults.NProbe),
            Tuning = defaults.Tuning is { } t ? new TuningManifest(
                m.Generation,
                t.TargetRecall,
                t.K,
                t.SampleSize,
                t.SampleRecall,
                t.DotsPerQuery,
                t.TunedUtc) : null,
        };
        try
        {
            return ManifestStore.Validate("the new defaults", next);
        }
        catch (IndexFormatException e)
        {
            throw new ArgumentException(e.Message, nameof(defaults));
        }
    }
}

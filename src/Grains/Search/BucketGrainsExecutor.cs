using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Grains.Buckets;

namespace HyperdOrleans.Grains.Search;

/// <summary>
/// The cluster's executor of the engine's search flow: sends each probed bucket grain its share of a pass (the
/// queries that probe it, normalised, with their planned clusters), then merges every bucket's per-query top k
/// into the pass's heaps. Throws <see cref="GenerationChangedException"/> when a bucket serves another generation.
/// A filtered search either probes (the buckets score only the matching rows of their assigned clusters) or, when the
/// filter keeps few rows, asks every bucket to scan all its matching rows for every query (<see cref="ScanMatchesAsync"/>).
/// With <see cref="FieldsRequest.Include"/> it keeps the field values the buckets return with their hits. Each bucket's call goes
/// to one of its replicas through the coordinator's <see cref="ReplicaRouter"/>. A bucket split into shards gets one call per
/// shard its planned clusters fall in, carrying only those (query, cluster) pairs (<see cref="ShardSplit"/>); its first shard
/// also sees every query that probes the bucket, for the pending rows it holds. One per search.
/// </summary>
internal sealed class BucketGrainsExecutor(ReplicaRouter replicas, string index, IndexManifest manifest, FieldsRequest? fields = null)
    : ISearchExecutor
{
    private readonly long generation = manifest.Generation;
    private readonly int[][] _starts = [.. manifest.Buckets.Select(b => b.ShardStarts())];

    /// <summary>Every shard of every bucket of the generation, bucket-major.</summary>
    private IEnumerable<(int Bucket, int Shard)> AllShards() =>
        Enumerable.Range(0, LshHasher.BucketCount).SelectMany(b => Enumerable.Range(0, _starts[b].Length - 1).Select(s => (b, s)));

    /// <summary>The field values of every hit the buckets returned (when asked for), by id.</summary>
    public Dictionary<long, object?[]> HitFields { get; } = [];

    /// <summary>The share of the generation's file rows that the filter keeps (0 when the files hold none).</summary>
    public async Task<double> SelectivityAsync(CancellationToken cancellationToken)
    {
        FieldsRequest asked = fields ?? throw new InvalidOperationException("a search without a filter has no selectivity.");
        BucketMatchCount[] counts = await Task.WhenAll(AllShards().Select(x => replicas.CallAsync(
            index,
            x.Bucket,
            (bucket, _, ct) => bucket.CountMatchesAsync(generation, asked.Filter!, asked.Schema!, ct),
            c => c.Stale && c.Generation < generation ? ReplicaVerdict.Behind : ReplicaVerdict.Answer,
            cancellationToken,
            x.Shard)));
        if (counts.FirstOrDefault(c => c.Stale) is { } stale)
        {
            throw new GenerationChangedException(generation, stale.Generation);
        }

        long rows = counts.Sum(c => c.Rows);
        return rows == 0 ? 0 : (double)counts.Sum(c => c.Matched) / rows;
    }

    /// <summary>
    /// The filter's exact plan: every bucket scores each query against all its rows that pass the filter (its files' matches
    /// and its pending rows), so k matching rows always give k answers.
    /// </summary>
    public async Task ScanMatchesAsync(PreparedQueries batch, int k, TopK[] heaps, CancellationToken cancellationToken)
    {
        int[] members = [.. Enumerable.Range(0, batch.Count)];
        var request = new BucketSearchRequest(
            generation, batch.Dimensions, batch.Unit, k, SearchParameters.DefaultRerank, new int[batch.Count + 1], [], fields?.Filter, fields?.Schema,
            fields?.Include ?? false,
            ExactMatches: true);
        var calls = AllShards().Select(x => (members, Search(x.Bucket, x.Shard, request, cancellationToken))).ToList();
        await MergeAsync(calls, heaps);
    }

    public async ValueTask ScanAsync(SearchPass pass, CancellationToken cancellationToken)
    {
        ProbePlan plan = pass.Plan;
        var calls = new List<(int[] Members, Task<BucketSearchResult> Call)>();
        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            if (plan.QueryCount(b) == 0)
            {
                continue;
            }

            // The plan lives in the caller's scratch: the requests carry copies.
            int[] queries = plan.Queries(b).ToArray();
            foreach (ShardPart part in ShardSplit.Split(plan.Offsets(b), plan.Clusters(b), _starts[b], everyQueryToFirst: true))
            {
                int[] members = [.. part.Rows.Select(i => queries[i])];
                var request = new BucketSearchRequest(
                    generation,
                    pass.Dimensions,
                    Gather(pass.UnitQueries, members, pass.Dimensions),
                    pass.K,
                    pass.Rerank,
                    part.Offsets,
                    part.Clusters,
                    fields?.Filter,
                    fields?.Schema,
                    IncludeFields: fields?.Include ?? false);
                calls.Add((members, Search(b, part.Shard, request, cancellationToken)));
            }
        }

        await MergeAsync(calls, pass.Heaps);
    }

    private Task<BucketSearchResult> Search(int bucket, int shard, BucketSearchRequest request, CancellationToken cancellationToken) =>
        replicas.CallAsync(
            index,
            bucket,
            (grain, waitReady, ct) => grain.SearchAsync(waitReady ? request with { WaitReady = true } : request, ct),
            r => r.NotReady ? ReplicaVerdict.NotReady
                : r.Stale && r.Generation < generation ? ReplicaVerdict.Behind
                : ReplicaVerdict.Answer,
            cancellationToken,
            shard);

    private async Task MergeAsync(List<(int[] Members, Task<BucketSearchResult> Call)> calls, TopK[] heaps)
    {
        await Task.WhenAll(calls.Select(c => c.Call));
        foreach ((int[] members, Task<BucketSearchResult> call) in calls)
        {
            BucketSearchResult result = await call;
            if (result.Stale)
            {
                throw new GenerationChangedException(generation, result.Generation);
            }

            for (int i = 0; i < members.Length; i++)
            {
                QueryResult hits = result.Results[i];
                TopK heap = heaps[members[i]];
                for (int h = 0; h < hits.Count; h++)
                {
                    heap.Add(hits.Ids[h], hits.Scores[h]);
                    if (hits.Fields is { } values)
                    {
                        HitFields[hits.Ids[h]] = values[h];
                    }
                }
            }
        }
    }

    private static float[] Gather(float[] unit, int[] rows, int d)
    {
        var gathered = new float[rows.Length * d];
        for (int i = 0; i < rows.Length; i++)
        {
            unit.AsSpan(rows[i] * d, d).CopyTo(gathered.AsSpan(i * d, d));
        }

        return gathered;
    }
}

using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Grains.Buckets;

namespace HyperdOrleans.Grains.Search;

/// <summary>
/// The cluster's executor of the engine's search flow: sends each probed bucket grain its share of a pass (the
/// queries that probe it, normalised, with their planned clusters), then merges every bucket's per-query top k
/// into the pass's heaps. Throws <see cref="GenerationChangedException"/> when a bucket serves another generation.
/// One per search.
/// </summary>
internal sealed class BucketGrainsExecutor(IGrainFactory grains, string index, long generation) : ISearchExecutor
{
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

            // The plan lives in the caller's scratch: the request carries copies.
            int[] members = plan.Queries(b).ToArray();
            var request = new BucketSearchRequest(
                generation,
                pass.Dimensions,
                Gather(pass.UnitQueries, members, pass.Dimensions),
                pass.K,
                pass.Rerank,
                plan.Offsets(b).ToArray(),
                plan.Clusters(b).ToArray());
            calls.Add((members, grains.GetGrain<IBucketGrain>(GrainKeys.Bucket(index, b)).SearchAsync(request, cancellationToken)));
        }

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
                TopK heap = pass.Heaps[members[i]];
                for (int h = 0; h < hits.Count; h++)
                {
                    heap.Add(hits.Ids[h], hits.Scores[h]);
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

using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Engine.Tuning;

/// <summary>
/// The exact number of dot products <see cref="VectorIndex.SearchBatch"/> spends per query at a setting: the
/// centroids of each probed bucket plus the rows of the clusters it selects, and the refill scan a query makes when
/// its probes hold fewer than k rows. It follows the search's own choices step by step instead of instrumenting the
/// search, so the hot path carries no counter. A cost that is the same on every machine and every run, unlike q/s.
/// Thread-safe.
/// </summary>
public static class SearchCost
{
    /// <summary>Dot products of each query (rows of <paramref name="queries"/>, normalised as the search does).</summary>
    public static long[] DotProducts(VectorIndex index, ReadOnlySpan<float> queries, int k, SearchParameters parameters, int threads = 0)
    {
        parameters.Validate(LshHasher.BucketCount);
        int d = index.Dimensions;
        float[] unit = VectorIndex.PrepareQueries(queries, d);
        int n = unit.Length / d;
        var dots = new long[n];
        int workers = Math.Max(1, Math.Min(threads > 0 ? threads : Environment.ProcessorCount, n));
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            var scratch = new SearchScratch();
            Span<int> order = stackalloc int[LshHasher.BucketCount];
            for (int q = (int)((long)n * worker / workers); q < (int)((long)n * (worker + 1) / workers); q++)
            {
                ReadOnlySpan<float> query = unit.AsSpan(q * d, d);
                index.Hasher.ProbeOrder(query, order);
                dots[q] = OneQuery(index, query, order, k, parameters, scratch);
            }
        });
        return dots;
    }

    /// <summary>Mirrors <c>VectorIndex.SearchChunk</c> for one query.</summary>
    private static long OneQuery(VectorIndex index, ReadOnlySpan<float> query, ReadOnlySpan<int> order, int k, SearchParameters p, SearchScratch scratch)
    {
        long dots = 0;
        long rows = 0;
        foreach (int b in order[..p.LshProbes])
        {
            if (index.Bucket(b) is BucketIndex bucket)
            {
                dots += bucket.SearchCost(query, p.NProbe, scratch, out long scanned);
                rows += scanned;
            }
        }

        if (rows < k && rows < index.Count)
        {
            long found = 0;
            for (int i = 0; i < order.Length && (i < p.LshProbes || found < k); i++)
            {
                if (index.Bucket(order[i]) is BucketIndex bucket)
                {
                    dots += bucket.SearchUntilFullCost(query, i < p.LshProbes ? p.NProbe : 0, k, ref found, scratch);
                }
            }
        }

        return dots;
    }
}

using System.Diagnostics;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Grains.Telemetry;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace HyperdOrleans.Grains.Search;

/// <summary>
/// Answers queries for any index. A reentrant stateless worker: every silo runs local activations (up to one
/// per core), so clients spread queries over the whole cluster through their gateways and no activation is
/// a bottleneck. Each activation caches an index's routing (planes, generation) and refreshes it when a bucket
/// says it serves a newer generation.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class SearchCoordinatorGrain(IOptions<HyperdOptions> options, ILocalSiloDetails silo) : Grain, ISearchCoordinatorGrain
{
    private const int MaxRouteRefreshes = 3;

    private readonly Dictionary<string, IndexRoute> _routes = [];

    /// <summary>Each index's planner for a shared budget, built from its buckets' centroids, with the generation it plans.</summary>
    private readonly Dictionary<string, (long Generation, SharedProbePlanner Planner)> _planners = [];

    // One pool per process (a silo) for the coordinators' plans: busy, it keeps the buffers; idle, it lets go of them.
    private static readonly ScratchPool PlanScratch = new();

    public async Task<SearchResponse> SearchAsync(string index, SearchRequest request, CancellationToken cancellationToken = default)
    {
        GrainKeys.ValidateIndexName(index);
        ArgumentNullException.ThrowIfNull(request.Queries);
        long started = Stopwatch.GetTimestamp();
        IndexRoute route = await RouteAsync(index, refresh: false, cancellationToken);
        for (int attempt = 0; ; attempt++)
        {
            (SearchParameters probes, float[] unit) = Validate(route.Info, request);
            SearchResponse? response = await FanOutAsync(index, route, unit, request.K, probes, cancellationToken);
            if (response is not null)
            {
                response = await FillShortAsync(index, route, unit, request.K, response, cancellationToken);
            }

            if (response is not null)
            {
                int queries = response.Results.Length;
                HyperdMetrics.Queries.Add(queries, new KeyValuePair<string, object?>("index", index));
                HyperdMetrics.QueryDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("index", index));
                return response;
            }

            if (attempt == MaxRouteRefreshes)
            {
                throw new InvalidOperationException($"index '{index}' is switching generations; the query was not answered, retry it.");
            }

            route = await RouteAsync(index, refresh: true, cancellationToken);
        }
    }

    public Task<string> WhereAsync(CancellationToken cancellationToken = default) => Task.FromResult(silo.SiloAddress.ToString());

    /// <summary>Null when some bucket serves another generation than the route's: the caller refreshes and retries.</summary>
    private async Task<SearchResponse?> FanOutAsync(string index, IndexRoute route, float[] unit, int k, SearchParameters probes, CancellationToken cancellationToken)
    {
        int d = route.Info.Dimensions;
        int n = unit.Length / d;
        var probeOrders = new int[n * LshHasher.BucketCount];
        for (int q = 0; q < n; q++)
        {
            route.Hasher.ProbeOrder(unit.AsSpan(q * d, d), probeOrders.AsSpan(q * LshHasher.BucketCount, LshHasher.BucketCount));
        }

        var results = new QueryResult[n];
        if (probes.Budget != ProbeBudget.Shared)
        {
            return await CallBucketsAsync(index, PlanPerBucket(route.Info.Generation, unit, d, k, probeOrders, probes), k, results, cancellationToken) ? Answer(route, results) : null;
        }

        if (await PlannerAsync(index, route, cancellationToken) is not { } planner)
        {
            return null;
        }

        // Passes of a bounded number of (query, cluster) pairs: the plan and every bucket request stay small.
        int passQueries = planner.QueriesPerPass(probes, options.Value.MaxPairsPerFanOut);
        for (int first = 0; first < n; first += passQueries)
        {
            int[] pass = [.. Enumerable.Range(first, Math.Min(passQueries, n - first))];
            BucketCall?[] requests = await Task.Run(() => PlanShared(planner, route.Info.Generation, unit, d, k, pass, probeOrders, probes), cancellationToken);
            if (!await CallBucketsAsync(index, requests, k, results, cancellationToken))
            {
                return null;
            }
        }

        return Answer(route, results);
    }

    /// <summary>The response; a query no bucket answered (none can be: every query probes its own bucket) gets no neighbours.</summary>
    private static SearchResponse Answer(IndexRoute route, QueryResult[] results)
    {
        for (int q = 0; q < results.Length; q++)
        {
            results[q] ??= new QueryResult([], []);
        }

        return new SearchResponse(route.Info.Generation, results);
    }

    /// <summary>
    /// Sends each bucket its request and merges the answers into the results of the queries they list; false when
    /// some bucket serves another generation.
    /// </summary>
    private async Task<bool> CallBucketsAsync(string index, BucketCall?[] requests, int k, QueryResult[] results, CancellationToken cancellationToken)
    {
        var calls = new List<(int[] Members, Task<BucketSearchResult> Call)>();
        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            if (requests[b] is { } call)
            {
                calls.Add((call.Members, GrainFactory.GetGrain<IBucketGrain>(GrainKeys.Bucket(index, b)).SearchAsync(call.Request, cancellationToken)));
            }
        }

        await Task.WhenAll(calls.Select(c => c.Call));
        var perQuery = new Dictionary<int, List<Neighbor[]>>();
        foreach ((int[] members, Task<BucketSearchResult> call) in calls)
        {
            BucketSearchResult result = call.Result;
            if (result.Stale)
            {
                return false;
            }

            for (int i = 0; i < members.Length; i++)
            {
                QueryResult r = result.Results[i];
                if (!perQuery.TryGetValue(members[i], out List<Neighbor[]>? lists))
                {
                    perQuery[members[i]] = lists = [];
                }

                lists.Add([.. r.Ids.Zip(r.Scores, (id, score) => new Neighbor(id, score))]);
            }
        }

        foreach ((int q, List<Neighbor[]> lists) in perQuery)
        {
            Neighbor[] merged = TopKMerge.Merge(lists, k);
            results[q] = new QueryResult([.. merged.Select(h => h.Id)], [.. merged.Select(h => h.Score)]);
        }

        return true;
    }

    /// <summary>A bucket's request and the queries (in order) its answer lists: every query that probes the bucket, whatever the budget.</summary>
    private sealed record BucketCall(BucketSearchRequest Request, int[] Members);

    /// <summary>Each probed bucket's request for the best nprobe clusters of each of its queries.</summary>
    private static BucketCall?[] PlanPerBucket(long generation, float[] unit, int d, int k, int[] probeOrders, SearchParameters probes)
    {
        var requests = new BucketCall?[LshHasher.BucketCount];
        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            int[] members = [.. Enumerable.Range(0, unit.Length / d).Where(q => probeOrders.AsSpan(q * LshHasher.BucketCount, probes.LshProbes).Contains(b))];
            if (members.Length > 0)
            {
                requests[b] = new BucketCall(new BucketSearchRequest(generation, d, Gather(unit, members, d), k, probes.NProbe), members);
            }
        }

        return requests;
    }

    /// <summary>
    /// Each probed bucket's request with the clusters its queries scan under one budget per query, chosen by the
    /// engine's own planner over every probed bucket's centroids (so the cluster probes what the engine would).
    /// </summary>
    private static BucketCall?[] PlanShared(SharedProbePlanner planner, long generation, float[] unit, int d, int k, int[] queries, int[] probeOrders, SearchParameters probes)
    {
        SearchScratch scratch = PlanScratch.Rent();
        try
        {
            ProbePlan plan = planner.Plan(unit, d, queries, probeOrders, probes.LshProbes, probes.NProbe, scratch);
            var requests = new BucketCall?[LshHasher.BucketCount];
            for (int b = 0; b < LshHasher.BucketCount; b++)
            {
                if (plan.QueryCount(b) > 0)
                {
                    var request = new BucketSearchRequest(generation, d, Gather(unit, plan.Queries(b), d), k, probes.NProbe, plan.Offsets(b).ToArray(), plan.Clusters(b).ToArray());
                    requests[b] = new BucketCall(request, plan.Queries(b).ToArray());
                }
            }

            return requests;
        }
        finally
        {
            // The requests hold copies of the plan.
            PlanScratch.Return(scratch);
        }
    }

    /// <summary>The index's planner for the route's generation, from its buckets' centroids (fetched once per generation); null when a bucket serves another generation.</summary>
    private async Task<SharedProbePlanner?> PlannerAsync(string index, IndexRoute route, CancellationToken cancellationToken)
    {
        long generation = route.Info.Generation;
        if (_planners.TryGetValue(index, out var cached) && cached.Generation == generation)
        {
            return cached.Planner;
        }

        BucketCentroids[] centroids = await Task.WhenAll(Enumerable.Range(0, LshHasher.BucketCount)
            .Select(b => GrainFactory.GetGrain<IBucketGrain>(GrainKeys.Bucket(index, b)).GetCentroidsAsync(generation, cancellationToken)));
        if (centroids.Any(c => c.Stale))
        {
            return null;
        }

        int d = route.Info.Dimensions;
        var planner = new SharedProbePlanner([.. centroids.Select(c => c.Rows.Length == 0 ? null : new CentroidScorer(c.Rows, d))]);
        _planners[index] = (generation, planner);
        return planner;
    }

    /// <summary>
    /// Queries whose probed clusters held fewer than k live vectors (tiny buckets, many deletes) are asked again
    /// over every bucket and every cluster, so a query with k no larger than the index gets k answers.
    /// </summary>
    private async Task<SearchResponse?> FillShortAsync(string index, IndexRoute route, float[] unit, int k, SearchResponse response, CancellationToken cancellationToken)
    {
        int want = (int)Math.Min(k, route.Info.Count);
        int[] shortOnes = [.. Enumerable.Range(0, response.Results.Length).Where(q => response.Results[q].Count < want)];
        if (shortOnes.Length == 0)
        {
            return response;
        }

        SearchResponse? exhaustive = await FanOutAsync(index, route, Gather(unit, shortOnes, route.Info.Dimensions), k, new SearchParameters(LshHasher.BucketCount, int.MaxValue, Budget: ProbeBudget.PerBucket), cancellationToken);
        if (exhaustive is null)
        {
            return null;
        }

        QueryResult[] results = [.. response.Results];
        for (int i = 0; i < shortOnes.Length; i++)
        {
            results[shortOnes[i]] = exhaustive.Results[i];
        }

        return response with { Results = results };
    }

    /// <summary>Checks the request against the index and returns the probes and the normalised queries; errors name the bad value.</summary>
    private (SearchParameters Probes, float[] Unit) Validate(SearchInfo info, SearchRequest request)
    {
        int d = info.Dimensions;
        if (request.Queries.Length == 0 || request.Queries.Length % d != 0)
        {
            throw new ArgumentException($"queries hold {request.Queries.Length} values, not whole rows of the {d} dimensions of index '{info.Index}'.", nameof(request));
        }

        long limit = Math.Min(options.Value.MaxK, info.Count);
        if (request.K < 1 || request.K > limit)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.K, $"k must be between 1 and {limit} for index '{info.Index}' ({info.Count} vectors in generation {info.Generation}), got {request.K}.");
        }

        var probes = new SearchParameters(
            request.Options?.LshProbes ?? info.DefaultLshProbes,
            request.Options?.NProbe ?? info.DefaultNProbe,
            Budget: (ProbeBudget)(request.Options?.Budget ?? SearchBudget.Shared));
        try
        {
            probes.Validate(LshHasher.BucketCount);
            float[] unit = request.Queries.ToArray();
            VectorMath.NormalizeRows(unit, d, 0, "query");
            return (probes, unit);
        }
        catch (InvalidVectorException e)
        {
            // Engine exception types are not on the client: hand it a standard one with the same message.
            throw new ArgumentException(e.Message, nameof(request));
        }
    }

    private async Task<IndexRoute> RouteAsync(string index, bool refresh, CancellationToken cancellationToken)
    {
        if (!refresh && _routes.TryGetValue(index, out IndexRoute? cached))
        {
            return cached;
        }

        SearchInfo info = await GrainFactory.GetGrain<IIndexGrain>(index).GetSearchInfoAsync(cancellationToken);
        var route = IndexRoute.From(info);
        _routes[index] = route;
        return route;
    }

    private static float[] Gather(float[] unit, ReadOnlySpan<int> rows, int d)
    {
        var gathered = new float[rows.Length * d];
        for (int i = 0; i < rows.Length; i++)
        {
            unit.AsSpan(rows[i] * d, d).CopyTo(gathered.AsSpan(i * d, d));
        }

        return gathered;
    }
}

using System.Diagnostics;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine;
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

    public async Task<SearchResponse> SearchAsync(string index, SearchRequest request, CancellationToken cancellationToken = default)
    {
        GrainKeys.ValidateIndexName(index);
        ArgumentNullException.ThrowIfNull(request.Queries);
        long started = Stopwatch.GetTimestamp();
        IndexRoute route = await RouteAsync(index, refresh: false, cancellationToken);
        for (int attempt = 0; ; attempt++)
        {
            (int lshProbes, int nprobe, float[] unit) = Validate(route.Info, request);
            SearchResponse? response = await FanOutAsync(index, route, unit, request.K, lshProbes, nprobe, cancellationToken);
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
    private async Task<SearchResponse?> FanOutAsync(string index, IndexRoute route, float[] unit, int k, int lshProbes, int nprobe, CancellationToken cancellationToken)
    {
        int d = route.Info.Dimensions;
        int n = unit.Length / d;
        var members = new List<int>[LshHasher.BucketCount];
        Span<int> order = stackalloc int[LshHasher.BucketCount];
        for (int q = 0; q < n; q++)
        {
            route.Hasher.ProbeOrder(unit.AsSpan(q * d, d), order);
            for (int i = 0; i < lshProbes; i++)
            {
                (members[order[i]] ??= []).Add(q);
            }
        }

        var calls = new List<(int Bucket, List<int> Members, Task<BucketSearchResult> Call)>();
        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            if (members[b] is { } list)
            {
                float[] queries = Gather(unit, list, d);
                var bucketRequest = new BucketSearchRequest(route.Info.Generation, d, queries, k, nprobe);
                calls.Add((b, list, GrainFactory.GetGrain<IBucketGrain>(GrainKeys.Bucket(index, b)).SearchAsync(bucketRequest, cancellationToken)));
            }
        }

        await Task.WhenAll(calls.Select(c => c.Call));
        var perQuery = new List<Neighbor[]>[n];
        foreach ((int _, List<int> list, Task<BucketSearchResult> call) in calls)
        {
            BucketSearchResult result = call.Result;
            if (result.Stale)
            {
                return null;
            }

            for (int i = 0; i < list.Count; i++)
            {
                QueryResult r = result.Results[i];
                (perQuery[list[i]] ??= []).Add([.. r.Ids.Zip(r.Scores, (id, score) => new Neighbor(id, score))]);
            }
        }

        var results = new QueryResult[n];
        for (int q = 0; q < n; q++)
        {
            Neighbor[] merged = TopKMerge.Merge(perQuery[q] ?? [], k);
            results[q] = new QueryResult([.. merged.Select(h => h.Id)], [.. merged.Select(h => h.Score)]);
        }

        return new SearchResponse(route.Info.Generation, results);
    }

    /// <summary>
    /// Queries whose probed clusters held fewer than k live vectors (tiny buckets, many deletes) are asked again
    /// over every bucket and every cluster, so a query with k no larger than the index gets k answers.
    /// </summary>
    private async Task<SearchResponse?> FillShortAsync(string index, IndexRoute route, float[] unit, int k, SearchResponse response, CancellationToken cancellationToken)
    {
        int want = (int)Math.Min(k, route.Info.Count);
        List<int> shortOnes = [.. Enumerable.Range(0, response.Results.Length).Where(q => response.Results[q].Count < want)];
        if (shortOnes.Count == 0)
        {
            return response;
        }

        SearchResponse? exhaustive = await FanOutAsync(index, route, Gather(unit, shortOnes, route.Info.Dimensions), k, LshHasher.BucketCount, int.MaxValue, cancellationToken);
        if (exhaustive is null)
        {
            return null;
        }

        QueryResult[] results = [.. response.Results];
        for (int i = 0; i < shortOnes.Count; i++)
        {
            results[shortOnes[i]] = exhaustive.Results[i];
        }

        return response with { Results = results };
    }

    /// <summary>Checks the request against the index and returns the probes and the normalised queries; errors name the bad value.</summary>
    private (int LshProbes, int NProbe, float[] Unit) Validate(SearchInfo info, SearchRequest request)
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

        int lshProbes = request.Options?.LshProbes ?? info.DefaultLshProbes;
        int nprobe = request.Options?.NProbe ?? info.DefaultNProbe;
        try
        {
            new SearchParameters(lshProbes, nprobe).Validate(LshHasher.BucketCount);
            float[] unit = request.Queries.ToArray();
            VectorMath.NormalizeRows(unit, d, 0, "query");
            return (lshProbes, nprobe, unit);
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

    private static float[] Gather(float[] unit, List<int> rows, int d)
    {
        var gathered = new float[rows.Count * d];
        for (int i = 0; i < rows.Count; i++)
        {
            unit.AsSpan(rows[i] * d, d).CopyTo(gathered.AsSpan(i * d, d));
        }

        return gathered;
    }
}

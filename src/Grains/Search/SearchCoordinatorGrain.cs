using System.Diagnostics;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Filters;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Grains.Buckets;
using HyperdOrleans.Grains.Fields;
using HyperdOrleans.Grains.Index;
using HyperdOrleans.Grains.Telemetry;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace HyperdOrleans.Grains.Search;

/// <summary>
/// Answers queries for any index by running the engine's search flow with the bucket grains as its executor,
/// so the cluster plans, scans, merges and fills short answers exactly as the engine does. A reentrant stateless
/// worker: every silo runs local activations (up to one per core) and the SDK spreads a client's queries over its
/// gateways (a few coordinator keys, taken in turn), so no silo or activation is a bottleneck. The silo's activations share
/// one replica router (<see cref="ReplicaRouter"/>) and one cache of each index's route (its manifest and every bucket's
/// centroids, <see cref="IndexRouteCache"/>), re-read the manifest every <see cref="HyperdOptions.RouteRefreshInterval"/>
/// (so new defaults apply) and rebuild the route when a bucket serves a newer generation.
/// </summary>
[StatelessWorker, Reentrant]
public sealed partial class SearchCoordinatorGrain(IOptions<HyperdOptions> options, ILocalSiloDetails silo) : Grain, ISearchCoordinatorGrain
{
    private const int MaxRouteRefreshes = 3;
    private IndexRouteCache? _routes;

    /// <summary>The silo's routes, shared by its coordinator activations.</summary>
    private IndexRouteCache Routes => _routes ??= IndexRouteCache.Of(silo);

    private ReplicaRouter? _replicas;

    /// <summary>The silo's choice of bucket replicas (fewest calls in flight, failover, hedging), shared by its coordinators.</summary>
    private ReplicaRouter Replicas =>
        _replicas ??= ReplicaRouter.Of(silo, GrainFactory, options.Value.Replicas, options.Value.ReplicaAttemptTimeout);

    // One pool per process (a silo) for the coordinators' plans: busy, it keeps the buffers; idle, it lets go of them.
    private static readonly ScratchPool PlanScratch = new();

    public async Task<SearchResponse> SearchAsync(string index, SearchRequest request, CancellationToken cancellationToken = default)
    {
        IndexNames.Validate(index);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Queries);
        long started = Stopwatch.GetTimestamp();
        IndexRoute route = await RouteAsync(index, refresh: false, cancellationToken);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                (Neighbor[][] answers, Dictionary<long, object?[]>? fields) = await AnswerAsync(index, route, request, cancellationToken);
                HyperdMetrics.Queries.Add(answers.Length, new KeyValuePair<string, object?>("index", index));
                HyperdMetrics.QueryDuration.Record(
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    new KeyValuePair<string, object?>("index", index));
                return new SearchResponse(
                    route.Generation,
                    [.. answers.Select(a => new QueryResult(
                        [.. a.Select(n => n.Id)],
                        [.. a.Select(n => n.Score)],
                        fields is null ? null : [.. a.Select(n => fields.GetValueOrDefault(n.Id) ?? new object?[route.Manifest.Schema!.Count])]))]);
            }
            catch (GenerationChangedException) when (attempt < MaxRouteRefreshes)
            {
                route = await RouteAsync(index, refresh: true, cancellationToken);
            }
            catch (GenerationChangedException)
            {
                throw new InvalidOperationException($"index '{index}' is switching generations; the query was not answered, retry it.");
            }
        }
    }

    public Task<string> WhereAsync(CancellationToken cancellationToken = default) => Task.FromResult(silo.SiloAddress.ToString());

    /// <summary>Checks the request against the route's generation, then runs the flow off the activation's turn.</summary>
    private async Task<(Neighbor[][] Answers, Dictionary<long, object?[]>? Fields)> AnswerAsync(
        string index, IndexRoute route, SearchRequest request, CancellationToken cancellationToken)
    {
        IndexManifest info = route.Manifest;
        FieldsRequest? fields = FieldsOf(index, info, request);
        SearchOptions? o = request.Options;
        var parameters = new SearchParameters(
            o?.LshProbes ?? info.Defaults.LshProbes,
            o?.NProbe ?? info.Defaults.NProbe,
            o?.Rerank ?? SearchParameters.DefaultRerank,
            (ProbeBudget)(o?.Budget ?? SearchBudget.Shared));
        PreparedQueries batch;
        try
        {
            batch = route.Flow.Prepare(
                request.Queries,
                request.K,
                options.Value.MaxK, // not the generation's count: pending rows count too, and a short answer is an answer
                parameters,
                $"index '{index}' ({info.Count} vectors in generation {info.Generation})");
        }
        catch (InvalidVectorException e)
        {
            // Engine exception types are not on the client: hand it a standard one with the same message.
            throw new ArgumentException(e.Message, nameof(request));
        }

        var results = new Neighbor[batch.Count][];
        var executor = new BucketGrainsExecutor(Replicas, index, route.Manifest, fields);
        long pairsPerPass = options.Value.MaxPairsPerFanOut;
        bool exact = false;
        if (fields?.Filter is not null)
        {
            // The engine's rule: an exact scan of the matches when it reads less than a widened probe would.
            double share = await executor.SelectivityAsync(cancellationToken);
            double exactBelow = VectorIndex.ExactCostRatio * parameters.LshProbes * parameters.NProbe / Math.Max(1, route.Flow.Planner.TotalClusters);
            exact = share == 0 || share < exactBelow;

            parameters = exact ? parameters : Widened(parameters, share);
        }

        if (exact)
        {
            var heaps = new TopK[batch.Count];
            for (int q = 0; q < heaps.Length; q++)
            {
                heaps[q] = new TopK(request.K);
            }

            await Task.Run(() => executor.ScanMatchesAsync(batch, request.K, heaps, cancellationToken), cancellationToken);
            return ([.. heaps.Select(h => h.ToSortedArray())], fields!.Include ? executor.HitFields : null);
        }

        // Planning is CPU work: the thread pool does it, not this activation's turn; the executor's grain calls go from there too.
        await Task.Run(
            async () =>
            {
                SearchScratch scratch = PlanScratch.Rent();
                try
                {
                    await route.Flow.SearchAsync(
                        batch,
                        0,
                        batch.Count,
                        request.K,
                        parameters,
                        info.Count,
                        executor,
                        scratch,
                        results,
                        pairsPerPass,
                        cancellationToken);
                }
                finally
                {
                    PlanScratch.Return(scratch);
                }
            },
            cancellationToken);
        return (results, fields?.Include == true ? executor.HitFields : null);
    }

    /// <summary>
    /// Probes widened as the engine widens them for a filter keeping <paramref name="share"/> of the rows: more buckets
    /// (lshProbes / share, at most all of them) and a cluster budget 1 / share times as large, so that the probed clusters
    /// hold about as many matching rows as an unfiltered search reads rows.
    /// </summary>
    private static SearchParameters Widened(SearchParameters p, double share)
    {
        int lshProbes = (int)Math.Min(LshHasher.BucketCount, Math.Ceiling(p.LshProbes / share));
        double budget = (double)p.LshProbes * p.NProbe / share;
        return p with { LshProbes = lshProbes, NProbe = (int)Math.Min(int.MaxValue, Math.Ceiling(budget / lshProbes)) };
    }

    /// <summary>The request's filter checked against the index's fields (an <see cref="ArgumentException"/> names the problem).</summary>
    private static FieldsRequest? FieldsOf(string index, IndexManifest info, SearchRequest request)
    {
        if (request.Filter is null && !request.IncludeFields)
        {
            return null;
        }

        if (info.Schema is null)
        {
            throw new ArgumentException($"index '{index}' has no data fields, so it cannot filter or return them.", nameof(request));
        }

        if (request.Filter is { } filter)
        {
            FilterValidator.Validate(WireFields.ToFilter(filter), info.Schema);
        }

        return new FieldsRequest(WireFields.ToWire(info.Schema), request.Filter, request.IncludeFields);
    }

    private async Task<IndexRoute> RouteAsync(string index, bool refresh, CancellationToken cancellationToken)
    {
        IndexRoute? cached = Routes.Get(index);
        if (!refresh && cached is not null && Stopwatch.GetElapsedTime(cached.FetchedAt) < options.Value.RouteRefreshInterval)
        {
            return cached;
        }

        for (int attempt = 0; ; attempt++)
        {
            IndexManifest manifest;
            try
            {
                manifest = await ManifestAsync(index, periodic: !refresh && cached is not null, cancellationToken);
            }
            catch (Exception e) when (!refresh && cached is not null && e is not (ArgumentException or KeyNotFoundException
                or OperationCanceledException))
            {
                // A periodic refresh only picks up new defaults: while the index grain's silo is down (until it is declared dead
                // and the grain re-activates), the cached route serves on; a bucket on a newer generation still forces a refresh.
                return Routes.Set(index, cached with { FetchedAt = Stopwatch.GetTimestamp() });
            }

            if (cached is not null && cached.Generation == manifest.Generation)
            {
                // Same generation: same planes and centroids; only the defaults may have changed.
                return Routes.Set(index, cached with { Manifest = manifest, FetchedAt = Stopwatch.GetTimestamp() });
            }

            long generation = manifest.Generation;
            BucketCentroids[] centroids = await Task.WhenAll(Enumerable.Range(0, LshHasher.BucketCount).Select(b => Replicas.CallAsync(
                index,
                b,
                (bucket, _, ct) => bucket.GetCentroidsAsync(generation, ct),
                c => c.Stale && c.Generation < generation ? ReplicaVerdict.Behind : ReplicaVerdict.Answer,
                cancellationToken)));
            if (centroids.Any(c => c.Stale) && attempt < MaxRouteRefreshes)
            {
                // The index grain switched generations between the two calls: ask again.
                continue;
            }

            if (centroids.Any(c => c.Stale))
            {
                throw new InvalidOperationException($"index '{index}' is switching generations; the query was not answered, retry it.");
            }

            int d = manifest.Dimensions;
            var planner = new SharedProbePlanner([.. centroids.Select(c => c.Rows.Length == 0 ? null : new CentroidScorer(c.Rows, d))]);
            var route = new IndexRoute(manifest, new SearchFlow(manifest.ToHasher(), planner), Stopwatch.GetTimestamp());
            return Routes.Set(index, route);
        }
    }

    /// <summary>The index grain's manifest; a periodic refresh with replicas waits at most the replica attempt timeout for it.</summary>
    private Task<IndexManifest> ManifestAsync(string index, bool periodic, CancellationToken cancellationToken)
    {
        Task<IndexManifest> call = GrainFactory.GetGrain<IIndexRoutingGrain>(index).GetManifestAsync(cancellationToken);
        return periodic && options.Value.Replicas > 1 ? call.WaitAsync(options.Value.ReplicaAttemptTimeout, cancellationToken) : call;
    }
}

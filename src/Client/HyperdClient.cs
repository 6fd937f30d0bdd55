using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Client;

/// <summary>
/// The typed API of a HyperdOrleans cluster over an Orleans cluster client. Searches go to the stateless
/// search coordinator (served by every silo); builds, appends, deletes and status to the index's grain.
/// Errors come back as standard exceptions whose messages name the bad value: <see cref="ArgumentException"/>
/// for bad input, <see cref="KeyNotFoundException"/> for an index that does not exist,
/// <see cref="InvalidOperationException"/> for a refused or failed rebuild. Thread-safe.
/// </summary>
public sealed class HyperdClient(IGrainFactory grains)
{
    /// <summary>How long one long-poll of a running rebuild may last: under Orleans' 30 s response timeout.</summary>
    private static readonly TimeSpan PollSlice = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Builds (<paramref name="request"/> with a source file) or rebuilds (without) the index, and by default
    /// waits until the new generation serves. Throws <see cref="InvalidOperationException"/> if another
    /// rebuild runs or this one fails (the previous generation then keeps serving).
    /// </summary>
    public async Task<IndexStatus> BuildAsync(string index, BuildRequest request, bool wait = true, CancellationToken cancellationToken = default)
    {
        IIndexGrain grain = Index(index);
        RebuildTicket ticket = await grain.BuildAsync(request, cancellationToken);
        if (!ticket.Accepted)
        {
            throw new InvalidOperationException(ticket.Message);
        }

        if (!wait)
        {
            return await grain.StatusAsync(cancellationToken);
        }

        return await WaitForRebuildAsync(index, ticket.Generation, cancellationToken);
    }

    /// <summary>Waits until the rebuild of <paramref name="generation"/> ended; throws if it failed.</summary>
    public async Task<IndexStatus> WaitForRebuildAsync(string index, long generation, CancellationToken cancellationToken = default)
    {
        IIndexGrain grain = Index(index);
        while (true)
        {
            IndexStatus status;
            try
            {
                status = await grain.WaitForRebuildAsync(PollSlice, cancellationToken);
            }
            catch (TimeoutException) when (!cancellationToken.IsCancellationRequested)
            {
                // A long-poll answered late: a silo busy building on every core (seen on a loaded 2-core machine,
                // timers 8 s late) misses the 30 s response timeout. The rebuild goes on there; ask again.
                continue;
            }

            if (status.Rebuild?.Generation == generation)
            {
                continue;
            }

            if (status.Generation >= generation)
            {
                return status;
            }

            throw new InvalidOperationException(status.LastRebuild is { Generation: var g, Succeeded: false, Error: var error } && g == generation
                ? $"rebuild of index '{index}' to generation {generation} failed: {error} (generation {status.Generation} keeps serving)"
                : $"rebuild of index '{index}' to generation {generation} did not complete, its index grain restarted (generation "
                    + $"{status.Generation} keeps serving)");
        }
    }

    /// <summary>Adds or replaces vectors (row-major, one row per id); they are durable and searchable when this returns.</summary>
    public Task<MutationResult> AppendAsync(string index, long[] ids, float[] vectors, CancellationToken cancellationToken = default) =>
        Index(index).AppendAsync(new VectorBatch(ids, vectors), cancellationToken);

    /// <summary>Removes ids; they are never returned once this returns.</summary>
    public Task<MutationResult> DeleteAsync(string index, long[] ids, CancellationToken cancellationToken = default) =>
        Index(index).DeleteAsync(ids, cancellationToken);

    /// <summary>The top <paramref name="k"/> of one query vector.</summary>
    public async Task<QueryResult> SearchAsync(
        string index,
        float[] query,
        int k,
        SearchOptions? options = null,
        CancellationToken cancellationToken = default) =>
        (await Coordinator().SearchAsync(index, new SearchRequest(query, k, options), cancellationToken)).Results[0];

    /// <summary>The top <paramref name="k"/> of each query of a batch.</summary>
    public async Task<QueryResult[]> SearchAsync(
        string index,
        IReadOnlyList<float[]> queries,
        int k,
        SearchOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        if (queries.Count == 0)
        {
            throw new ArgumentException("no queries given.", nameof(queries));
        }

        float[] flat = [.. queries.SelectMany(q => q)];
        if (queries.Any(q => q.Length != queries[0].Length))
        {
            throw new ArgumentException("the queries of a batch must all have the same length.", nameof(queries));
        }

        return (await Coordinator().SearchAsync(index, new SearchRequest(flat, k, options), cancellationToken)).Results;
    }

    /// <summary>The top <paramref name="k"/> of each row of a row-major batch, with the generation that answered.</summary>
    public Task<SearchResponse> SearchRowsAsync(
        string index,
        float[] rows,
        int k,
        SearchOptions? options = null,
        CancellationToken cancellationToken = default) =>
        Coordinator().SearchAsync(index, new SearchRequest(rows, k, options), cancellationToken);

    /// <summary>The index's generation, counts, pending data and rebuild progress per bucket.</summary>
    public Task<IndexStatus> StatusAsync(string index, CancellationToken cancellationToken = default) => Index(index).StatusAsync(cancellationToken);

    /// <summary>
    /// Dimensions, vectors, serving generation and default probes of a built index; throws
    /// <see cref="KeyNotFoundException"/> when it has no generation yet.
    /// </summary>
    public async Task<IndexInfo> GetIndexInfoAsync(string index, CancellationToken cancellationToken = default) =>
        IndexInfo.From(await StatusAsync(index, cancellationToken));

    /// <summary>
    /// Sets the index's default search settings (what <c>hyperd tune</c> chooses), kept across rebuilds; every
    /// coordinator uses them within <c>Hyperd:RouteRefreshInterval</c> (5 s by default). A query's options still override them.
    /// </summary>
    public Task<IndexStatus> SetDefaultsAsync(string index, IndexDefaults defaults, CancellationToken cancellationToken = default) =>
        Index(index).SetDefaultsAsync(defaults, cancellationToken);

    private IIndexGrain Index(string index)
    {
        IndexNames.Validate(index);
        return grains.GetGrain<IIndexGrain>(index);
    }

    private ISearchCoordinatorGrain Coordinator() => grains.GetGrain<ISearchCoordinatorGrain>(0);
}

using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Client;

/// <summary>
/// The typed API of a HyperdOrleans cluster over an Orleans cluster client. Searches go to the stateless
/// search coordinator (served by every silo); builds, appends, deletes and status to the index's grain.
/// Errors come back as standard exceptions whose messages name the bad value: <see cref="ArgumentException"/>
/// for bad input, <see cref="KeyNotFoundException"/> for an index that does not exist,
/// <see cref="InvalidOperationException"/> for a refused or failed rebuild. Every call has a deadline
/// (<see cref="HyperdClientOptions.SearchTimeout"/> for searches, <see cref="HyperdClientOptions.WriteTimeout"/> for appends
/// and deletes, which are sent again while an attempt goes unanswered, <see cref="HyperdClientOptions.CallTimeout"/> for the
/// rest, or the call's own <c>timeout</c>): past it the grain call is cancelled and <see cref="TimeoutException"/>
/// names the call, the index and the deadline; a cancelled token throws <see cref="OperationCanceledException"/>.
/// Thread-safe.
/// </summary>
public sealed class HyperdClient(IGrainFactory grains, HyperdClientOptions? options = null)
{
    /// <summary>How long one long-poll of a running rebuild may last: well under the client's response timeout.</summary>
    private static readonly TimeSpan PollSlice = TimeSpan.FromSeconds(20);

    /// <summary>A long-poll's own deadline: its slice plus time for a busy silo to answer.</summary>
    private static readonly TimeSpan PollMargin = TimeSpan.FromSeconds(10);

    /// <summary>How Orleans' own response timeout begins its message: a call that outlived the client's backstop.</summary>
    private const string OrleansResponseTimeout = "Response did not arrive";

    /// <summary>The most bytes of vectors one append of <see cref="UpsertAsync"/> carries (Orleans messages stay small).</summary>
    public const int UpsertChunkBytes = 4 << 20;

    /// <summary>The most rows one append of <see cref="UpsertAsync"/> carries.</summary>
    public const int UpsertChunkRows = 10_000;

    /// <summary>The most ids one read of <see cref="GetAsync"/> carries.</summary>
    private const int ReadChunkIds = 10_000;

    /// <summary>
    /// Keys of the coordinators and write routers a client takes in turn: enough that its calls spread over the gateways (the
    /// Orleans client sends each grain's calls through one), few since every key has its own activations on each silo.
    /// </summary>
    private const int CoordinatorKeys = 8;

    private readonly TimeSpan _callTimeout = options?.CallTimeout ?? new HyperdClientOptions().CallTimeout;
    private readonly TimeSpan _searchTimeout = options?.SearchTimeout ?? new HyperdClientOptions().SearchTimeout;
    private readonly TimeSpan _writeTimeout = options?.WriteTimeout ?? new HyperdClientOptions().WriteTimeout;
    private readonly TimeSpan _writeAttemptTimeout = options?.WriteAttemptTimeout ?? new HyperdClientOptions().WriteAttemptTimeout;
    private readonly TimeSpan? _searchAttemptTimeout = options?.SearchAttemptTimeout;
    private int _nextCoordinator;
    private int _nextWriter;

    /// <summary>
    /// Builds (<paramref name="request"/> with a source file) or rebuilds (without) the index, and by default
    /// waits until the new generation serves. Throws <see cref="InvalidOperationException"/> if another
    /// rebuild runs or this one fails (the previous generation then keeps serving). <paramref name="timeout"/>
    /// bounds the whole call, wait included; without it the request has the call timeout and the wait lasts as long
    /// as the rebuild.
    /// </summary>
    public async Task<IndexStatus> BuildAsync(
        string index,
        BuildRequest request,
        bool wait = true,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        IIndexGrain grain = Index(index);
        if (timeout is { } whole)
        {
            return await WithDeadline("BuildAsync", index, whole, cancellationToken, ct => BuildAndWaitAsync(index, grain, request, wait, ct));
        }

        RebuildTicket ticket = await WithDeadline("BuildAsync", index, _callTimeout, cancellationToken, ct => grain.BuildAsync(request, ct));
        return await AfterTicketAsync(index, grain, ticket, wait, cancellationToken);
    }

    /// <summary>
    /// Waits until the rebuild of <paramref name="generation"/> ended; throws if it failed. Each long-poll has its own
    /// bound (20 s plus a margin); <paramref name="timeout"/> bounds the whole wait, which otherwise lasts as long as
    /// the rebuild.
    /// </summary>
    public Task<IndexStatus> WaitForRebuildAsync(
        string index,
        long generation,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        timeout is { } whole
            ? WithDeadline("WaitForRebuildAsync", index, whole, cancellationToken, ct => PollRebuildAsync(index, generation, ct))
            : PollRebuildAsync(index, generation, cancellationToken);

    /// <summary>Adds or replaces vectors (row-major, one row per id); they are durable and searchable when this returns.</summary>
    public Task<MutationResult> AppendAsync(
        string index,
        long[] ids,
        float[] vectors,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        AppendAsync(index, ids, vectors, fields: null, timeout, cancellationToken);

    /// <summary>
    /// Adds or replaces rows with data field values: <paramref name="fields"/> holds one row of values per id, aligned with the
    /// index's fields (null: every value missing). Values of the wrong type are refused with <see cref="ArgumentException"/>.
    /// </summary>
    public Task<MutationResult> AppendAsync(
        string index,
        long[] ids,
        float[] vectors,
        object?[][]? fields,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        WriteAsync(
            "AppendAsync", index, timeout, cancellationToken, (writer, ct) => writer.AppendAsync(index, new VectorBatch(ids, vectors, fields), ct));

    /// <summary>Removes ids; they are never returned once this returns.</summary>
    public Task<MutationResult> DeleteAsync(string index, long[] ids, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WriteAsync("DeleteAsync", index, timeout, cancellationToken, (writer, ct) => writer.DeleteAsync(index, ids, ct));

    /// <summary>The top <paramref name="k"/> of one query vector.</summary>
    public async Task<QueryResult> SearchAsync(
        string index,
        float[] query,
        int k,
        SearchOptions? options = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        (await SearchRowsAsync(index, query, k, options, timeout, cancellationToken)).Results[0];

    /// <summary>
    /// The top <paramref name="k"/> of one query among the rows <paramref name="filter"/> keeps (null: every row), with each
    /// hit's field values in <see cref="QueryResult.Fields"/> when <paramref name="includeFields"/>.
    /// </summary>
    public async Task<QueryResult> SearchAsync(
        string index,
        float[] query,
        int k,
        FieldFilter? filter,
        bool includeFields = false,
        SearchOptions? options = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        (await SearchRowsAsync(index, new SearchRequest(query, k, options, filter, includeFields), timeout, cancellationToken)).Results[0];

    /// <summary>The top <paramref name="k"/> of each query of a batch.</summary>
    public async Task<QueryResult[]> SearchAsync(
        string index,
        IReadOnlyList<float[]> queries,
        int k,
        SearchOptions? options = null,
        TimeSpan? timeout = null,
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

        return (await SearchRowsAsync(index, flat, k, options, timeout, cancellationToken)).Results;
    }

    /// <summary>The top <paramref name="k"/> of each row of a row-major batch, with the generation that answered.</summary>
    public Task<SearchResponse> SearchRowsAsync(
        string index,
        float[] rows,
        int k,
        SearchOptions? options = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        ReadWithDeadline(
            "SearchAsync",
            index,
            timeout,
            cancellationToken,
            (coordinator, c) => coordinator.SearchAsync(index, new SearchRequest(rows, k, options), c));

    /// <summary>Answers a whole <see cref="SearchRequest"/> (a row-major batch, with a filter and returned fields when it asks).</summary>
    public Task<SearchResponse> SearchRowsAsync(
        string index,
        SearchRequest request,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        ReadWithDeadline("SearchAsync", index, timeout, cancellationToken, (coordinator, c) => coordinator.SearchAsync(index, request, c));

    /// <summary>
    /// The stored rows of <paramref name="ids"/> that exist (deleted and unknown ids are left out), each once, in the order asked:
    /// with their unit vectors when <paramref name="includeVectors"/> (the index keeps cosine-normalised rows) and their field
    /// values when <paramref name="includeFields"/>. Every bucket is asked (an id's bucket follows from its vector); more than
    /// 10,000 ids go in several reads.
    /// </summary>
    public async Task<StoredRow[]> GetAsync(
        string index,
        long[] ids,
        bool includeVectors = false,
        bool includeFields = true,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        IndexNames.Validate(index);
        long[] distinct = [.. ids.Distinct()];
        var rows = new List<StoredRow>(distinct.Length);
        foreach (long[] chunk in distinct.Chunk(ReadChunkIds))
        {
            rows.AddRange(await ReadWithDeadline(
                "GetAsync",
                index,
                timeout,
                cancellationToken,
                (coordinator, c) => coordinator.ReadAsync(index, new ReadRequest(chunk, null, 0, 0, includeVectors, includeFields), c)));
        }

        return [.. rows];
    }

    /// <summary>
    /// The stored rows <paramref name="filter"/> keeps (null: every row), ordered by id: <paramref name="skip"/> of them skipped,
    /// then at most <paramref name="top"/> (up to <c>Hyperd:MaxK</c>; skip + top at most 100,000). Vectors and field values as
    /// in <see cref="GetAsync"/>. A page is consistent within one generation; rows written between pages may shift later pages.
    /// </summary>
    public Task<StoredRow[]> QueryAsync(
        string index,
        FieldFilter? filter,
        int top,
        int skip = 0,
        bool includeVectors = false,
        bool includeFields = true,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        ReadWithDeadline(
            "QueryAsync",
            index,
            timeout,
            cancellationToken,
            (coordinator, c) => coordinator.ReadAsync(index, new ReadRequest(null, filter, top, skip, includeVectors, includeFields), c));

    /// <summary>The index's generation, counts, pending data and rebuild progress per bucket.</summary>
    public Task<IndexStatus> StatusAsync(string index, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WithDeadline("StatusAsync", index, timeout ?? _callTimeout, cancellationToken, ct => Index(index).StatusAsync(ct));

    /// <summary>
    /// Dimensions, vectors, serving generation and default probes of a built index; throws
    /// <see cref="KeyNotFoundException"/> when it has no generation yet.
    /// </summary>
    public async Task<IndexInfo> GetIndexInfoAsync(string index, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        IndexInfo.From(await StatusAsync(index, timeout, cancellationToken));

    /// <summary>
    /// Sets the index's default search settings (what <c>hyperd tune</c> chooses), kept across rebuilds; every
    /// coordinator uses them within <c>Hyperd:RouteRefreshInterval</c> (5 s by default). A query's options still override them.
    /// </summary>
    public Task<IndexStatus> SetDefaultsAsync(
        string index,
        IndexDefaults defaults,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        WithDeadline("SetDefaultsAsync", index, timeout ?? _callTimeout, cancellationToken, ct => Index(index).SetDefaultsAsync(defaults, ct));

    /// <summary>
    /// Creates an empty index of <paramref name="dimensions"/> (cosine similarity) for appends to fill; its first build runs
    /// by itself once enough rows are pending (<c>Hyperd:FirstBuildRows</c>). An index of that name and dimensions is
    /// returned as it is; one of other dimensions is refused with <see cref="ArgumentException"/>.
    /// </summary>
    public Task<IndexStatus> CreateIndexAsync(
        string index,
        int dimensions,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        CreateIndexAsync(index, dimensions, fields: null, timeout, cancellationToken);

    /// <summary>
    /// Creates an empty index whose rows carry the data <paramref name="fields"/> (in the order of a row's values); fields
    /// marked <see cref="DataField.IsIndexed"/> can be filtered on. A bad schema is refused with <see cref="ArgumentException"/>.
    /// </summary>
    public Task<IndexStatus> CreateIndexAsync(
        string index,
        int dimensions,
        DataField[]? fields,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        WithDeadline(
            "CreateIndexAsync", index, timeout ?? _callTimeout, cancellationToken, ct => Index(index).CreateAsync(new(dimensions, fields), ct));

    /// <summary>Every index of the cluster (created, or built from a file), by name.</summary>
    public async Task<IndexSummary[]> ListIndexesAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        await RunWithDeadlineAsync(
            "ListIndexesAsync",
            "*",
            timeout ?? _callTimeout,
            cancellationToken,
            grains.GetGrain<IIndexCatalogGrain>(0).ListAsync);

    /// <summary>
    /// Drops the index: its files, its log and its grains' state are deleted. False if it did not exist. Refused with
    /// <see cref="InvalidOperationException"/> while a rebuild of it runs.
    /// </summary>
    public Task<bool> DropIndexAsync(string index, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WithDeadline("DropIndexAsync", index, timeout ?? _callTimeout, cancellationToken, ct => Index(index).DropAsync(ct));

    /// <summary>
    /// Adds or replaces any number of rows: sent in chunks of at most <see cref="UpsertChunkBytes"/> (and 10,000 rows), one
    /// after the other, each an append with its own deadline and all-or-nothing. When a chunk fails the exception says how
    /// many rows were acknowledged before it; sending the whole call again is safe (upserts by id; a later copy of an id
    /// replaces an earlier one).
    /// </summary>
    public Task<MutationResult> UpsertAsync(
        string index,
        long[] ids,
        float[] vectors,
        CancellationToken cancellationToken = default) =>
        UpsertAsync(index, ids, vectors, fields: null, cancellationToken);

    /// <summary>As the upsert without fields, with one row of data field values per id (null: every value missing).</summary>
    public async Task<MutationResult> UpsertAsync(
        string index,
        long[] ids,
        float[] vectors,
        object?[][]? fields,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(vectors);
        if (ids.Length == 0 || vectors.Length == 0 || vectors.Length % ids.Length != 0)
        {
            throw new ArgumentException($"{ids.Length} ids and {vectors.Length} values: every id needs one row of the same length.", nameof(vectors));
        }

        if (fields is not null && fields.Length != ids.Length)
        {
            throw new ArgumentException($"{ids.Length} ids need as many rows of field values; got {fields.Length}.", nameof(fields));
        }

        int d = vectors.Length / ids.Length;
        var total = new MutationResult(0, 0, false);
        for (int first = 0; first < ids.Length;)
        {
            int count = ChunkRows(first, ids.Length - first, d, fields);
            try
            {
                MutationResult part = await AppendAsync(
                    index,
                    ids[first..(first + count)],
                    vectors[(first * d)..((first + count) * d)],
                    fields?[first..(first + count)],
                    cancellationToken: cancellationToken);
                total = new MutationResult(total.Applied + part.Applied, part.PendingOperations, total.RebuildScheduled || part.RebuildScheduled);
            }
            catch (Exception e) when (first > 0 && e is TimeoutException or IOException or InvalidOperationException)
            {
                throw new IOException($"UpsertAsync on index '{index}': {first:N0} of {ids.Length:N0} rows were acknowledged before a chunk "
                    + $"failed ({e.Message}). Send the call again: upserts by id are safe to repeat.", e);
            }

            first += count;
        }

        return total;
    }

    /// <summary>
    /// How many rows from <paramref name="first"/> fit one chunk: at least one, at most <see cref="UpsertChunkRows"/>, and no more
    /// than <see cref="UpsertChunkBytes"/> of vectors and field values (texts and tags counted at two bytes a character).
    /// </summary>
    private static int ChunkRows(int first, int remaining, int d, object?[][]? fields)
    {
        int most = Math.Min(remaining, UpsertChunkRows);
        if (fields is null)
        {
            return (int)Math.Clamp(UpsertChunkBytes / ((long)d * sizeof(float)), 1, most);
        }

        long bytes = 0;
        int count = 0;
        while (count < most)
        {
            long row = (long)d * sizeof(float) + (fields is null ? 0 : FieldBytes(fields[first + count]));
            if (count > 0 && bytes + row > UpsertChunkBytes)
            {
                break;
            }

            bytes += row;
            count++;
        }

        return count;
    }

    private static long FieldBytes(object?[]? values) => values?.Sum(v => v switch
    {
        string text => 2L * text.Length + 16,
        IEnumerable<string> tags => tags.Sum(t => 2L * t.Length + 16),
        _ => 16L,
    }) ?? 0;

    /// <summary>
    /// An append or delete: retried while its attempts go unanswered, within <see cref="HyperdClientOptions.WriteTimeout"/>. Each
    /// attempt goes through the write router of the next key, so writes spread over the gateways and a retry mostly takes another
    /// gateway than the attempt it replaces (the index grain orders them all the same).
    /// </summary>
    private Task<MutationResult> WriteAsync(
        string name,
        string index,
        TimeSpan? timeout,
        CancellationToken cancellationToken,
        Func<IWriteRouterGrain, CancellationToken, Task<MutationResult>> call)
    {
        IndexNames.Validate(index);
        int key = Interlocked.Increment(ref _nextWriter);
        return WriteRetry.RunAsync(
            name, index, timeout ?? _writeTimeout, _writeAttemptTimeout, cancellationToken, ct => call(Writer(key++), ct));
    }

    /// <summary>
    /// Runs <paramref name="call"/> with a token that fires at the deadline too: Orleans passes it into the grain call,
    /// which is then cancelled on the silo as well. The caller's own cancellation stays an <see cref="OperationCanceledException"/>.
    /// </summary>
    private static Task<T> WithDeadline<T>(
        string name,
        string index,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        Func<CancellationToken, Task<T>> call)
    {
        // A bad name throws here, before any task exists, as it did before deadlines.
        IndexNames.Validate(index);
        return RunWithDeadlineAsync(name, index, timeout, cancellationToken, call);
    }

    private static async Task<T> RunWithDeadlineAsync<T>(
        string name,
        string index,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        Func<CancellationToken, Task<T>> call)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return await call(cancellationToken);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await call(deadline.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is OperationCanceledException && deadline.IsCancellationRequested
            || e is TimeoutException && e.Message.StartsWith(OrleansResponseTimeout, StringComparison.Ordinal)))
        {
            throw new TimeoutException(
                $"{name} on index '{index}' did not complete within {timeout.TotalSeconds:0.###} s; the call was cancelled.",
                e);
        }
    }

    private async Task<IndexStatus> BuildAndWaitAsync(
        string index,
        IIndexGrain grain,
        BuildRequest request,
        bool wait,
        CancellationToken cancellationToken) =>
        await AfterTicketAsync(index, grain, await grain.BuildAsync(request, cancellationToken), wait, cancellationToken);

    private async Task<IndexStatus> AfterTicketAsync(
        string index,
        IIndexGrain grain,
        RebuildTicket ticket,
        bool wait,
        CancellationToken cancellationToken)
    {
        if (!ticket.Accepted)
        {
            throw new InvalidOperationException(ticket.Message);
        }

        if (!wait)
        {
            return await WithDeadline("StatusAsync", index, _callTimeout, cancellationToken, grain.StatusAsync);
        }

        return await PollRebuildAsync(index, ticket.Generation, cancellationToken);
    }

    private async Task<IndexStatus> PollRebuildAsync(string index, long generation, CancellationToken cancellationToken)
    {
        IIndexGrain grain = Index(index);
        while (true)
        {
            IndexStatus status;
            try
            {
                status = await WithDeadline(
                    "WaitForRebuildAsync",
                    index,
                    PollSlice + PollMargin,
                    cancellationToken,
                    ct => grain.WaitForRebuildAsync(PollSlice, ct));
            }
            catch (TimeoutException) when (!cancellationToken.IsCancellationRequested)
            {
                // A long-poll answered late: a silo busy building on every core (seen on a loaded 2-core machine,
                // timers 8 s late) misses the deadline, or the index grain's silo died and it moves. The rebuild
                // goes on; ask again.
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

    /// <summary>
    /// A search or read: within its deadline (the call's, else <see cref="HyperdClientOptions.SearchTimeout"/>), sent again beside an
    /// attempt unanswered for <see cref="HyperdClientOptions.SearchAttemptTimeout"/> (a third of the deadline by default).
    /// </summary>
    private Task<T> ReadWithDeadline<T>(
        string name,
        string index,
        TimeSpan? timeout,
        CancellationToken cancellationToken,
        Func<ISearchCoordinatorGrain, CancellationToken, Task<T>> call)
    {
        TimeSpan deadline = timeout ?? _searchTimeout;
        TimeSpan attempt = _searchAttemptTimeout ?? (deadline == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : deadline / 3);

        // The attempts of one call take consecutive keys: the client hands keys to its gateways in turn as they are first used,
        // so a retry mostly goes through another gateway than the attempt before it.
        int key = Interlocked.Increment(ref _nextCoordinator);
        return WithDeadline(name, index, deadline, cancellationToken, ct => ReadRetry.RunAsync(ct, attempt, c => call(Coordinator(key++), c)));
    }

    private IIndexGrain Index(string index)
    {
        IndexNames.Validate(index);
        return grains.GetGrain<IIndexGrain>(index);
    }

    /// <summary>
    /// The coordinator of key <paramref name="key"/> modulo <see cref="CoordinatorKeys"/>. The Orleans client sends every call
    /// to one grain through one gateway, so a single key would put all of a client's reads, retries included, through one
    /// silo: the load would not spread, and a retry would wait on the same gateway as the attempt it backs up (one cut off by
    /// a partition answers nothing until the cluster evicts its silo).
    /// </summary>
    private ISearchCoordinatorGrain Coordinator(int key) => grains.GetGrain<ISearchCoordinatorGrain>((uint)key % CoordinatorKeys);

    /// <summary>The write router of key <paramref name="key"/> modulo <see cref="CoordinatorKeys"/>: spread over gateways as reads are.</summary>
    private IWriteRouterGrain Writer(int key) => grains.GetGrain<IWriteRouterGrain>((uint)key % CoordinatorKeys);
}

using Orleans.Concurrency;

namespace HyperdOrleans.Abstractions;

/// <summary>
/// One index of the cluster (key: the index name). Owns the manifest — current generation, LSH planes,
/// per-bucket files — as persistent grain state, orders appends and deletes, and runs rebuilds.
/// One rebuild at a time: a second request is refused with <see cref="RebuildTicket.Accepted"/> false.
/// </summary>
[Alias("hyperd.IIndexGrain")]
public interface IIndexGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the index empty, for clients to fill with appends. Creating an index that exists with the same dimensions
    /// returns its status; with other dimensions it is refused (<see cref="ArgumentException"/>).
    /// </summary>
    [Alias("CreateAsync")]
    Task<IndexStatus> CreateAsync(CreateIndexRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Drops the index: its files, its log and its grains' state are deleted and it leaves the catalog. False if it did not
    /// exist. Refused (<see cref="InvalidOperationException"/>) while a rebuild runs.
    /// </summary>
    [Alias("DropAsync")]
    Task<bool> DropAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts a rebuild (from a vector file the silo can read, or from the index's own data) and returns at once.</summary>
    [Alias("BuildAsync")]
    Task<RebuildTicket> BuildAsync(BuildRequest request, CancellationToken cancellationToken = default);

    /// <summary>The manifest summary, pending data and rebuild progress per bucket.</summary>
    [Alias("StatusAsync"), AlwaysInterleave]
    Task<IndexStatus> StatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until no rebuild runs or <paramref name="maxWait"/> passes, then returns the status (a long poll: keep
    /// each call under the response timeout).</summary>
    [Alias("WaitForRebuildAsync"), AlwaysInterleave]
    Task<IndexStatus> WaitForRebuildAsync(TimeSpan maxWait, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the index's default search settings (which a query's <see cref="SearchOptions"/> override), kept in its
    /// manifest across rebuilds; coordinators use them within seconds. Returns the status with the new defaults.
    /// </summary>
    [Alias("SetDefaultsAsync")]
    Task<IndexStatus> SetDefaultsAsync(IndexDefaults defaults, CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces vectors under caller-chosen ids; durable and searchable when it returns.</summary>
    /// <remarks>
    /// May wait while a rebuild snapshots pending data or switches generation. No longer response timeout of its own:
    /// the caller's deadline (the SDK's <c>WriteTimeout</c>) cancels it, so a dead silo never holds a caller for minutes.
    /// </remarks>
    [Alias("AppendAsync")]
    Task<MutationResult> AppendAsync(VectorBatch batch, CancellationToken cancellationToken = default);

    /// <summary>Removes ids; filtered out of results when it returns, dropped from the files at the next rebuild.</summary>
    [Alias("DeleteAsync")]
    Task<MutationResult> DeleteAsync(long[] ids, CancellationToken cancellationToken = default);
}

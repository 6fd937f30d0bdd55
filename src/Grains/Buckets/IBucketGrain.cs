using HyperdOrleans.Abstractions;
using Orleans.Concurrency;

namespace HyperdOrleans.Grains.Buckets;

/// <summary>
/// One LSH bucket of an index (key: <c>index/bucket</c>, see <see cref="GrainKeys"/>). Serves its generation's
/// cluster files, memory-mapped from the silo's local cache, plus its pending appends scanned exactly, minus
/// deleted ids. Searches interleave with each other and with everything else (their scan runs on the thread
/// pool), so one bucket uses every core of its silo; state changes come from the index grain only.
/// </summary>
[Alias("hyperd.IBucketGrain")]
public interface IBucketGrain : IGrainWithStringKey
{
    /// <summary>The local top-k of each query (unit vectors) over the requested generation.</summary>
    [Alias("SearchAsync"), AlwaysInterleave]
    Task<BucketSearchResult> SearchAsync(BucketSearchRequest request, CancellationToken cancellationToken = default);

    /// <summary>The requested generation's centroids, for a coordinator planning a shared cluster budget.</summary>
    [Alias("GetCentroidsAsync"), AlwaysInterleave]
    Task<BucketCentroids> GetCentroidsAsync(long generation, CancellationToken cancellationToken = default);

    /// <summary>How many rows of the requested generation's files <paramref name="filter"/> keeps (validated by the caller).</summary>
    [Alias("CountMatchesAsync"), AlwaysInterleave]
    Task<BucketMatchCount> CountMatchesAsync(long generation, FieldFilter filter, DataField[] fields, CancellationToken cancellationToken = default);

    /// <summary>Stored rows by id or by filter, for a coordinator's read (validated by the caller).</summary>
    [Alias("ReadRowsAsync"), AlwaysInterleave]
    Task<BucketRows> ReadRowsAsync(BucketReadRequest request, CancellationToken cancellationToken = default);

    /// <summary>Counts, generation and pending data.</summary>
    [Alias("StatusAsync"), AlwaysInterleave]
    Task<BucketStatus> StatusAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Holds a mutation the index grain has logged: upserts that hash here and tombstones for every id of it. In memory only
    /// (the log is the durable copy); a sequence already held is ignored, a gap is filled from the log first. Returns the
    /// distinct ids touched since the serving generation: every bucket gets every id of a mutation, so any bucket's count is
    /// the index's pending operations.
    /// </summary>
    [Alias("ApplyAsync.v2")]
    Task<long> ApplyAsync(BucketMutation mutation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Catches up with the log through <paramref name="through"/>, writes the live pending rows to the file store (when a name is
    /// given) and returns that watermark, which a rebuild folds in. With <paramref name="salvage"/> (an operator accepted data
    /// loss) a log that cannot reach <paramref name="through"/> is not an error: the bucket keeps what it holds plus what can
    /// still be read of the log.
    /// </summary>
    [Alias("ExportPendingAsync.v3"), ResponseTimeout("00:10:00")]
    Task<PendingExport> ExportPendingAsync(
        string? storeName, long through, bool salvage, DataField[]? fields = null, CancellationToken cancellationToken = default);

    /// <summary>Downloads and opens a new generation's files beside the serving one.</summary>
    [Alias("PrepareGenerationAsync"), ResponseTimeout("00:10:00")]
    Task PrepareGenerationAsync(BucketGeneration generation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Serves the generation from now on (opening it first if this activation did not prepare it: it may be a fresh
    /// activation after its silo went away); returns the live pending rows it did not fold in.
    /// </summary>
    [Alias("CommitGenerationAsync"), ResponseTimeout("00:10:00")]
    Task<PendingRows> CommitGenerationAsync(BucketGeneration generation, CancellationToken cancellationToken = default);

    /// <summary>Drops a prepared generation whose rebuild failed.</summary>
    [Alias("AbortGenerationAsync")]
    Task AbortGenerationAsync(long generation, CancellationToken cancellationToken = default);

    /// <summary>The index is being dropped: forgets its rows, clears its state and cached files, and deactivates.</summary>
    [Alias("DropAsync")]
    Task DropAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Holds exactly the log through <paramref name="acknowledged"/>: catches up if behind, replays again if it holds a record
    /// the index never acknowledged (a failed append it read before the log sealed it off).
    /// </summary>
    [Alias("ConfirmAsync")]
    Task ConfirmAsync(long acknowledged, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves this activation to <paramref name="silo"/> when it is next idle (the index grain spreads its buckets over the
    /// silos); the new activation re-opens its files and replays the log there.
    /// </summary>
    [Alias("MoveToAsync")]
    Task MoveToAsync(SiloAddress silo, CancellationToken cancellationToken = default);
}

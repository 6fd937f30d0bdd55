namespace HyperdOrleans.Abstractions;

/// <summary>
/// Routes queries: hashes them with the index's planes, fans out to the probed buckets in probe order and
/// merges their top-k lists. A stateless worker, so every silo runs its own activations and no single
/// activation is a bottleneck; call it with key 0.
/// </summary>
[Alias("hyperd.ISearchCoordinatorGrain")]
public interface ISearchCoordinatorGrain : IGrainWithIntegerKey
{
    /// <summary>The top k of each query row, by descending cosine.</summary>
    [Alias("SearchAsync")]
    Task<SearchResponse> SearchAsync(string index, SearchRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stored rows by id or by filter (see <see cref="ReadRequest"/>), read from every bucket of the serving generation and
    /// its pending rows: what a search would return, without a query.
    /// </summary>
    [Alias("ReadAsync")]
    Task<StoredRow[]> ReadAsync(string index, ReadRequest request, CancellationToken cancellationToken = default);

    /// <summary>The silo this activation runs on (tests and diagnostics).</summary>
    [Alias("WhereAsync")]
    Task<string> WhereAsync(CancellationToken cancellationToken = default);
}

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// What searches read, summed over calls: centroids ranked, rows scored and bytes of list data (float32 rows or
/// SQ8 codes) they came from, plus the rows re-ranked exactly. A row probed by two queries counts twice: the figure
/// is the work per query, whatever the batching. Thread-safe: workers add their totals once per call.
/// </summary>
public sealed class SearchStats
{
    private long _queries;
    private long _rows;
    private long _bytes;
    private long _rerankRows;
    private long _rerankBytes;
    private long _centroids;

    public long Queries => Interlocked.Read(ref _queries);

    /// <summary>Rows scored by the scan (exactly for float32, by code for SQ8).</summary>
    public long RowsScanned => Interlocked.Read(ref _rows);

    /// <summary>Bytes of list data the scan scored: d × 4 per float32 row, d per SQ8 row.</summary>
    public long BytesScanned => Interlocked.Read(ref _bytes);

    /// <summary>Quantised candidates re-scored from their float32 rows.</summary>
    public long RerankRows => Interlocked.Read(ref _rerankRows);

    public long RerankBytes => Interlocked.Read(ref _rerankBytes);

    /// <summary>Centroids scored to choose the clusters (every centroid of every probed bucket, per query).</summary>
    public long CentroidsScored => Interlocked.Read(ref _centroids);

    /// <summary>
    /// Dot products per query: centroids, scanned rows and re-ranked rows. The same on every machine and run,
    /// unlike q/s, which is why tuning compares settings by it.
    /// </summary>
    public double DotProductsPerQuery => Queries == 0 ? 0 : (double)(CentroidsScored + RowsScanned + RerankRows) / Queries;

    /// <summary>Scan plus re-rank bytes per query.</summary>
    public double BytesPerQuery => Queries == 0 ? 0 : (double)(BytesScanned + RerankBytes) / Queries;

    public double RowsPerQuery => Queries == 0 ? 0 : (double)RowsScanned / Queries;

    internal void Add(long queries, in SearchCounters counters)
    {
        Interlocked.Add(ref _queries, queries);
        Interlocked.Add(ref _rows, counters.Rows);
        Interlocked.Add(ref _bytes, counters.Bytes);
        Interlocked.Add(ref _rerankRows, counters.RerankRows);
        Interlocked.Add(ref _rerankBytes, counters.RerankBytes);
        Interlocked.Add(ref _centroids, counters.Centroids);
    }
}

/// <summary>One worker's running counts (in its <see cref="SearchScratch"/>): plain adds on the hot path.</summary>
internal struct SearchCounters
{
    public long Rows;
    public long Bytes;
    public long RerankRows;
    public long RerankBytes;
    public long Centroids;

    public void Scanned(long rows, int bytesPerRow)
    {
        Rows += rows;
        Bytes += rows * bytesPerRow;
    }

    public void Reranked(long rows, int bytesPerRow)
    {
        RerankRows += rows;
        RerankBytes += rows * bytesPerRow;
    }
}

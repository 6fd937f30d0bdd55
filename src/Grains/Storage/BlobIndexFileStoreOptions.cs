namespace HyperdOrleans.Grains.Storage;

/// <summary>How <see cref="BlobIndexFileStore"/> moves large files.</summary>
public sealed class BlobIndexFileStoreOptions
{
    /// <summary>
    /// Bytes per block on upload and per range on download. 8 MiB keeps a 500 MB bucket file at about 60 requests
    /// and stays far below the 50,000-block limit of a block blob (400 GB at this size).
    /// </summary>
    public int ChunkSizeBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Requests in flight per transfer. Memory held is about this times <see cref="ChunkSizeBytes"/>;
    /// the default of 4 fills a link without starving a 2-core silo that is also answering queries.
    /// </summary>
    public int MaxConcurrency { get; set; } = 4;

    internal void Validate()
    {
        if (ChunkSizeBytes < 64 * 1024 || ChunkSizeBytes > 100 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkSizeBytes), ChunkSizeBytes, "Chunk size must be between 64 KiB and 100 MiB.");
        }
        if (MaxConcurrency is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), MaxConcurrency, "Concurrency must be between 1 and 64.");
        }
    }
}

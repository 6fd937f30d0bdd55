namespace HyperdOrleans.Grains.Storage;

/// <summary>
/// The one durable home of index files (spill files, bucket files, manifests) that every silo can reach:
/// a local directory for the single-silo default, Azure Blob Storage for a multi-silo cluster. Names are
/// '/'-separated relative paths such as <c>myindex/gen-000002/bucket-3.lists</c>. Silos copy what they serve
/// to their local disk and memory-map it there. Implementations are thread-safe.
/// </summary>
public interface IIndexFileStore
{
    /// <summary>Stores a local file under <paramref name="name"/>, replacing any older one; readers see the old or the new
    /// file, never a part.</summary>
    Task UploadAsync(string localPath, string name, CancellationToken cancellationToken = default);

    /// <summary>Copies <paramref name="name"/> to <paramref name="localPath"/> (written to a temporary name, then renamed).
    /// Throws <see cref="FileNotFoundException"/> if absent.</summary>
    Task DownloadAsync(string name, string localPath, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The names that start with <paramref name="prefix"/>.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes every name that starts with <paramref name="prefix"/>; absent names are not an error.</summary>
    Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default);
}

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

    /// <summary>The length of <paramref name="name"/> and its first <paramref name="maxBytes"/> bytes (fewer when shorter), or null
    /// when absent.</summary>
    Task<StoredHead?> ReadHeadAsync(string name, int maxBytes, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The names that start with <paramref name="prefix"/>.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="data"/> to <paramref name="name"/> (created when <paramref name="expectedLength"/> is 0), only if it now
    /// holds exactly <paramref name="expectedLength"/> bytes, and returns the new length once the bytes are durable. Throws
    /// <see cref="AppendConflictException"/> when the length differs (another writer, or a store that lost data). Appends of up to
    /// <see cref="MaxAtomicAppendBytes"/> land whole or not at all; a longer one may leave a part behind when it fails.
    /// </summary>
    Task<long> AppendAsync(string name, ReadOnlyMemory<byte> data, long expectedLength, CancellationToken cancellationToken = default);

    /// <summary>The largest append that is all-or-nothing.</summary>
    int MaxAtomicAppendBytes { get; }

    /// <summary>The whole content of <paramref name="name"/> (small files: logs). Throws <see cref="FileNotFoundException"/> if absent.</summary>
    Task<byte[]> ReadAllBytesAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes every name that starts with <paramref name="prefix"/>; absent names are not an error.</summary>
    Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default);
}

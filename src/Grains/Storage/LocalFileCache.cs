using Microsoft.Extensions.Options;

namespace HyperdOrleans.Grains.Storage;

/// <summary>
/// A silo's local copy of the store files it serves, under <see cref="HyperdOptions.CacheDirectory"/> with
/// the store's names, so a cached index folder is an engine index directory. Files are downloaded on first
/// use (to a temporary name, then renamed: concurrent first uses at worst download twice) and memory-mapped
/// from here. Generation folders are never reused, so a cached file never goes stale. Thread-safe.
/// </summary>
public sealed class LocalFileCache(IIndexFileStore store, IOptions<HyperdOptions> options)
{
    public string Root { get; } = Path.GetFullPath(options.Value.CacheDirectory);

    /// <summary>The local folder that mirrors the store's <c>index/</c>.</summary>
    public string IndexDirectory(string index) => Path.Combine(Root, index);

    /// <summary>Makes sure <paramref name="storeName"/> is on the local disk and returns its path.</summary>
    public async Task<string> EnsureAsync(string storeName, CancellationToken cancellationToken)
    {
        string path = PathOf(storeName);
        for (int attempt = 1; !File.Exists(path); attempt++)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                await store.DownloadAsync(storeName, path, cancellationToken);
            }
            catch (DirectoryNotFoundException) when (attempt == 1)
            {
                // Another bucket of this silo removed the folder as it emptied it, between our create and our write.
            }
        }

        return path;
    }

    /// <summary>Forgets a cached file (after a failed check), so the next use downloads it again.</summary>
    public void Evict(string storeName)
    {
        try
        {
            File.Delete(PathOf(storeName));
        }
        catch (IOException)
        {
            // Still mapped by a reader on this silo: it goes with its bucket's generation later.
        }
    }

    /// <summary>
    /// Removes one bucket's cached files of a generation once it no longer maps them (best effort), and the generation's
    /// folder when that leaves it empty. Only the bucket's own files: other buckets of the index on this silo may still
    /// serve, or be downloading, the same generation.
    /// </summary>
    public void DeleteBucketFiles(IEnumerable<string> storeNames)
    {
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in storeNames)
        {
            string path = PathOf(name);
            folders.Add(Path.GetDirectoryName(path)!);
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Disk space only.
            }
        }

        foreach (string folder in folders)
        {
            try
            {
                if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    Directory.Delete(folder);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A bucket of this silo started a download into it meanwhile: it stays.
            }
        }
    }

    private string PathOf(string storeName) => Path.Combine(Root, storeName.Replace('/', Path.DirectorySeparatorChar));
}

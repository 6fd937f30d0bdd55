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
        string path = Path.Combine(Root, storeName.Replace('/', Path.DirectorySeparatorChar));
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await store.DownloadAsync(storeName, path, cancellationToken);
        }

        return path;
    }

    /// <summary>Forgets a cached file (after a failed check), so the next use downloads it again.</summary>
    public void Evict(string storeName)
    {
        string path = Path.Combine(Root, storeName.Replace('/', Path.DirectorySeparatorChar));
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Still mapped by a reader on this silo: it goes with the generation's folder later.
        }
    }

    /// <summary>Removes a generation's cached folder once nothing on this silo maps it (best effort).</summary>
    public void DeleteGeneration(string index, long generation)
    {
        string folder = Path.Combine(Root, StoreNames.GenerationPrefix(index, generation).TrimEnd('/'));
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another grain of this silo may still hold a file of it; disk space only.
        }
    }
}

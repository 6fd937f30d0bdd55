using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace HyperdOrleans.Grains.Storage;

/// <summary>
/// <see cref="IIndexFileStore"/> over one Azure Blob Storage container (Azurite in development): each name is a
/// block blob name. Uploads stage blocks in parallel and commit them in one call, so a reader sees the old blob
/// or the new one, never a part. Thread-safe: the Azure clients are, and the store keeps no other mutable state
/// than a "container exists" flag.
/// </summary>
public sealed class BlobIndexFileStore : IIndexFileStore
{
    // A changed blob makes a ranged download fail its If-Match check (the SDK pins the first range's ETag);
    // a few whole retries ride over a concurrent overwrite.
    private const int DownloadAttempts = 3;

    private readonly BlobContainerClient _container;
    private readonly StorageTransferOptions _transfer;
    private volatile bool _containerReady;

    public BlobIndexFileStore(BlobContainerClient container, BlobIndexFileStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        options ??= new BlobIndexFileStoreOptions();
        options.Validate();
        _container = container;
        _transfer = new StorageTransferOptions
        {
            // Same size for the first request and the rest: a file up to one chunk goes in one Put Blob,
            // a larger one as parallel Put Block calls and one Put Block List.
            InitialTransferSize = options.ChunkSizeBytes,
            MaximumTransferSize = options.ChunkSizeBytes,
            MaximumConcurrency = options.MaxConcurrency,
        };
    }

    public BlobIndexFileStore(BlobServiceClient service, string containerName, BlobIndexFileStoreOptions? options = null)
        : this(service.GetBlobContainerClient(containerName), options)
    {
    }

    /// <summary>The container this store writes to.</summary>
    public string ContainerName => _container.Name;

    public async Task UploadAsync(string localPath, string name, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(CheckName(name));
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        // A seekable stream of known length lets the SDK split the file into parallel block uploads.
        await using var source = new FileStream(
            localPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        await blob.UploadAsync(source, new BlobUploadOptions { TransferOptions = _transfer }, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task DownloadAsync(string name, string localPath, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(CheckName(name));
        var fullPath = Path.GetFullPath(localPath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        for (var attempt = 1; ; attempt++)
        {
            // Beside the target so that the final rename stays on one file system and is atomic.
            var temp = $"{fullPath}.{Guid.NewGuid():N}.part";
            try
            {
                await blob.DownloadToAsync(temp, new BlobDownloadToOptions { TransferOptions = _transfer }, cancellationToken)
                    .ConfigureAwait(false);
                File.Move(temp, fullPath, overwrite: true);
                return;
            }
            catch (RequestFailedException e) when (IsNotFound(e))
            {
                throw new FileNotFoundException(
                    $"Index file '{name}' is not in blob container '{_container.Name}'.", name, e);
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < DownloadAttempts)
            {
                // Overwritten while we read it: start over to get one consistent version.
            }
            finally
            {
                TryDelete(temp);
            }
        }
    }

    /// <summary>One Append Block call is atomic; this is the block size every service version accepts.</summary>
    public int MaxAtomicAppendBytes => 4 * 1024 * 1024;

    public async Task<long> AppendAsync(string name, ReadOnlyMemory<byte> data, long expectedLength, CancellationToken cancellationToken = default)
    {
        AppendBlobClient blob = _container.GetAppendBlobClient(CheckName(name));
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        if (expectedLength == 0)
        {
            // Created only if absent: a log that exists already is someone else's, and the position check below says so.
            await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        long position = expectedLength;
        for (int offset = 0; offset < data.Length;)
        {
            int length = Math.Min(MaxAtomicAppendBytes, data.Length - offset);
            var options = new AppendBlobAppendBlockOptions { Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = position } };
            try
            {
                using var block = new MemoryStream(data.Slice(offset, length).ToArray(), writable: false);
                Response<BlobAppendInfo> info = await blob.AppendBlockAsync(block, options, cancellationToken).ConfigureAwait(false);
                position = long.Parse(info.Value.BlobAppendOffset, System.Globalization.CultureInfo.InvariantCulture) + length;
            }
            catch (RequestFailedException e) when (e.Status == 412 || IsNotFound(e))
            {
                long? actual = IsNotFound(e) ? null : (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
                    .Value.ContentLength;
                throw new AppendConflictException(name, position, actual);
            }

            offset += length;
        }

        return position;
    }

    public async Task<byte[]> ReadAllBytesAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobClient blob = _container.GetBlobClient(CheckName(name));
        try
        {
            Response<BlobDownloadResult> result = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (IsNotFound(e))
        {
            throw new FileNotFoundException($"Index file '{name}' is not in blob container '{_container.Name}'.", name, e);
        }
    }

    public async Task<StoredHead?> ReadHeadAsync(string name, int maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        BlobClient blob = _container.GetBlobClient(CheckName(name));
        try
        {
            BlobProperties properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            int take = (int)Math.Min(maxBytes, properties.ContentLength);
            if (take == 0)
            {
                return new StoredHead(properties.ContentLength, []);
            }

            // Pinned to the ETag just read, so the head and the length describe one version of the blob.
            var options = new BlobDownloadOptions
            {
                Range = new HttpRange(0, take),
                Conditions = new BlobRequestConditions { IfMatch = properties.ETag },
            };
            Response<BlobDownloadResult> result = await blob.DownloadContentAsync(options, cancellationToken).ConfigureAwait(false);
            return new StoredHead(properties.ContentLength, result.Value.Content.ToArray());
        }
        catch (RequestFailedException e) when (IsNotFound(e))
        {
            return null;
        }
    }

    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(CheckName(name));
        try
        {
            return (await blob.ExistsAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (IsNotFound(e))
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var names = new List<string>();
        try
        {
            var pages = _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken);
            await foreach (var item in pages.ConfigureAwait(false))
            {
                names.Add(item.Name);
            }
        }
        catch (RequestFailedException e) when (IsNotFound(e))
        {
            // No container yet means nothing was ever stored.
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public async Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var names = await ListAsync(prefix, cancellationToken).ConfigureAwait(false);
        // One request per blob; a few in flight hide the round trips (a generation has a few dozen files).
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(names, parallel, async (blobName, ct) =>
            await _container.GetBlobClient(blobName)
                .DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct)
                .ConfigureAwait(false)).ConfigureAwait(false);
    }

    private async ValueTask EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerReady)
        {
            return;
        }
        // Idempotent, so two racing first uploads both calling it is harmless.
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        _containerReady = true;
    }

    private static bool IsNotFound(RequestFailedException e) =>
        e.Status == 404
        || e.ErrorCode == BlobErrorCode.BlobNotFound
        || e.ErrorCode == BlobErrorCode.ContainerNotFound;

    private static string CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.StartsWith('/') || name.EndsWith('/') || name.Contains('\\'))
        {
            throw new ArgumentException($"Index file name '{name}' must be a relative '/'-separated path.", nameof(name));
        }
        return name;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A leftover .part file is only litter; the real error (if any) is already on its way up.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

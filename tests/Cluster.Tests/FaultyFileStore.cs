using HyperdOrleans.Grains.Storage;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// A real file store with faults a test arms: appends that write their bytes and then fail (the reply lost, so the caller
/// cannot know they landed), appends that stall (a store that stopped answering), uploads that throw, and rebuild spill
/// uploads, downloads or listings held until the test lets them go. Everything else passes through.
/// </summary>
public sealed class FaultyFileStore(IIndexFileStore inner) : IIndexFileStore
{
    private int _failAfterWriting;
    private TimeSpan _stallAfter;

    /// <summary>How long each append waits before it runs (its caller's token still cancels the wait).</summary>
    public TimeSpan AppendStall { get; set; }

    /// <summary>Thrown by every upload while set (a store SDK's own exception type, say).</summary>
    public Exception? UploadFault { get; set; }

    /// <summary>While set, every upload of a rebuild's spill file waits for it (holding the rebuild in its upload phase).</summary>
    public TaskCompletionSource? SpillUploadHold { get; set; }

    private int _lists;

    /// <summary>How many listings were asked for (a log read lists the log's segments once).</summary>
    public int Lists => Volatile.Read(ref _lists);

    /// <summary>While set, every listing waits for it after it was counted (a log read held in its first step).</summary>
    public TaskCompletionSource? ListHold { get; set; }

    /// <summary>While set, every download waits for it (a bucket replica that activates on a new silo stays loading).</summary>
    public TaskCompletionSource? DownloadHold { get; set; }

    public int MaxAtomicAppendBytes => inner.MaxAtomicAppendBytes;

    /// <summary>
    /// The next <paramref name="count"/> appends write their bytes, then throw; with <paramref name="stallAfter"/>, every append
    /// after the last of them stalls that long (the store stops answering right after losing the replies).
    /// </summary>
    public void FailAppendsAfterWriting(int count, TimeSpan stallAfter = default)
    {
        _stallAfter = stallAfter;
        Volatile.Write(ref _failAfterWriting, count);
    }

    public Task<StoredHead?> ReadHeadAsync(string name, int maxBytes, CancellationToken cancellationToken = default) =>
        inner.ReadHeadAsync(name, maxBytes, cancellationToken);

    public async Task<long> AppendAsync(string name, ReadOnlyMemory<byte> data, long expectedLength, CancellationToken cancellationToken = default)
    {
        if (AppendStall > TimeSpan.Zero)
        {
            await Task.Delay(AppendStall, cancellationToken);
        }

        long length = await inner.AppendAsync(name, data, expectedLength, cancellationToken);
        int left = Interlocked.Decrement(ref _failAfterWriting);
        if (left >= 0)
        {
            if (left == 0 && _stallAfter > TimeSpan.Zero)
            {
                AppendStall = _stallAfter;
            }

            throw new IOException($"injected: the append to '{name}' was written but its reply was lost");
        }

        return length;
    }

    public Task<byte[]> ReadAllBytesAsync(string name, CancellationToken cancellationToken = default) =>
        inner.ReadAllBytesAsync(name, cancellationToken);

    public async Task UploadAsync(string localPath, string name, CancellationToken cancellationToken = default)
    {
        if (UploadFault is { } fault)
        {
            throw fault;
        }

        if (SpillUploadHold is { } hold && name.Contains("/spill/", StringComparison.Ordinal))
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        await inner.UploadAsync(localPath, name, cancellationToken);
    }

    public async Task DownloadAsync(string name, string localPath, CancellationToken cancellationToken = default)
    {
        if (DownloadHold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        await inner.DownloadAsync(name, localPath, cancellationToken);
    }

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) => inner.ExistsAsync(name, cancellationToken);

    public async Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _lists);
        if (ListHold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        return await inner.ListAsync(prefix, cancellationToken);
    }

    public Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default) => inner.DeletePrefixAsync(prefix, cancellationToken);
}

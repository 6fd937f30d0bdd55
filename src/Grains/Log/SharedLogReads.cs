using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using HyperdOrleans.Grains.Storage;

namespace HyperdOrleans.Grains.Log;

/// <summary>
/// Reads of one index's log on one silo (one file store) that are asked for at about the same time share one read of the store.
/// When a silo dies, its bucket replicas re-activate on the others together with the index grain, and each read the whole log:
/// a dozen reads of tens of MB at once held the index grain's own read, and with it every write, for seconds. A read waits
/// <see cref="Gather"/> for others to join, then starts; a caller that comes once it has started waits for the next one, so
/// every caller gets a read that began after it asked, with every record acknowledged before.
/// </summary>
public static class SharedLogReads
{
    /// <summary>Short beside a log read under load (a second or more), long enough to gather a burst of re-activations.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(50);

    private static readonly ConditionalWeakTable<IIndexFileStore, ConcurrentDictionary<string, Task<LogContents>>> Gathering = [];

    public static Task<LogContents> ReadAsync(IIndexFileStore store, string index, CancellationToken cancellationToken = default)
    {
        ConcurrentDictionary<string, Task<LogContents>> gathering = Gathering.GetValue(store, _ => new(StringComparer.Ordinal));
        while (true)
        {
            if (gathering.TryGetValue(index, out Task<LogContents>? next))
            {
                return next.WaitAsync(cancellationToken);
            }

            var read = new TaskCompletionSource<LogContents>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (gathering.TryAdd(index, read.Task))
            {
                _ = ReadAfterGatheringAsync(store, index, gathering, read);
                return read.Task.WaitAsync(cancellationToken);
            }
        }
    }

    private static async Task ReadAfterGatheringAsync(
        IIndexFileStore store, string index, ConcurrentDictionary<string, Task<LogContents>> gathering, TaskCompletionSource<LogContents> read)
    {
        await Task.Delay(Gather).ConfigureAwait(false);

        // Closed before the read starts: whoever joined asked before it began; whoever comes now starts the next one.
        gathering.TryRemove(new KeyValuePair<string, Task<LogContents>>(index, read.Task));
        try
        {
            read.SetResult(await LogReader.ReadAsync(store, index).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            read.SetException(e);
        }
    }
}

using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Grains.Index;

/// <summary>
/// The in-memory record of the rebuild an index grain is running. Written from the grain's turns, except the
/// partition counters, which the partition pass on the thread pool updates (hence volatile/interlocked).
/// </summary>
internal sealed class RebuildRun(long generation, DateTimeOffset startedUtc)
{
    private long _partitionDone;
    private long _partitionTotal;

    public long Generation => generation;

    public DateTimeOffset StartedUtc => startedUtc;

    public volatile string Phase = "starting";

    public BuildJobStatus[] Jobs { get; set; } = [];

    /// <summary>Shards per bucket the jobs split the new generation into (known once they start).</summary>
    public int Shards { get; set; } = 1;

    public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReportPartition(long done, long total)
    {
        Interlocked.Exchange(ref _partitionDone, done);
        Interlocked.Exchange(ref _partitionTotal, total);
    }

    public RebuildProgress ToProgress() =>
        new(generation, Phase, startedUtc, Jobs, Interlocked.Read(ref _partitionDone), Interlocked.Read(ref _partitionTotal));
}

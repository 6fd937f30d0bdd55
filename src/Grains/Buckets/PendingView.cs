using System.Collections.Immutable;

namespace HyperdOrleans.Grains.Buckets;

/// <summary>
/// An immutable snapshot of a bucket's recorded mutations, for searches running on the thread pool while
/// the grain records more (it swaps in a new view; running scans keep theirs). <see cref="Latest"/> maps each
/// touched id to its newest operation: a file row of a generation with watermark w is hidden when that
/// operation is newer than w, and a pending row is live only if it is the id's newest operation.
/// </summary>
internal sealed class PendingView
{
    public static readonly PendingView Empty = new([], ImmutableDictionary<long, Operation>.Empty, 0);

    private PendingView(ImmutableArray<PendingBatch> batches, ImmutableDictionary<long, Operation> latest, long liveRows)
    {
        Batches = batches;
        Latest = latest;
        LiveRows = liveRows;
    }

    public readonly record struct Operation(long Sequence, bool Upsert);

    public ImmutableArray<PendingBatch> Batches { get; }

    public ImmutableDictionary<long, Operation> Latest { get; }

    /// <summary>Pending rows that are their id's newest operation.</summary>
    public long LiveRows { get; }

    public static PendingView From(IEnumerable<PendingBatch> batches) => batches.Aggregate(Empty, (view, batch) => view.With(batch));

    public PendingView With(PendingBatch batch)
    {
        var upserts = batch.UpsertIds.ToHashSet();
        ImmutableDictionary<long, Operation>.Builder latest = Latest.ToBuilder();
        long live = LiveRows;
        foreach (long id in batch.AffectedIds)
        {
            if (latest.TryGetValue(id, out Operation old) && old.Upsert)
            {
                live--;
            }

            bool upsert = upserts.Contains(id);
            latest[id] = new Operation(batch.Sequence, upsert);
            if (upsert)
            {
                live++;
            }
        }

        return new PendingView(Batches.Add(batch), latest.ToImmutable(), live);
    }

    /// <summary>Drops what a generation with watermark <paramref name="watermark"/> has folded into its files.</summary>
    public PendingView TrimThrough(long watermark) => From(Batches.Where(b => b.Sequence > watermark));

    public bool Hides(long id, long watermark) => Latest.TryGetValue(id, out Operation op) && op.Sequence > watermark;

    public bool IsLive(long id, long sequence) => Latest.TryGetValue(id, out Operation op) && op.Sequence == sequence;

    /// <summary>The live rows newer than <paramref name="watermark"/>: (id, unit vector, field values or null) in recording order.</summary>
    public IEnumerable<(long Id, ReadOnlyMemory<float> Vector, object?[]? Fields)> LiveRowsAfter(long watermark, int dimensions)
    {
        foreach (PendingBatch batch in Batches.Where(b => b.Sequence > watermark))
        {
            for (int i = 0; i < batch.UpsertIds.Length; i++)
            {
                if (IsLive(batch.UpsertIds[i], batch.Sequence))
                {
                    yield return (batch.UpsertIds[i], batch.UpsertUnitVectors.AsMemory(i * dimensions, dimensions), batch.UpsertFields?[i]);
                }
            }
        }
    }
}

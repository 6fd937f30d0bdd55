using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Filters;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Grains.Fields;
using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Grains.Buckets;

/// <summary>
/// The synchronous part of a bucket read, run on the thread pool over a snapshot: live pending rows first (they replace file
/// rows of the same id), then the generation's files minus what pending operations hide. A read by id passes once over the
/// bucket's ids (8 bytes a row); a read by filter evaluates the filter on the fields file as a filtered search does and keeps
/// the smallest ids in a bounded heap. Stateless.
/// </summary>
internal static class BucketRead
{
    public static StoredRow[] Run(ServingGeneration serving, PendingView pending, BucketReadRequest request)
    {
        FieldSchema? schema = WireFields.ToSchema(request.Fields);
        Filter? filter = request.Filter is { } wire ? WireFields.ToFilter(wire) : null;
        FilterRowEvaluator? evaluator = filter is null ? null : new FilterRowEvaluator(filter, schema!);
        HashSet<long>? wanted = request.Ids?.ToHashSet();
        long watermark = serving.Watermark;
        int d = request.Dimensions;

        // Candidates by id: a pending row's (batch, index) or a file row's number.
        var pendingRows = new Dictionary<long, (PendingBatch Batch, int Row)>();
        foreach (PendingBatch batch in pending.Batches)
        {
            if (batch.Sequence <= watermark)
            {
                continue;
            }

            for (int r = 0; r < batch.UpsertIds.Length; r++)
            {
                long id = batch.UpsertIds[r];
                if ((wanted is null || wanted.Contains(id)) && pending.IsLive(id, batch.Sequence)
                    && (evaluator is null || evaluator.Matches(batch.UpsertFields?[r] ?? new object?[schema!.Count])))
                {
                    pendingRows[id] = (batch, r);
                }
            }
        }

        IEnumerable<(long Id, long Row, bool Pending)> rows = pendingRows.Keys.Select(id => (id, -1L, true))
            .Concat(FileRows(serving, pending, request, filter, wanted));
        if (wanted is null)
        {
            rows = Smallest(rows, request.Limit);
        }

        return [.. rows.Select(r => r.Pending ? FromPending(pendingRows[r.Id], d, request) : FromFile(serving.Index!, r.Id, r.Row, request))];
    }

    /// <summary>The file rows the read keeps, lazily: a read of every row never holds them all.</summary>
    private static IEnumerable<(long Id, long Row, bool Pending)> FileRows(
        ServingGeneration serving, PendingView pending, BucketReadRequest request, Filter? filter, HashSet<long>? wanted)
    {
        if (serving.Index is not { } index)
        {
            yield break;
        }

        RowBitmap? matches = request.Filter is { } asked ? serving.Match(asked, () => BucketScan.Match(serving, filter!))?.Rows : null;
        for (long row = 0; row < index.Count; row++)
        {
            long id = index.RowId(row);
            if ((wanted is null || wanted.Contains(id)) && (matches is null || matches.Get(row)) && !pending.Hides(id, serving.Watermark))
            {
                yield return (id, row, false);
            }
        }
    }

    /// <summary>The <paramref name="limit"/> rows of smallest id, in id order, through a max-heap of that size.</summary>
    private static IEnumerable<(long Id, long Row, bool Pending)> Smallest(IEnumerable<(long Id, long Row, bool Pending)> rows, int limit)
    {
        var heap = new PriorityQueue<(long Id, long Row, bool Pending), long>(limit + 1);
        foreach (var row in rows)
        {
            if (heap.Count < limit)
            {
                heap.Enqueue(row, -row.Id);
            }
            else if (limit > 0 && row.Id < heap.Peek().Id)
            {
                heap.EnqueueDequeue(row, -row.Id);
            }
        }

        return heap.UnorderedItems.Select(e => e.Element).OrderBy(r => r.Id);
    }

    private static StoredRow FromPending((PendingBatch Batch, int Row) at, int d, BucketReadRequest request) =>
        new(
            at.Batch.UpsertIds[at.Row],
            request.IncludeVectors ? at.Batch.UpsertUnitVectors.AsSpan(at.Row * d, d).ToArray() : null,
            request.IncludeFields && request.Fields is { } fields ? at.Batch.UpsertFields?[at.Row] ?? new object?[fields.Length] : null);

    private static StoredRow FromFile(BucketIndex index, long id, long row, BucketReadRequest request) =>
        new(
            id,
            request.IncludeVectors ? index.RowVector(row).ToArray() : null,
            request.IncludeFields && request.Fields is { } fields ? index.Fields?.ReadRow(row) ?? new object?[fields.Length] : null);
}

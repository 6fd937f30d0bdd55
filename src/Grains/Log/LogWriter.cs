using HyperdOrleans.Grains.Storage;

namespace HyperdOrleans.Grains.Log;

/// <summary>
/// Appends an index's mutations to its write-ahead log; used by the index grain alone (one writer, one call at a time).
/// Each record goes in one conditional append at the position the writer expects, so a record is durable when the append
/// returns and a store that lost bytes is caught by the position check. An append that fails may still land later (a
/// stalled store answers queued requests when it resumes), so after a failure the writer never appends to that segment
/// again, nor to any segment it tried since: the next record goes to a segment number never used before, opened by a
/// seal naming the last good segment and its valid length. Readers skip everything in between, so the failed records are
/// never read, and the caller can retry under the same sequence.
/// </summary>
public sealed class LogWriter
{
    private readonly IIndexFileStore _store;
    private readonly string _index;
    private readonly long _maxSegmentBytes;
    private readonly List<LogSegment> _segments;
    private long _number;
    private long _length;
    private long _nextFresh;
    private bool _rollBeforeNext;

    private LogWriter(IIndexFileStore store, string index, LogContents contents, long maxSegmentBytes)
    {
        _store = store;
        _index = index;
        _maxSegmentBytes = maxSegmentBytes;
        _segments = [.. contents.Segments];
        LastSequence = contents.LastSequence;
        NextSequence = LastSequence + 1;
        _nextFresh = contents.HighestSegment + 1;
        if (_segments.Count == 0)
        {
            _rollBeforeNext = true;
        }
        else
        {
            LogSegment newest = _segments[^1];
            _number = newest.Number;
            _length = newest.ValidLength;

            // A torn tail (a write that failed, or a silo that died while writing) is sealed off, never written after.
            _rollBeforeNext = newest.FileLength != newest.ValidLength || newest.Number != contents.HighestSegment;
        }
    }

    /// <summary>The newest sequence written (or found in the log when opened).</summary>
    public long LastSequence { get; private set; }

    /// <summary>The sequence the next record gets. A failed append uses its sequence up (its bytes may land later), so this
    /// can be more than one past <see cref="LastSequence"/>.</summary>
    public long NextSequence { get; private set; }

    public static LogWriter Open(IIndexFileStore store, string index, LogContents contents, long maxSegmentBytes = 64L << 20) =>
        new(store, index, contents, maxSegmentBytes);

    /// <summary>Appends <paramref name="record"/> durably. Its sequence must follow <see cref="LastSequence"/>.</summary>
    public async Task AppendAsync(LogRecord record, CancellationToken cancellationToken)
    {
        if (record.Sequence != NextSequence)
        {
            throw new InvalidOperationException($"log record {record.Sequence} is not the next one, {NextSequence}.");
        }

        NextSequence = record.Sequence + 1;

        byte[] bytes = LogCodec.Encode(record);
        bool roll = _rollBeforeNext || _length + bytes.Length > _maxSegmentBytes;
        long number = roll ? _nextFresh++ : _number;
        long expected = roll ? 0 : _length;
        if (roll)
        {
            bytes = [.. LogCodec.Encode(new SegmentSeal(_number, _length, LastSequence)), .. bytes];
        }

        long written;
        try
        {
            written = await _store.AppendAsync(StoreNames.LogSegment(_index, number), bytes, expected, cancellationToken);
        }
        catch (AppendConflictException e)
        {
            _rollBeforeNext = true;
            throw new LogIntegrityException(
                $"the write-ahead log of index '{_index}' is not as this silo left it ({e.Message}): the store lost acknowledged records, "
                    + "or another writer is active.",
                e);
        }
        catch
        {
            _rollBeforeNext = true;
            throw;
        }

        if (roll)
        {
            _segments.Add(new LogSegment(number, 0, 0, 0));
            _number = number;
            _rollBeforeNext = false;
        }

        _length = written;
        LastSequence = record.Sequence;
        _segments[^1] = new LogSegment(number, written, written, record.Sequence);
    }

    /// <summary>True after an append whose outcome is unknown, until a later write seals it off.</summary>
    public bool NeedsSeal => _rollBeforeNext && _segments.Count > 0;

    /// <summary>
    /// Writes a segment holding only a seal (after the last good record), so appends that failed but may still land are void
    /// for every reader from now on, without waiting for the next mutation.
    /// </summary>
    public async Task SealOffAsync(CancellationToken cancellationToken)
    {
        long number = _nextFresh++;
        byte[] seal = LogCodec.Encode(new SegmentSeal(_number, _length, LastSequence));
        long written = await _store.AppendAsync(StoreNames.LogSegment(_index, number), seal, 0, cancellationToken);
        _segments.Add(new LogSegment(number, written, written, LastSequence));
        _number = number;
        _length = written;
        _rollBeforeNext = false;
    }

    /// <summary>
    /// Moves the next sequence past <paramref name="sequence"/> (acknowledged writes the log no longer holds, found in a bucket's
    /// memory) and seals off the current segment, so no sequence is handed out twice.
    /// </summary>
    public void SkipTo(long sequence)
    {
        LastSequence = Math.Max(LastSequence, sequence);
        NextSequence = Math.Max(NextSequence, LastSequence + 1);
        _rollBeforeNext = true;
    }

    /// <summary>
    /// Deletes every segment, after a generation folded in all acknowledged writes of a log that had lost data: the next record
    /// starts a fresh segment.
    /// </summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await _store.DeletePrefixAsync(StoreNames.LogPrefix(_index), cancellationToken);
        _segments.Clear();
        _number = 0;
        _length = 0;
        _rollBeforeNext = true;
    }

    /// <summary>
    /// Deletes the segments whose every record is at or below <paramref name="sequence"/> (folded into a generation's files),
    /// oldest first and never the one being written, and any void segment older than the oldest kept, so the log never has a
    /// gap and no void segment outlives the seal that voids it.
    /// </summary>
    public async Task TruncateThroughAsync(long sequence, CancellationToken cancellationToken)
    {
        while (_segments.Count > 1 && _segments[0].LastSequence <= sequence)
        {
            _segments.RemoveAt(0);
        }

        long oldest = _segments.Count > 0 ? _segments[0].Number : _nextFresh;
        foreach (string name in await _store.ListAsync(StoreNames.LogPrefix(_index), cancellationToken))
        {
            if (StoreNames.LogSegmentNumber(_index, name) is { } number && number < oldest)
            {
                await _store.DeletePrefixAsync(name, cancellationToken);
            }
        }
    }
}

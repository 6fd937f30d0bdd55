using HyperdOrleans.Grains.Storage;

namespace HyperdOrleans.Grains.Log;

/// <summary>
/// Appends an index's mutations to its write-ahead log; used by the index grain alone (one writer, one call at a time).
/// Each record goes in one conditional append at the position the writer expects, so a record is durable when the append
/// returns and a store that lost bytes is caught by the position check. After a failed append (whose bytes may or may not
/// have landed) the writer never appends to that segment again: it opens the next one with a seal that ends the old one
/// before the failed record, so readers never see it and the caller can retry under the same sequence.
/// </summary>
public sealed class LogWriter
{
    private readonly IIndexFileStore _store;
    private readonly string _index;
    private readonly long _maxSegmentBytes;
    private readonly List<LogSegment> _segments;
    private long _number;
    private long _length;
    private bool _rollBeforeNext;

    private LogWriter(IIndexFileStore store, string index, LogContents contents, long maxSegmentBytes)
    {
        _store = store;
        _index = index;
        _maxSegmentBytes = maxSegmentBytes;
        _segments = [.. contents.Segments];
        LastSequence = contents.LastSequence;
        if (_segments.Count == 0)
        {
            _number = 0;
            _rollBeforeNext = true;
        }
        else
        {
            LogSegment newest = _segments[^1];
            _number = newest.Number;
            _length = newest.ValidLength;

            // A torn tail (a write that failed, or a silo that died while writing) is sealed off, never written after.
            _rollBeforeNext = newest.FileLength != newest.ValidLength;
        }
    }

    /// <summary>The newest sequence written (or found in the log when opened).</summary>
    public long LastSequence { get; private set; }

    public static LogWriter Open(IIndexFileStore store, string index, LogContents contents, long maxSegmentBytes = 64L << 20) =>
        new(store, index, contents, maxSegmentBytes);

    /// <summary>Appends <paramref name="record"/> durably. Its sequence must follow <see cref="LastSequence"/>.</summary>
    public async Task AppendAsync(LogRecord record, CancellationToken cancellationToken)
    {
        if (record.Sequence <= LastSequence)
        {
            throw new InvalidOperationException($"log record {record.Sequence} does not follow {LastSequence}.");
        }

        byte[] bytes = LogCodec.Encode(record);
        bool roll = _rollBeforeNext || _length + bytes.Length > _maxSegmentBytes;
        long number = roll ? _number + 1 : _number;
        long expected = roll ? 0 : _length;
        if (roll)
        {
            byte[] seal = LogCodec.Encode(new SegmentSeal(_number, _length));
            bytes = [.. seal, .. bytes];
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

    /// <summary>
    /// Moves the next sequence past <paramref name="sequence"/> (acknowledged writes the log no longer holds, found in a bucket's
    /// memory) and seals off the current segment, so no sequence is handed out twice.
    /// </summary>
    public void SkipTo(long sequence)
    {
        LastSequence = Math.Max(LastSequence, sequence);
        _rollBeforeNext = true;
    }

    /// <summary>
    /// Deletes every segment, after a generation folded in all acknowledged writes of a log that had lost data: the next record
    /// starts a fresh segment.
    /// </summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        foreach (LogSegment segment in _segments)
        {
            await _store.DeletePrefixAsync(StoreNames.LogSegment(_index, segment.Number), cancellationToken);
        }

        _segments.Clear();
        _length = 0;
        _rollBeforeNext = true;
    }

    /// <summary>
    /// Deletes the segments whose every record is at or below <paramref name="sequence"/> (folded into a generation's files),
    /// oldest first and never the one being written, so the log never has a gap.
    /// </summary>
    public async Task TruncateThroughAsync(long sequence, CancellationToken cancellationToken)
    {
        while (_segments.Count > 1 && _segments[0].LastSequence <= sequence)
        {
            LogSegment oldest = _segments[0];
            await _store.DeletePrefixAsync(StoreNames.LogSegment(_index, oldest.Number), cancellationToken);
            _segments.RemoveAt(0);
        }
    }
}

using HyperdOrleans.Grains.Storage;

namespace HyperdOrleans.Grains.Log;

/// <summary>
/// Reads an index's write-ahead log from the file store, newest segment first. The newest is read up to its last whole
/// record; every other segment opens with a seal naming the last good segment before it and that segment's valid length.
/// Segments between the two are void (appends whose outcome was unknown, which may still have landed after the writer
/// moved on) and are skipped. A seal naming a segment that is not there, a damaged record, or a gap in sequences is loud.
/// </summary>
public static class LogReader
{
    public static async Task<LogContents> ReadAsync(IIndexFileStore store, string index, CancellationToken cancellationToken = default)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await ReadOnceAsync(store, index, cancellationToken);
            }
            catch (FileNotFoundException) when (attempt < 3)
            {
                // A rebuild deleted old segments between the listing and the read: list again.
            }
        }
    }

    private static async Task<LogContents> ReadOnceAsync(IIndexFileStore store, string index, CancellationToken cancellationToken)
    {
        var numbers = new List<long>();
        foreach (string name in await store.ListAsync(StoreNames.LogPrefix(index), cancellationToken))
        {
            if (StoreNames.LogSegmentNumber(index, name) is { } number)
            {
                numbers.Add(number);
            }
        }

        numbers.Sort();
        var chain = new List<(long Number, SegmentContents Contents, long FileLength)>();
        SegmentSeal? seal = null;
        for (int i = numbers.Count - 1; i >= 0; i--)
        {
            long number = numbers[i];
            if (seal is not null && number > seal.Segment)
            {
                continue; // void: between the last good segment and the one that sealed it
            }

            if (seal is not null && number < seal.Segment)
            {
                throw Lost(index, $"lacks segment {seal.Segment}, which segment {chain[^1].Number} names as the one before it");
            }

            string name = StoreNames.LogSegment(index, number);
            byte[] bytes = await store.ReadAllBytesAsync(name, cancellationToken);
            if (bytes.Length == 0 && seal is null)
            {
                continue; // created by an append that never sent its bytes: it names nothing
            }

            SegmentContents contents = LogCodec.Decode(name, bytes, seal?.ValidLength);
            chain.Add((number, contents, bytes.Length));
            seal = contents.Seal;
        }

        chain.Reverse();
        var records = new List<LogRecord>();
        var segments = new List<LogSegment>();
        foreach ((long number, SegmentContents contents, long fileLength) in chain)
        {
            // The sealed segment must end where the seal says; after a seal, sequences may skip those of failed appends.
            long last = records.Count > 0 ? records[^1].Sequence : 0;
            if (contents.Seal is { } opened && segments.Count > 0 && opened.LastSequence != last)
            {
                throw Lost(index, $"ends segment {segments[^1].Number} at sequence {last} where segment {number}'s seal says {opened.LastSequence}");
            }

            long floor = contents.Seal?.LastSequence ?? last;
            bool first = true;
            foreach (LogRecord record in contents.Records)
            {
                bool follows = first ? record.Sequence > floor : record.Sequence == last + 1;
                if (!follows)
                {
                    throw Lost(index, $"goes from sequence {(first ? floor : last)} to {record.Sequence} in segment {number}");
                }

                records.Add(record);
                last = record.Sequence;
                first = false;
            }

            segments.Add(new LogSegment(number, contents.ValidLength, fileLength, Math.Max(last, floor)));
        }

        return new LogContents(records, segments, numbers.Count > 0 ? numbers[^1] : 0);
    }

    /// <summary>
    /// What can still be read of a damaged log, for an operator who accepts the loss: segments oldest first, each up to its
    /// first damaged record; a seal drops the void records it skips (failed appends). Sequences may have gaps: those are the
    /// records the store lost. Never used to serve: only a rebuild with <c>AcceptDataLoss</c> folds it in.
    /// </summary>
    public static async Task<IReadOnlyList<LogRecord>> SalvageAsync(
        IIndexFileStore store,
        string index,
        CancellationToken cancellationToken = default)
    {
        var numbers = new List<long>();
        foreach (string name in await store.ListAsync(StoreNames.LogPrefix(index), cancellationToken))
        {
            if (StoreNames.LogSegmentNumber(index, name) is { } number)
            {
                numbers.Add(number);
            }
        }

        numbers.Sort();
        var records = new List<LogRecord>();
        foreach (long number in numbers)
        {
            string name = StoreNames.LogSegment(index, number);
            byte[] bytes;
            try
            {
                bytes = await store.ReadAllBytesAsync(name, cancellationToken);
            }
            catch (FileNotFoundException)
            {
                continue;
            }

            SegmentContents contents = LogCodec.DecodeReadable(name, bytes);
            if (contents.Seal is { } seal)
            {
                records.RemoveAll(r => r.Sequence > seal.LastSequence);
            }

            foreach (LogRecord record in contents.Records)
            {
                if (records.Count == 0 || record.Sequence > records[^1].Sequence)
                {
                    records.Add(record);
                }
            }
        }

        return records;
    }

    private static LogIntegrityException Lost(string index, string what) =>
        new($"the write-ahead log of index '{index}' {what}: the store lost acknowledged records.");
}

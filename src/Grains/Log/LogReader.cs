using HyperdOrleans.Grains.Storage;

namespace HyperdOrleans.Grains.Log;

/// <summary>
/// Reads an index's write-ahead log from the file store: every segment, each up to the length its successor's seal gives
/// (the newest up to its last whole record), checking that segment numbers and sequences have no gaps.
/// </summary>
public static class LogReader
{
    public static async Task<LogContents> ReadAsync(IIndexFileStore store, string index, CancellationToken cancellationToken = default)
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
        var files = new byte[numbers.Count][];
        for (int i = 0; i < numbers.Count; i++)
        {
            if (i > 0 && numbers[i] != numbers[i - 1] + 1)
            {
                throw new LogIntegrityException($"the write-ahead log of index '{index}' lacks segments {numbers[i - 1] + 1}–{numbers[i] - 1}: "
                    + "the store lost acknowledged records.");
            }

            files[i] = await store.ReadAllBytesAsync(StoreNames.LogSegment(index, numbers[i]), cancellationToken);
        }

        // Newest first: each segment's seal says how far its predecessor is valid.
        var decoded = new SegmentContents[numbers.Count];
        long? validLength = null;
        for (int i = numbers.Count - 1; i >= 0; i--)
        {
            string name = StoreNames.LogSegment(index, numbers[i]);
            decoded[i] = LogCodec.Decode(name, files[i], validLength);
            SegmentSeal? seal = decoded[i].Seal;
            if (i > 0 && seal?.Segment != numbers[i - 1])
            {
                throw new LogIntegrityException($"log segment '{name}' does not open with the seal of segment {numbers[i - 1]}.");
            }

            validLength = seal?.ValidLength;
        }

        var records = new List<LogRecord>();
        var segments = new List<LogSegment>();
        for (int i = 0; i < numbers.Count; i++)
        {
            foreach (LogRecord record in decoded[i].Records)
            {
                if (records.Count > 0 && record.Sequence != records[^1].Sequence + 1)
                {
                    throw new LogIntegrityException($"the write-ahead log of index '{index}' jumps from sequence {records[^1].Sequence} to "
                        + $"{record.Sequence}: acknowledged records are missing.");
                }

                records.Add(record);
            }

            segments.Add(new LogSegment(numbers[i], decoded[i].ValidLength, files[i].Length, records.Count > 0 ? records[^1].Sequence : 0));
        }

        return new LogContents(records, segments);
    }
}

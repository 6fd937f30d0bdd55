using HyperdOrleans.Grains.Log;
using HyperdOrleans.Grains.Storage;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>The write-ahead log on a real directory store: what readers see after torn, failed, damaged and lost writes.</summary>
public sealed class WriteAheadLogTests : IDisposable
{
    private const string Index = "wal";
    private const int D = 4;
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"hyperd-wal-tests-{Guid.NewGuid():N}");
    private readonly LocalDirectoryFileStore _store;

    public WriteAheadLogTests() => _store = new LocalDirectoryFileStore(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task RecordsReadBackInOrderAcrossSegments()
    {
        LogWriter writer = LogWriter.Open(_store, Index, LogContents.Empty, maxSegmentBytes: 300);
        for (long s = 1; s <= 10; s++)
        {
            await writer.AppendAsync(s % 3 == 0 ? LogRecord.Delete(s, [s]) : Upsert(s, 3), CancellationToken.None);
        }

        LogContents log = await LogReader.ReadAsync(_store, Index);

        Assert.True(log.Segments.Count > 2, $"expected several segments of at most 300 bytes, got {log.Segments.Count}");
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), log.Records.Select(r => r.Sequence));
        Assert.Equal(Upsert(4, 3).UnitVectors, log.Records[3].UnitVectors);
        Assert.Equal(LogRecordKind.Delete, log.Records[5].Kind);
        Assert.Equal([6L], log.Records[5].Ids);
    }

    [Fact]
    public async Task TornTailIsNotARecord_AndTheNextWriterSealsItOff()
    {
        LogWriter writer = LogWriter.Open(_store, Index, LogContents.Empty);
        await writer.AppendAsync(Upsert(1, 2), CancellationToken.None);
        byte[] torn = LogCodec.Encode(Upsert(2, 2))[..40];
        await File.AppendAllBytesAsync(SegmentPath(1), torn);

        LogContents log = await LogReader.ReadAsync(_store, Index);
        Assert.Equal([1L], log.Records.Select(r => r.Sequence));

        LogWriter next = LogWriter.Open(_store, Index, log);
        await next.AppendAsync(Upsert(2, 5), CancellationToken.None);
        LogContents after = await LogReader.ReadAsync(_store, Index);
        Assert.Equal([1L, 2L], after.Records.Select(r => r.Sequence));
        Assert.Equal(5, after.Records[1].Ids.Length);
        Assert.Equal(2, after.Segments.Count);
    }

    [Fact]
    public async Task FailedAppendsThatLandedAreNeverRead_AndTheirSequencesAreSkipped()
    {
        var faulty = new FaultyFileStore(_store);
        LogWriter writer = LogWriter.Open(faulty, Index, LogContents.Empty);
        await writer.AppendAsync(Upsert(1, 2), CancellationToken.None);

        // Two appends whose replies are lost though their bytes landed (a stalled store answering queued requests late).
        faulty.FailAppendsAfterWriting(2);
        await Assert.ThrowsAsync<IOException>(() => writer.AppendAsync(Upsert(2, 7), CancellationToken.None));
        await Assert.ThrowsAsync<IOException>(() => writer.AppendAsync(Upsert(3, 7), CancellationToken.None));
        Assert.Equal(4, writer.NextSequence);
        await writer.AppendAsync(Upsert(4, 3), CancellationToken.None);
        LogContents log = await LogReader.ReadAsync(_store, Index);

        Assert.Equal([1L, 4L], log.Records.Select(r => r.Sequence));
        Assert.Equal(3, log.Records[1].Ids.Length);
        Assert.Equal(4, log.LastSequence);

        // A writer opened on that log carries on after it.
        LogWriter next = LogWriter.Open(_store, Index, log);
        await next.AppendAsync(Upsert(5, 1), CancellationToken.None);
        Assert.Equal([1L, 4L, 5L], (await LogReader.ReadAsync(_store, Index)).Records.Select(r => r.Sequence));
    }

    [Fact]
    public async Task ASealedSegmentThatLostItsLastRecordIsLoud()
    {
        var faulty = new FaultyFileStore(_store);
        LogWriter writer = LogWriter.Open(faulty, Index, LogContents.Empty);
        await writer.AppendAsync(Upsert(1, 2), CancellationToken.None);
        long before = new FileInfo(SegmentPath(1)).Length;
        await writer.AppendAsync(Upsert(2, 2), CancellationToken.None);
        faulty.FailAppendsAfterWriting(1);
        await Assert.ThrowsAsync<IOException>(() => writer.AppendAsync(Upsert(3, 2), CancellationToken.None));
        await writer.AppendAsync(Upsert(4, 2), CancellationToken.None); // seals segment 1 after record 2

        using (var file = new FileStream(SegmentPath(1), FileMode.Open))
        {
            file.SetLength(before); // record 2 gone, and the seal's length with it: cut to exactly one record
        }

        var e = await Assert.ThrowsAsync<LogIntegrityException>(() => LogReader.ReadAsync(_store, Index));
        Assert.Contains("lost", e.Message);
    }

    [Fact]
    public async Task ADamagedRecordWithRecordsAfterItIsLoud()
    {
        LogWriter writer = LogWriter.Open(_store, Index, LogContents.Empty);
        await writer.AppendAsync(Upsert(1, 2), CancellationToken.None);
        await writer.AppendAsync(Upsert(2, 2), CancellationToken.None);
        byte[] bytes = await File.ReadAllBytesAsync(SegmentPath(1));
        bytes[LogCodec.HeaderBytes * 2 + 60] ^= 0x10; // inside the first upsert's payload (after the seal)
        await File.WriteAllBytesAsync(SegmentPath(1), bytes);

        var e = await Assert.ThrowsAsync<LogIntegrityException>(() => LogReader.ReadAsync(_store, Index));
        Assert.Contains("damaged", e.Message);
    }

    [Fact]
    public void ARecordOfAnotherLayoutIsRefusedEvenWithAGoodChecksum()
    {
        // A seal of 8 payload bytes where this version writes 16: checksummed, but not this version's layout.
        byte[] good = LogCodec.Encode(new SegmentSeal(1, 100, 5));
        byte[] bad = good[..^(LogCodec.ChecksumBytes + sizeof(long))];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bad.AsSpan(8), bad.Length + LogCodec.ChecksumBytes);
        ulong checksum = System.IO.Hashing.XxHash64.HashToUInt64(bad);
        bad = [.. bad, .. BitConverter.GetBytes(checksum)];
        byte[] segment = [.. bad, .. LogCodec.Encode(LogRecord.Delete(6, [1]))];

        var e = Assert.Throws<LogIntegrityException>(() => LogCodec.Decode("segment", segment, null));

        Assert.Contains("damaged", e.Message);
    }

    [Fact]
    public async Task AMissingSegmentIsLoud()
    {
        LogWriter writer = LogWriter.Open(_store, Index, LogContents.Empty, maxSegmentBytes: 200);
        for (long s = 1; s <= 6; s++)
        {
            await writer.AppendAsync(Upsert(s, 2), CancellationToken.None);
        }

        File.Delete(SegmentPath(3));

        var e = await Assert.ThrowsAsync<LogIntegrityException>(() => LogReader.ReadAsync(_store, Index));
        Assert.Contains("lost", e.Message);
    }

    [Fact]
    public async Task ASealedSegmentCutShortIsLoud()
    {
        LogWriter writer = LogWriter.Open(_store, Index, LogContents.Empty, maxSegmentBytes: 200);
        for (long s = 1; s <= 4; s++)
        {
            await writer.AppendAsync(Upsert(s, 2), CancellationToken.None);
        }

        using (var file = new FileStream(SegmentPath(1), FileMode.Open))
        {
            file.SetLength(file.Length - 1);
        }

        var e = await Assert.ThrowsAsync<LogIntegrityException>(() => LogReader.ReadAsync(_store, Index));
        Assert.Contains("lost", e.Message);
    }

    [Fact]
    public async Task AWriterWhoseSegmentShrankUnderItRefusesToAppend()
    {
        LogWriter writer = LogWriter.Open(_store, Index, LogContents.Empty);
        await writer.AppendAsync(Upsert(1, 2), CancellationToken.None);
        await writer.AppendAsync(Upsert(2, 2), CancellationToken.None);
        File.Delete(SegmentPath(1)); // a store rolled back to before the segment existed

        await Assert.ThrowsAsync<LogIntegrityException>(() => writer.AppendAsync(Upsert(3, 2), CancellationToken.None));
    }

    [Fact]
    public async Task TruncationDropsOnlySegmentsWhollyFoldedIn()
    {
        LogWriter writer = LogWriter.Open(_store, Index, LogContents.Empty, maxSegmentBytes: 200);
        for (long s = 1; s <= 8; s++)
        {
            await writer.AppendAsync(Upsert(s, 2), CancellationToken.None);
        }

        await writer.TruncateThroughAsync(5, CancellationToken.None);
        LogContents log = await LogReader.ReadAsync(_store, Index);

        Assert.Contains(log.Records, r => r.Sequence == 6);
        Assert.All(log.Records.Skip(1), r => Assert.True(r.Sequence > 5));
        Assert.True(log.Records[0].Sequence <= 6);
        Assert.Equal(8, log.LastSequence);
    }

    [Fact]
    public async Task ReadsAskedForTogetherShareOneReadOfTheStore()
    {
        LogWriter writer = LogWriter.Open(_store, Index, LogContents.Empty);
        await writer.AppendAsync(Upsert(1, 3), CancellationToken.None);
        var store = new FaultyFileStore(_store);

        LogContents[] reads = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => SharedLogReads.ReadAsync(store, Index)));

        Assert.Equal(1, store.Lists);
        Assert.All(reads, r => Assert.Equal([1L], r.Records.Select(x => x.Sequence)));
    }

    [Fact]
    public async Task AReadAskedForAfterASharedReadBegan_StartsAnotherThatSeesWhatWasWrittenMeanwhile()
    {
        LogWriter writer = LogWriter.Open(_store, Index, LogContents.Empty);
        await writer.AppendAsync(Upsert(1, 3), CancellationToken.None);
        var store = new FaultyFileStore(_store) { ListHold = new TaskCompletionSource() };

        // The first read has begun (it is listing the segments) when record 2 is acknowledged and the second read is asked for.
        Task<LogContents> first = SharedLogReads.ReadAsync(store, Index);
        await Within.Eventually("the first read to begin", () => Task.FromResult(store.Lists == 1));
        await writer.AppendAsync(Upsert(2, 3), CancellationToken.None);
        Task<LogContents> second = SharedLogReads.ReadAsync(store, Index);
        store.ListHold.SetResult();

        Assert.Equal([1L, 2L], (await second).Records.Select(r => r.Sequence));
        await first;
        Assert.Equal(2, store.Lists);
    }

    private string SegmentPath(long number) => Path.Combine(_root, StoreNames.LogSegment(Index, number));

    private static LogRecord Upsert(long sequence, int rows)
    {
        long[] ids = [.. Enumerable.Range(0, rows).Select(i => sequence * 100 + i)];
        byte[] buckets = [.. Enumerable.Range(0, rows).Select(i => (byte)(i % 8))];
        float[] vectors = [.. Enumerable.Range(0, rows * D).Select(i => (float)(sequence + i))];
        return LogRecord.Upsert(sequence, ids, buckets, vectors, D);
    }
}

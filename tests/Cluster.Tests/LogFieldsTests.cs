using HyperdOrleans.Grains.Log;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>Log records whose rows carry data field values (format version 2), beside the version 1 records logs already hold.</summary>
public sealed class LogFieldsTests
{
    private static readonly DateTimeOffset When = new(2026, 3, 1, 12, 30, 0, TimeSpan.FromHours(2));

    [Fact]
    public void AnUpsertWithFieldsReadsBackValueForValue_BesideRecordsOfVersionOne()
    {
        object?[][] fields =
        [
            ["books", 42L, 9.5, true, When, new[] { "new", "sale" }, null],
            [null, null, null, null, null, Array.Empty<string>(), "ünïcode title"],
        ];
        LogRecord withFields = LogRecord.Upsert(2, [10, 11], [0, 7], [1, 2, 3, 4, 5, 6], 3, fields);
        LogRecord plain = LogRecord.Upsert(1, [9], [3], [1, 1, 1], 3);
        byte[] first = LogCodec.Encode(plain);
        byte[] second = LogCodec.Encode(withFields);
        Assert.Equal(LogCodec.Version, BitConverter.ToUInt16(first, 4));
        Assert.Equal(LogCodec.FieldsVersion, BitConverter.ToUInt16(second, 4));

        IReadOnlyList<LogRecord> read = LogCodec.Decode("segment", [.. first, .. second, .. LogCodec.Encode(LogRecord.Delete(3, [9]))], null).Records;
        Assert.Equal(3, read.Count);
        Assert.Null(read[0].Fields);
        Assert.Equal(withFields.Ids, read[1].Ids);
        Assert.Equal(withFields.UnitVectors, read[1].UnitVectors);
        object?[][] back = read[1].Fields!;
        Assert.Equal(fields[0][..5], back[0][..5]);
        Assert.Equal(When.Offset, ((DateTimeOffset)back[0][4]!).Offset);
        Assert.Equal(["new", "sale"], (string[])back[0][5]!);
        Assert.Equal(fields[1][..5], back[1][..5]);
        Assert.Empty((string[])back[1][5]!);
        Assert.Equal("ünïcode title", back[1][6]);
    }

    [Fact]
    public void FieldValuesThatDoNotFillTheirRecordAreRefused_AndNotGuessedAt()
    {
        LogRecord record = LogRecord.Upsert(1, [1], [0], [1, 0], 2, [["a"]]);
        Assert.Throws<ArgumentException>(() => LogCodec.Encode(LogRecord.Upsert(1, [1, 2], [0, 0], [1, 0, 0, 1], 2, [["a"]])));

        // A good checksum over values that end early: a writer bug, reported as damage when records follow.
        byte[] bytes = LogCodec.Encode(record);
        byte[] cut = bytes[..^(LogCodec.ChecksumBytes + 1)];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(cut.AsSpan(8), cut.Length + LogCodec.ChecksumBytes);
        cut = [.. cut, .. new byte[LogCodec.ChecksumBytes]];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(
            cut.AsSpan(cut.Length - LogCodec.ChecksumBytes), System.IO.Hashing.XxHash64.HashToUInt64(cut.AsSpan(..^LogCodec.ChecksumBytes)));
        Assert.Throws<LogIntegrityException>(() => LogCodec.Decode("segment", [.. cut, .. LogCodec.Encode(LogRecord.Delete(2, [1]))], null));
    }
}

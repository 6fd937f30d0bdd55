using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace HyperdOrleans.Grains.Log;

/// <summary>
/// The bytes of write-ahead log records. A record is a 28-byte header (magic <c>HWAL</c>, version, kind, total length,
/// sequence, row count, dimensions), its payload (ids, bucket of each row, unit vectors; or a seal) and an XxHash64 of all
/// of that, little-endian. Version 2 is an upsert whose rows carry data field values: after the vectors, the rows' values
/// (<see cref="FieldValueCodec"/>); every other record is written as version 1, and both are read. Appends only ever add
/// whole records after whole records, so a bad record is either the torn tail of a write that failed (the segment ends
/// inside it) or damage (valid bytes follow it), and the two are told apart.
/// </summary>
public static class LogCodec
{
    public const uint Magic = 0x4C415748; // "HWAL"
    public const ushort Version = 1;

    /// <summary>An upsert with data field values.</summary>
    public const ushort FieldsVersion = 2;
    public const int HeaderBytes = 28;
    public const int ChecksumBytes = sizeof(ulong);

    public static byte[] Encode(LogRecord record)
    {
        int count = record.Ids.Length;
        bool upsert = record.Kind == LogRecordKind.Upsert;
        if (upsert && (record.Buckets.Length != count || record.UnitVectors.Length != (long)count * record.Dimensions))
        {
            throw new ArgumentException("an upsert record needs one bucket and one vector per id.", nameof(record));
        }

        if (record.Fields is { } rows && (!upsert || rows.Length != count))
        {
            throw new ArgumentException("only an upsert record carries field values, one row of them per id.", nameof(record));
        }

        byte[]? fields = upsert && record.Fields is { Length: > 0 } values ? FieldValueCodec.Encode(values, values[0].Length) : null;
        long payload = (long)count * sizeof(long) + (upsert ? count + (long)record.UnitVectors.Length * sizeof(float) : 0) + (fields?.Length ?? 0);
        ushort version = fields is null ? Version : FieldsVersion;
        byte[] bytes = Allocate(payload, record.Kind, record.Sequence, count, upsert ? record.Dimensions : 0, version);
        Span<byte> body = bytes.AsSpan(HeaderBytes);
        MemoryMarshal.AsBytes(record.Ids.AsSpan()).CopyTo(body);
        if (upsert)
        {
            body = body[(count * sizeof(long))..];
            record.Buckets.CopyTo(body);
            MemoryMarshal.AsBytes(record.UnitVectors.AsSpan()).CopyTo(body[count..]);
            fields?.CopyTo(body[(count + record.UnitVectors.Length * sizeof(float))..]);
        }

        return Finish(bytes);
    }

    public static byte[] Encode(SegmentSeal seal)
    {
        byte[] bytes = Allocate(2 * sizeof(long), LogRecordKind.Seal, seal.Segment, 0, 0, Version);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(HeaderBytes), seal.ValidLength);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(HeaderBytes + sizeof(long)), seal.LastSequence);
        return Finish(bytes);
    }

    /// <summary>
    /// The records of one segment. With <paramref name="validLength"/> (the segment is sealed) every byte up to it must be whole
    /// records; without it (the segment being written) a torn record at the end marks where it stops being valid.
    /// </summary>
    public static SegmentContents Decode(string name, ReadOnlySpan<byte> segment, long? validLength) =>
        Decode(name, segment, validLength, salvage: false);

    /// <summary>The whole records before the first damaged one (and the seal that opens the segment): what a salvage can keep.</summary>
    public static SegmentContents DecodeReadable(string name, ReadOnlySpan<byte> segment) => Decode(name, segment, null, salvage: true);

    private static SegmentContents Decode(string name, ReadOnlySpan<byte> segment, long? validLength, bool salvage)
    {
        if (validLength is { } sealedAt && sealedAt > segment.Length)
        {
            throw new LogIntegrityException($"log segment '{name}' holds {segment.Length} bytes but was sealed at {sealedAt}: the store lost "
                + "acknowledged records.");
        }

        ReadOnlySpan<byte> range = validLength is { } v ? segment[..(int)v] : segment;
        var records = new List<LogRecord>();
        SegmentSeal? seal = null;
        int position = 0;
        while (position < range.Length)
        {
            ReadOnlySpan<byte> rest = range[position..];
            if (!TryReadOne(rest, out int length, out LogRecord? record, out SegmentSeal? readSeal, out bool damaged))
            {
                // A write that failed can only leave a prefix of its record (or, after a crash, zeros) at the very end.
                if (validLength is null && (!damaged || salvage))
                {
                    break;
                }

                throw new LogIntegrityException($"log segment '{name}' is damaged at byte {position} of {range.Length}: "
                    + "its record fails its checksum and acknowledged records may follow it.");
            }

            if (readSeal is not null)
            {
                if (position != 0 && salvage)
                {
                    break;
                }

                if (position != 0)
                {
                    throw new LogIntegrityException($"log segment '{name}' has a seal at byte {position}; seals only open a segment.");
                }

                seal = readSeal;
            }
            else
            {
                records.Add(record!);
            }

            position += length;
        }

        return new SegmentContents(records, seal, position);
    }

    private static bool TryReadOne(
        ReadOnlySpan<byte> rest,
        out int length,
        out LogRecord? record,
        out SegmentSeal? seal,
        out bool damaged)
    {
        length = 0;
        record = null;
        seal = null;
        damaged = false;
        if (rest.Length < HeaderBytes + ChecksumBytes)
        {
            damaged = rest.Length >= sizeof(uint) && BinaryPrimitives.ReadUInt32LittleEndian(rest) != Magic && rest.IndexOfAnyExcept((byte)0) >= 0;
            return false;
        }

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(rest);
        int total = BinaryPrimitives.ReadInt32LittleEndian(rest[8..]);
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(rest[4..]);
        if (magic != Magic || version is not (Version or FieldsVersion) || total < HeaderBytes + ChecksumBytes)
        {
            // A torn append keeps its record's first bytes; a zero-filled tail is what a crash can leave instead.
            damaged = rest.IndexOfAnyExcept((byte)0) >= 0;
            return false;
        }

        if (total > rest.Length)
        {
            return false;
        }

        ReadOnlySpan<byte> bytes = rest[..total];
        ulong expected = BinaryPrimitives.ReadUInt64LittleEndian(bytes[^ChecksumBytes..]);
        if (XxHash64.HashToUInt64(bytes[..^ChecksumBytes]) != expected)
        {
            // The last record of the segment may be a torn write whose length field survived; anything earlier is damage.
            damaged = total < rest.Length;
            return false;
        }

        length = total;
        var kind = (LogRecordKind)bytes[6];
        long sequence = BinaryPrimitives.ReadInt64LittleEndian(bytes[12..]);
        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]);
        int dimensions = BinaryPrimitives.ReadInt32LittleEndian(bytes[24..]);
        ReadOnlySpan<byte> body = bytes[HeaderBytes..^ChecksumBytes];
        long expectedBody = kind switch
        {
            LogRecordKind.Seal => 2 * sizeof(long),
            LogRecordKind.Delete => (long)count * sizeof(long),
            LogRecordKind.Upsert => (long)count * (sizeof(long) + 1) + (long)count * dimensions * sizeof(float),
            _ => -1,
        };
        bool withFields = version == FieldsVersion;
        if (count < 0 || dimensions < 0 || (withFields ? kind != LogRecordKind.Upsert || expectedBody >= body.Length : expectedBody != body.Length))
        {
            // A checksummed record of another layout: another format version, or a writer bug. Never guessed at.
            length = 0;
            damaged = true;
            return false;
        }

        switch (kind)
        {
            case LogRecordKind.Seal:
                seal = new SegmentSeal(sequence, BinaryPrimitives.ReadInt64LittleEndian(body), BinaryPrimitives.ReadInt64LittleEndian(body[8..]));
                return true;
            case LogRecordKind.Delete:
                record = LogRecord.Delete(sequence, MemoryMarshal.Cast<byte, long>(body[..(count * sizeof(long))]).ToArray());
                return true;
            case LogRecordKind.Upsert:
                long[] ids = MemoryMarshal.Cast<byte, long>(body[..(count * sizeof(long))]).ToArray();
                byte[] buckets = body.Slice(count * sizeof(long), count).ToArray();
                ReadOnlySpan<byte> rows = body[(int)expectedBody..];
                float[] vectors = MemoryMarshal.Cast<byte, float>(body[(count * (sizeof(long) + 1))..(int)expectedBody]).ToArray();
                object?[][]? fields;
                try
                {
                    fields = withFields ? FieldValueCodec.Decode(rows, count) : null;
                }
                catch (InvalidDataException)
                {
                    // Checksummed but unreadable: a writer bug, never guessed at.
                    length = 0;
                    damaged = true;
                    return false;
                }

                record = LogRecord.Upsert(sequence, ids, buckets, vectors, dimensions, fields);
                return true;
            default:
                damaged = true;
                return false;
        }
    }

    private static byte[] Allocate(long payload, LogRecordKind kind, long sequence, int count, int dimensions, ushort version)
    {
        long total = HeaderBytes + payload + ChecksumBytes;
        if (total > int.MaxValue)
        {
            throw new ArgumentException($"a log record of {total} bytes is too large; send fewer rows per call.");
        }

        var bytes = new byte[total];
        Span<byte> header = bytes;
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], version);
        header[6] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], (int)total);
        BinaryPrimitives.WriteInt64LittleEndian(header[12..], sequence);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], count);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], dimensions);
        return bytes;
    }

    private static byte[] Finish(byte[] bytes)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - ChecksumBytes), XxHash64.HashToUInt64(bytes.AsSpan(..^ChecksumBytes)));
        return bytes;
    }
}

/// <summary>The records of one segment, the seal that opens it (of the previous segment), and where its valid bytes end.</summary>
public sealed record SegmentContents(IReadOnlyList<LogRecord> Records, SegmentSeal? Seal, long ValidLength);

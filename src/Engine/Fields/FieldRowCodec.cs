using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace HyperdOrleans.Engine.Fields;

/// <summary>
/// A row's values (some or all of a schema's fields) as bytes, for the build's field spill and the fields file's row
/// store. Per field: string and tags as an i32 length or count (-1: missing) then UTF-8 strings (tags each with its
/// i32 length); long and double as a presence byte then 8 bytes; DateTimeOffset as a presence byte, UTC ticks and
/// the offset in minutes (i16); bool as one byte (0 false, 1 true, 2 missing). Thread-safe (stateless).
/// </summary>
public static class FieldRowCodec
{
    /// <summary>Appends the values of <paramref name="fields"/> (positions in the schema) of canonical <paramref name="values"/>.</summary>
    public static void Write(FieldSchema schema, ReadOnlySpan<int> fields, IReadOnlyList<object?> values, IBufferWriter<byte> output)
    {
        foreach (int f in fields)
        {
            object? value = values[f];
            switch (schema.Fields[f].Type)
            {
                case FieldType.String:
                    WriteString(output, (string?)value);
                    break;
                case FieldType.Tags:
                    string[]? tags = (string[]?)value;
                    WriteInt(output, tags?.Length ?? -1);
                    foreach (string tag in tags ?? [])
                    {
                        WriteString(output, tag);
                    }

                    break;
                case FieldType.Long:
                    WritePresent(output, value is not null, value is long l ? l : 0);
                    break;
                case FieldType.Double:
                    WritePresent(output, value is not null, value is double x ? BitConverter.DoubleToInt64Bits(x) : 0);
                    break;
                case FieldType.DateTime:
                    var time = value as DateTimeOffset?;
                    WritePresent(output, time is not null, time?.UtcTicks ?? 0);
                    Span<byte> minutes = output.GetSpan(2);
                    BinaryPrimitives.WriteInt16LittleEndian(minutes, (short)(time?.Offset.TotalMinutes ?? 0));
                    output.Advance(2);
                    break;
                case FieldType.Bool:
                    output.GetSpan(1)[0] = value is bool b ? (b ? (byte)1 : (byte)0) : (byte)2;
                    output.Advance(1);
                    break;
            }
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote for <paramref name="fields"/> into <paramref name="values"/>; returns the bytes read.</summary>
    public static int Read(FieldSchema schema, ReadOnlySpan<int> fields, ReadOnlySpan<byte> bytes, object?[] values)
    {
        int at = 0;
        foreach (int f in fields)
        {
            switch (schema.Fields[f].Type)
            {
                case FieldType.String:
                    values[f] = ReadString(bytes, ref at);
                    break;
                case FieldType.Tags:
                    int count = ReadInt(bytes, ref at);
                    if (count < -1 || count > bytes.Length - at)
                    {
                        throw new InvalidDataException($"field '{schema.Fields[f].Name}' has a tag count of {count}.");
                    }

                    string[]? tags = count < 0 ? null : new string[count];
                    for (int i = 0; i < count; i++)
                    {
                        tags![i] = ReadString(bytes, ref at) ?? throw new InvalidDataException($"field '{schema.Fields[f].Name}' has a null tag.");
                    }

                    values[f] = tags;
                    break;
                case FieldType.Long:
                    values[f] = ReadPresent(bytes, ref at) is long l ? l : null;
                    break;
                case FieldType.Double:
                    values[f] = ReadPresent(bytes, ref at) is long bits ? BitConverter.Int64BitsToDouble(bits) : null;
                    break;
                case FieldType.DateTime:
                    long? ticks = ReadPresent(bytes, ref at);
                    short minutes = BinaryPrimitives.ReadInt16LittleEndian(bytes[at..]);
                    at += 2;
                    values[f] = ticks is long t ? new DateTimeOffset(t, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(minutes)) : null;
                    break;
                case FieldType.Bool:
                    values[f] = bytes[at++] switch
                    {
                        0 => false,
                        1 => true,
                        2 => null,
                        byte b => throw new InvalidDataException($"field '{schema.Fields[f].Name}' has bool byte {b}."),
                    };
                    break;
            }
        }

        return at;
    }

    private static void WriteInt(IBufferWriter<byte> output, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void WriteString(IBufferWriter<byte> output, string? value)
    {
        int length = value is null ? -1 : Encoding.UTF8.GetByteCount(value);
        WriteInt(output, length);
        if (length > 0)
        {
            output.Advance(Encoding.UTF8.GetBytes(value, output.GetSpan(length)));
        }
    }

    private static void WritePresent(IBufferWriter<byte> output, bool present, long bits)
    {
        Span<byte> span = output.GetSpan(9);
        span[0] = present ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], bits);
        output.Advance(9);
    }

    private static int ReadInt(ReadOnlySpan<byte> bytes, ref int at)
    {
        int value = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
        at += 4;
        return value;
    }

    private static string? ReadString(ReadOnlySpan<byte> bytes, ref int at)
    {
        int length = ReadInt(bytes, ref at);
        if (length < -1 || length > bytes.Length - at)
        {
            throw new InvalidDataException($"a string of {length} bytes does not fit the {bytes.Length - at} bytes left.");
        }

        if (length < 0)
        {
            return null;
        }

        string value = Encoding.UTF8.GetString(bytes.Slice(at, length));
        at += length;
        return value;
    }

    private static long? ReadPresent(ReadOnlySpan<byte> bytes, ref int at)
    {
        byte present = bytes[at];
        long value = BinaryPrimitives.ReadInt64LittleEndian(bytes[(at + 1)..]);
        at += 9;
        return present switch
        {
            0 => null,
            1 => value,
            _ => throw new InvalidDataException($"presence byte {present}."),
        };
    }
}

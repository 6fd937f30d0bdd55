using System.Buffers.Binary;
using System.Text;

namespace HyperdOrleans.Grains.Log;

/// <summary>
/// Rows of data field values in a log record, self-describing so the log needs no schema to read them: an i32 field count,
/// then per row and field a type byte (0 missing, 1 string, 2 long, 3 double, 4 bool, 5 DateTimeOffset, 6 string list) and
/// the value (strings as an i32 byte length and UTF-8; a list as an i32 count of strings; a DateTimeOffset as UTC ticks and
/// the offset in minutes, i16). Values are the engine's canonical types, already checked against the schema. Stateless.
/// </summary>
public static class FieldValueCodec
{
    public static byte[] Encode(object?[][] rows, int fields)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(fields);
        foreach (object?[] row in rows)
        {
            for (int f = 0; f < fields; f++)
            {
                Write(writer, row[f]);
            }
        }

        writer.Flush();
        return stream.ToArray();
    }

    /// <summary>Reads <paramref name="count"/> rows; <see cref="InvalidDataException"/> when the bytes are not exactly that.</summary>
    public static object?[][] Decode(ReadOnlySpan<byte> bytes, int count)
    {
        var reader = new SpanReader(bytes);
        int fields = reader.Int32();
        if (fields < 0 || fields > 1000)
        {
            throw new InvalidDataException($"a log record's rows have {fields} field values.");
        }

        var rows = new object?[count][];
        for (int r = 0; r < count; r++)
        {
            rows[r] = new object?[fields];
            for (int f = 0; f < fields; f++)
            {
                rows[r][f] = reader.Value();
            }
        }

        return reader.AtEnd ? rows : throw new InvalidDataException($"a log record's field values end before byte {bytes.Length}.");
    }

    private static void Write(BinaryWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.Write((byte)0);
                break;
            case string s:
                writer.Write((byte)1);
                WriteString(writer, s);
                break;
            case long l:
                writer.Write((byte)2);
                writer.Write(l);
                break;
            case double x:
                writer.Write((byte)3);
                writer.Write(x);
                break;
            case bool b:
                writer.Write((byte)4);
                writer.Write(b);
                break;
            case DateTimeOffset t:
                writer.Write((byte)5);
                writer.Write(t.UtcTicks);
                writer.Write((short)t.Offset.TotalMinutes);
                break;
            case string[] tags:
                writer.Write((byte)6);
                writer.Write(tags.Length);
                foreach (string tag in tags)
                {
                    WriteString(writer, tag);
                }

                break;
            default:
                throw new ArgumentException($"a field value of type {value.GetType().Name} cannot be logged.", nameof(value));
        }
    }

    private static void WriteString(BinaryWriter writer, string s)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(s);
        writer.Write(utf8.Length);
        writer.Write(utf8);
    }

    private ref struct SpanReader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public readonly bool AtEnd => _at == _bytes.Length;

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public object? Value() => Take(1)[0] switch
        {
            0 => null,
            1 => String(),
            2 => BinaryPrimitives.ReadInt64LittleEndian(Take(8)),
            3 => BinaryPrimitives.ReadDoubleLittleEndian(Take(8)),
            4 => Take(1)[0] != 0,
            5 => Instant(),
            6 => Tags(),
            byte b => throw new InvalidDataException($"a log record holds a field value of unknown type {b}."),
        };

        private object Instant()
        {
            long ticks = BinaryPrimitives.ReadInt64LittleEndian(Take(8));
            short minutes = BinaryPrimitives.ReadInt16LittleEndian(Take(2));
            return new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(minutes));
        }

        private string[] Tags()
        {
            int count = Int32();
            if (count < 0 || count > _bytes.Length - _at)
            {
                throw new InvalidDataException($"a log record holds a tag list of {count} tags.");
            }

            var tags = new string[count];
            for (int i = 0; i < count; i++)
            {
                tags[i] = String();
            }

            return tags;
        }

        private string String()
        {
            int length = Int32();
            return Encoding.UTF8.GetString(Take(length));
        }

        private ReadOnlySpan<byte> Take(int length)
        {
            if (length < 0 || length > _bytes.Length - _at)
            {
                throw new InvalidDataException($"a log record's field values end inside a value (byte {_at} of {_bytes.Length}).");
            }

            ReadOnlySpan<byte> taken = _bytes.Slice(_at, length);
            _at += length;
            return taken;
        }
    }
}

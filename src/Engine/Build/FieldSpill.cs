using System.Buffers;
using System.Buffers.Binary;
using HyperdOrleans.Engine.Fields;

namespace HyperdOrleans.Engine.Build;

/// <summary>
/// The data fields of a bucket's <see cref="SpillFile"/>, beside it and in the same row order: per row an i32 byte
/// length, then every field's value (<see cref="FieldRowCodec"/>). Written and read sequentially; not thread-safe.
/// </summary>
public static class FieldSpill
{
    /// <summary>Where the fields of the spill file at <paramref name="spillPath"/> go.</summary>
    public static string PathFor(string spillPath) => spillPath + ".fields";

    public sealed class Writer(string path, FieldSchema schema) : IDisposable
    {
        private readonly FileStream _stream = new(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 18);
        private readonly ArrayBufferWriter<byte> _row = new();
        private readonly int[] _all = [.. Enumerable.Range(0, schema.Count)];

        /// <summary>Appends one row's canonical values.</summary>
        public void Append(IReadOnlyList<object?> values)
        {
            _row.ResetWrittenCount();
            FieldRowCodec.Write(schema, _all, values, _row);
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, _row.WrittenCount);
            _stream.Write(length);
            _stream.Write(_row.WrittenSpan);
        }

        public void Dispose() => _stream.Dispose();
    }

    public sealed class Reader(string path, FieldSchema schema) : IDisposable
    {
        private readonly FileStream _stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        private readonly int[] _all = [.. Enumerable.Range(0, schema.Count)];
        private byte[] _buffer = new byte[256];

        /// <summary>Reads the next <paramref name="count"/> rows' values into <paramref name="into"/>; the file must hold them.</summary>
        public void Read(object?[][] into, int count)
        {
            Span<byte> length = stackalloc byte[4];
            for (int i = 0; i < count; i++)
            {
                _stream.ReadExactly(length);
                int bytes = BinaryPrimitives.ReadInt32LittleEndian(length);
                if (bytes < 0 || bytes > 1 << 30)
                {
                    throw new InvalidDataException($"field spill '{_stream.Name}' has a row of {bytes} bytes: damaged?");
                }

                if (_buffer.Length < bytes)
                {
                    _buffer = new byte[Math.Max(bytes, _buffer.Length * 2)];
                }

                _stream.ReadExactly(_buffer.AsSpan(0, bytes));
                into[i] ??= new object?[schema.Count];
                if (FieldRowCodec.Read(schema, _all, _buffer.AsSpan(0, bytes), into[i]) != bytes)
                {
                    throw new InvalidDataException($"field spill '{_stream.Name}' has a row whose values do not fill its {bytes} bytes.");
                }
            }
        }

        public void Dispose() => _stream.Dispose();
    }
}

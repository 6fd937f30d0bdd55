using System.Buffers;
using System.Runtime.InteropServices;

namespace HyperdOrleans.Engine.Build;

/// <summary>
/// A bucket's rows between the partition pass and its k-means job: a plain temporary file of records
/// {id int64, d × float32 unit vector}. Written and read sequentially through fixed buffers.
/// </summary>
public static class SpillFile
{
    public static long RecordBytes(int dimensions) => sizeof(long) + ((long)dimensions * sizeof(float));

    public static long CountRows(string path, int dimensions)
    {
        long length = new FileInfo(path).Length;
        long record = RecordBytes(dimensions);
        return length % record == 0 ? length / record
            : throw new InvalidDataException($"spill file '{path}' has {length} bytes, not whole {record}-byte records: truncated?");
    }

    /// <summary>Appends records; not thread-safe.</summary>
    public sealed class Writer(string path, int dimensions) : IDisposable
    {
        private readonly FileStream _stream = new(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 18);

        public long Count { get; private set; }

        public string Path => path;

        public void Append(long id, ReadOnlySpan<float> unitVector)
        {
            _stream.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<long>(in id)));
            _stream.Write(MemoryMarshal.AsBytes(unitVector[..dimensions]));
            Count++;
        }

        public void Dispose() => _stream.Dispose();
    }

    /// <summary>Reads records in order in blocks; not thread-safe.</summary>
    public sealed class Reader : IDisposable
    {
        private readonly FileStream _stream;
        private readonly int _dimensions;
        private readonly int _record;
        private readonly byte[] _buffer;

        public Reader(string path, int dimensions)
        {
            _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            _dimensions = dimensions;
            _record = (int)RecordBytes(dimensions);
            _buffer = ArrayPool<byte>.Shared.Rent(_record * 4096);
        }

        /// <summary>Reads up to min(ids.Length, rows.Length / d) records; returns how many, 0 at the end.</summary>
        public int Read(Span<float> rows, Span<long> ids)
        {
            int wanted = Math.Min(Math.Min(ids.Length, rows.Length / _dimensions), _buffer.Length / _record);
            int got = _stream.ReadAtLeast(_buffer.AsSpan(0, wanted * _record), wanted * _record, throwOnEndOfStream: false);
            if (got % _record != 0)
            {
                throw new InvalidDataException($"spill file '{_stream.Name}' ends inside a record: truncated?");
            }

            int count = got / _record;
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<byte> record = _buffer.AsSpan(i * _record, _record);
                ids[i] = MemoryMarshal.Read<long>(record);
                MemoryMarshal.Cast<byte, float>(record[sizeof(long)..]).CopyTo(rows.Slice(i * _dimensions, _dimensions));
            }

            return count;
        }

        public void Dispose()
        {
            _stream.Dispose();
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}

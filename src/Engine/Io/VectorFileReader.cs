using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace HyperdOrleans.Engine.Io;

/// <summary>
/// Streams rows of a <see cref="VectorFile"/> in order through one pooled buffer; memory stays at the
/// buffer whatever the file's size. Not thread-safe.
/// </summary>
public sealed class VectorFileReader : IDisposable
{
    private const int BufferBytes = 1 << 20;

    private readonly VectorFile _file;
    private readonly FileStream _stream;
    private readonly byte[] _buffer;
    private long _nextRow;

    internal VectorFileReader(VectorFile file, long firstRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstRow, file.Count);
        _file = file;
        _stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        _stream.Position = file.DataOffset + (firstRow * file.RowStrideBytes);
        _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(BufferBytes, file.RowStrideBytes));
        _nextRow = firstRow;
    }

    /// <summary>The row number the next read starts at.</summary>
    public long Position => _nextRow;

    /// <summary>
    /// Fills <paramref name="destination"/> with as many whole rows as fit (row-major) and returns how many
    /// were read: 0 at the end of the file.
    /// </summary>
    public int ReadRows(Span<float> destination)
    {
        int d = _file.Dimensions;
        long stride = _file.RowStrideBytes;
        int wanted = (int)Math.Min(destination.Length / d, _file.Count - _nextRow);
        int done = 0;
        while (done < wanted)
        {
            int rows = (int)Math.Min(wanted - done, _buffer.Length / stride);
            int bytes = (int)(rows * stride);
            int got = _stream.ReadAtLeast(_buffer.AsSpan(0, bytes), bytes, throwOnEndOfStream: false);
            if (got < bytes)
            {
                throw new EndOfStreamException($"'{_file.Path}' ended inside row {_nextRow + (got / stride)}: truncated?");
            }

            CopyRows(_buffer.AsSpan(0, bytes), destination.Slice(done * d, rows * d), rows);
            done += rows;
            _nextRow += rows;
        }

        return done;
    }

    private void CopyRows(ReadOnlySpan<byte> source, Span<float> destination, int rows)
    {
        int d = _file.Dimensions;
        int prefix = _file.RowPrefixBytes;
        if (prefix == 0)
        {
            MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
            return;
        }

        int stride = prefix + (d * sizeof(float));
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<byte> row = source.Slice(r * stride, stride);
            int count = BinaryPrimitives.ReadInt32LittleEndian(row);
            if (count != d)
            {
                throw new InvalidDataException($"'{_file.Path}' row {_nextRow + r} declares {count} dimensions; the file's first row has {d}.");
            }

            MemoryMarshal.Cast<byte, float>(row[prefix..]).CopyTo(destination.Slice(r * d, d));
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace HyperdOrleans.Engine.Io;

/// <summary>
/// Writes vectors row by row as .fvecs, .npy or raw float32 (chosen by extension). The .npy header's
/// row count is patched on dispose, so rows can be streamed without knowing their number. Not thread-safe.
/// </summary>
public sealed class VectorFileWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly VectorFileFormat _format;
    private readonly int _dimensions;
    private readonly byte[] _prefix = new byte[sizeof(int)];
    private long _rows;

    public VectorFileWriter(string path, int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        _dimensions = dimensions;
        _format = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".fvecs" => VectorFileFormat.Fvecs,
            ".npy" => VectorFileFormat.Npy,
            _ => VectorFileFormat.Raw,
        };
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
        BinaryPrimitives.WriteInt32LittleEndian(_prefix, dimensions);
        if (_format == VectorFileFormat.Npy)
        {
            _stream.Write(NpyHeader.Build(0, dimensions));
        }
    }

    public long RowsWritten => _rows;

    /// <summary>Appends whole rows (row-major, a multiple of the dimensions).</summary>
    public void Write(ReadOnlySpan<float> rows)
    {
        if (rows.Length % _dimensions != 0)
        {
            throw new ArgumentException($"{rows.Length} values are not whole rows of {_dimensions}.", nameof(rows));
        }

        int count = rows.Length / _dimensions;
        if (_format == VectorFileFormat.Fvecs)
        {
            for (int r = 0; r < count; r++)
            {
                _stream.Write(_prefix);
                _stream.Write(MemoryMarshal.AsBytes(rows.Slice(r * _dimensions, _dimensions)));
            }
        }
        else
        {
            _stream.Write(MemoryMarshal.AsBytes(rows));
        }

        _rows += count;
    }

    public void Dispose()
    {
        if (_format == VectorFileFormat.Npy)
        {
            _stream.Position = 0;
            _stream.Write(NpyHeader.Build(_rows, _dimensions));
        }

        _stream.Dispose();
    }
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace HyperdOrleans.Engine.Io;

/// <summary>Writes integer rows in the .ivecs layout (int32 count, then that many int32). Not thread-safe.</summary>
public sealed class IvecsWriter(string path) : IDisposable
{
    private readonly FileStream _stream = new(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);

    public void WriteRow(ReadOnlySpan<int> values)
    {
        Span<byte> count = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(count, values.Length);
        _stream.Write(count);
        _stream.Write(MemoryMarshal.AsBytes(values));
    }

    public void Dispose() => _stream.Dispose();
}

using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;

namespace HyperdOrleans.Engine.Storage;

/// <summary>
/// A whole file mapped into memory, read-only or read-write. The query path reads cluster data straight from
/// the mapping: pages come from the OS cache on demand and nothing is copied. Reads are thread-safe;
/// <see cref="Dispose"/> must not race with them (owners reference-count their use).
/// </summary>
public sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _pointer;

    private MappedFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, long length)
    {
        Path = path;
        _map = map;
        _view = view;
        Length = length;
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _pointer = pointer + _view.PointerOffset;
    }

    public string Path { get; }

    public long Length { get; }

    public static MappedFile OpenRead(string path)
    {
        long length = new FileInfo(path).Length;
        if (length == 0)
        {
            throw new IndexFormatException(path, "the file is empty.");
        }

        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, 0, MemoryMappedFileAccess.Read);
        return new MappedFile(path, map, map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read), length);
    }

    /// <summary>Creates (or truncates) <paramref name="path"/> at <paramref name="length"/> bytes, mapped for writing.</summary>
    public static MappedFile CreateWrite(string path, long length)
    {
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Create, mapName: null, length, MemoryMappedFileAccess.ReadWrite);
        return new MappedFile(path, map, map.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite), length);
    }

    /// <summary>A span over <paramref name="count"/> items at byte <paramref name="offset"/>; bounds are checked.</summary>
    public Span<T> Slice<T>(long offset, int count)
        where T : unmanaged
    {
        long bytes = (long)count * sizeof(T);
        if (offset < 0 || count < 0 || offset + bytes > Length)
        {
            throw new IndexFormatException(Path, $"a read of {bytes} bytes at offset {offset} falls outside the file's {Length} bytes.");
        }

        ObjectDisposedException.ThrowIf(_pointer == null, this);
        return new Span<T>(_pointer + offset, count);
    }

    /// <summary>Unchecked typed pointer for hot loops whose bounds were validated once at open.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T* Pointer<T>(long offset)
        where T : unmanaged => (T*)(_pointer + offset);

    /// <summary>Writes dirty pages to the file and the file to the disk.</summary>
    public void Flush()
    {
        _view.Flush();
    }

    public void Dispose()
    {
        if (_pointer != null)
        {
            _pointer = null;
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _map.Dispose();
        }
    }
}

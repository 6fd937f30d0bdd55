using System.IO.MemoryMappedFiles;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;

namespace HyperdOrleans.Evaluation.Exact;

/// <summary>
/// A data set's base rows normalised to unit length, as raw float32 in a memory-mapped file: what the exact
/// baselines and the in-memory peers read, so none of them holds a private copy on the heap. Thread-safe reads.
/// </summary>
public sealed unsafe class UnitBase : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;
    private readonly bool _deleteOnDispose;

    private UnitBase(string path, int dimensions, bool deleteOnDispose = false)
    {
        _deleteOnDispose = deleteOnDispose;
        Path = path;
        Dimensions = dimensions;
        long bytes = new FileInfo(path).Length;
        Count = bytes / ((long)dimensions * sizeof(float));
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref _pointer);
        _pointer += _view.PointerOffset;
    }

    public string Path { get; }

    public int Dimensions { get; }

    public long Count { get; }

    public long Bytes => Count * Dimensions * sizeof(float);

    public static UnitBase Open(string path, int dimensions) => new(path, dimensions);

    /// <summary>
    /// Normalises <paramref name="source"/> into a new file in <paramref name="folder"/> and opens it; the file is
    /// deleted on disposal. For a one-off exact pass (<c>hyperd bench</c>), where no cache keeps it.
    /// </summary>
    public static UnitBase WriteTemporary(VectorFile source, string folder)
    {
        Directory.CreateDirectory(folder);
        string path = System.IO.Path.Combine(folder, $"hyperd-unit-{Guid.NewGuid():N}.f32");
        Write(source, path);
        return new UnitBase(path, source.Dimensions, deleteOnDispose: true);
    }

    /// <summary>Streams <paramref name="source"/> into a normalised raw file (written to a temp name, then renamed).</summary>
    public static void Write(VectorFile source, string path)
    {
        string temp = path + ".tmp";
        int d = source.Dimensions;
        var block = new float[8192 * d];
        using (VectorFileReader reader = source.OpenReader())
        using (var writer = new VectorFileWriter(temp, d))
        {
            long row = 0;
            int read;
            while ((read = reader.ReadRows(block)) > 0)
            {
                Span<float> rows = block.AsSpan(0, read * d);
                VectorMath.NormalizeRows(rows, d, row, $"'{source.Path}'");
                writer.Write(rows);
                row += read;
            }
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Pointer to row <paramref name="row"/>; valid until disposal.</summary>
    public float* Row(long row) => (float*)(_pointer + (row * Dimensions * sizeof(float)));

    public ReadOnlySpan<float> Rows(long first, int count) => new(Row(first), checked(count * Dimensions));

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
        if (_deleteOnDispose)
        {
            File.Delete(Path);
        }
    }
}

namespace HyperdOrleans.Engine.Io;

/// <summary>
/// Rows with their 64-bit ids, streamed in order: what an index is built from. A file's ids are its row
/// numbers; other sources (a cluster's appended vectors, say) bring their own.
/// </summary>
public interface IVectorSource
{
    /// <summary>Names the source in messages and in the manifest.</summary>
    string Name { get; }

    int Dimensions { get; }

    /// <summary>How many rows a full read yields.</summary>
    long Count { get; }

    IVectorSourceReader OpenReader();
}

/// <summary>A sequential reader of an <see cref="IVectorSource"/>. Not thread-safe.</summary>
public interface IVectorSourceReader : IDisposable
{
    /// <summary>Fills whole rows of <paramref name="rows"/> and their ids; returns how many rows, 0 at the end.</summary>
    int Read(Span<float> rows, Span<long> ids);
}

/// <summary>A <see cref="VectorFile"/> as a source: ids are the 0-based row numbers.</summary>
public sealed class VectorFileSource(VectorFile file) : IVectorSource
{
    public string Name => file.Path;

    public int Dimensions => file.Dimensions;

    public long Count => file.Count;

    public IVectorSourceReader OpenReader() => new Reader(file.OpenReader(), file.Dimensions);

    private sealed class Reader(VectorFileReader reader, int dimensions) : IVectorSourceReader
    {
        public int Read(Span<float> rows, Span<long> ids)
        {
            long first = reader.Position;
            int capacity = Math.Min(rows.Length / dimensions, ids.Length);
            int count = reader.ReadRows(rows[..(capacity * dimensions)]);
            for (int i = 0; i < count; i++)
            {
                ids[i] = first + i;
            }

            return count;
        }

        public void Dispose() => reader.Dispose();
    }
}

using HyperdOrleans.Engine.Fields;

namespace HyperdOrleans.Engine.Io;

/// <summary>
/// A vector source whose rows get their data fields from a function of their id: a file of vectors beside fields
/// computed or looked up by row number, streamed like the vectors. <paramref name="valuesOf"/> is called once per row,
/// from one thread at a time.
/// </summary>
public sealed class FieldedVectorSource(IVectorSource vectors, FieldSchema schema, Func<long, object?[]> valuesOf) : IRecordSource
{
    public FieldSchema? Schema { get; } = schema.Validate();

    public string Name => vectors.Name;

    public int Dimensions => vectors.Dimensions;

    public long Count => vectors.Count;

    public IVectorSourceReader OpenReader() => new Reader(vectors.OpenReader(), valuesOf);

    private sealed class Reader(IVectorSourceReader inner, Func<long, object?[]> valuesOf) : IRecordSourceReader
    {
        public int Read(Span<float> rows, Span<long> ids) => inner.Read(rows, ids);

        public int Read(Span<float> rows, Span<long> ids, object?[]?[] fields)
        {
            int read = inner.Read(rows, ids[..Math.Min(ids.Length, fields.Length)]);
            for (int i = 0; i < read; i++)
            {
                fields[i] = valuesOf(ids[i]);
            }

            return read;
        }

        public void Dispose() => inner.Dispose();
    }
}

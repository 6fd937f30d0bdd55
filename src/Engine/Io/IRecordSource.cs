using HyperdOrleans.Engine.Fields;

namespace HyperdOrleans.Engine.Io;

/// <summary>
/// A source whose rows carry data fields besides their vectors: a build stores them in each bucket's fields file, in
/// the same row order as the lists. Its <see cref="IVectorSource.OpenReader"/> returns an <see cref="IRecordSourceReader"/>.
/// </summary>
public interface IRecordSource : IVectorSource
{
    /// <summary>The rows' fields; null when this source's rows carry none (a rebuild of an index without fields).</summary>
    FieldSchema? Schema { get; }
}

/// <summary>A sequential reader of an <see cref="IRecordSource"/>. Not thread-safe.</summary>
public interface IRecordSourceReader : IVectorSourceReader
{
    /// <summary>As <see cref="IVectorSourceReader.Read"/>, and each row's values (aligned with the schema) into <paramref name="fields"/>.</summary>
    int Read(Span<float> rows, Span<long> ids, object?[]?[] fields);
}

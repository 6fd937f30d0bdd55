using Microsoft.Extensions.AI;

namespace HyperdOrleans.VectorData;

/// <summary>Options of a <see cref="HyperdVectorStore"/>.</summary>
public sealed class HyperdVectorStoreOptions
{
    /// <summary>
    /// The embedding generator of every collection the store hands out, unless the collection's definition or vector property names
    /// its own: it turns a vector property of another type (a string, say) into a vector on upsert and on search.
    /// </summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; init; }
}

using Microsoft.Extensions.VectorData;

namespace HyperdOrleans.SemanticSearch;

/// <summary>One stored document: its text is embedded by the collection's generator when it is upserted.</summary>
public sealed class Article
{
    [VectorStoreKey]
    public string Id { get; set; } = "";

    [VectorStoreData(IsIndexed = true)]
    public string Category { get; set; } = "";

    [VectorStoreData]
    public string Text { get; set; } = "";

    /// <summary>The text again, as the vector's source: the store embeds it with the generator it was given.</summary>
    [VectorStoreVector(MiniLmEmbeddingGenerator.Dimensions, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public string Embedding => Text;
}

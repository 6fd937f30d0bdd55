namespace HyperdOrleans.VectorData.Tests;

/// <summary>The test record: every data type the connector maps, a tag list, and a cosine vector of <see cref="Dimensions"/>.</summary>
public sealed class Product<TKey>
{
    public const int Dimensions = 8;

    [VectorStoreKey]
    public TKey Key { get; set; } = default!;

    [VectorStoreData(IsIndexed = true)]
    public string? Category { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public int Band { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public long? Stock { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public double Price { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public bool Active { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public DateTimeOffset Listed { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public string[] Tags { get; set; } = [];

    [VectorStoreData(IsIndexed = true)]
    public List<string>? Labels { get; set; }

    [VectorStoreData]
    public string? Title { get; set; }

    [VectorStoreVector(Dimensions, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public ReadOnlyMemory<float> Vector { get; set; }
}

using Microsoft.Extensions.VectorData;

namespace HyperdOrleans.VectorData;

/// <summary>Options of a <see cref="HyperdCollection{TKey, TRecord}"/>: the record definition and the embedding generator.</summary>
public sealed class HyperdCollectionOptions : VectorStoreCollectionOptions
{
    public HyperdCollectionOptions()
    {
    }

    internal HyperdCollectionOptions(HyperdCollectionOptions? source)
        : base(source)
    {
    }
}

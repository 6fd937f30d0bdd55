using System.Runtime.CompilerServices;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Client;
using Microsoft.Extensions.VectorData;

namespace HyperdOrleans.VectorData;

/// <summary>
/// The Microsoft.Extensions.VectorData store of a HyperdOrleans cluster: each collection is one index of the same name (index name
/// rules apply: 1 to 100 ASCII letters, digits, '-', '_' or '.'). One vector property per record, cosine similarity only; vectors
/// read back are unit vectors. Thread-safe.
/// </summary>
public sealed class HyperdVectorStore : VectorStore
{
    /// <summary>The name <see cref="VectorStoreMetadata.VectorStoreSystemName"/> reports.</summary>
    public const string SystemName = "hyperdorleans";

    private readonly HyperdClient _client;
    private readonly HyperdVectorStoreOptions _options;
    private readonly VectorStoreMetadata _metadata = new() { VectorStoreSystemName = SystemName };

    public HyperdVectorStore(HyperdClient client)
        : this(client, null)
    {
    }

    public HyperdVectorStore(HyperdClient client, HyperdVectorStoreOptions? options)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new HyperdVectorStoreOptions();
    }

    public override HyperdCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null) =>
        new(_client, name, new HyperdCollectionOptions { Definition = definition, EmbeddingGenerator = _options.EmbeddingGenerator });

    /// <summary>A collection of <c>Dictionary&lt;string, object?&gt;</c> records described by <paramref name="definition"/>.</summary>
    public override HyperdCollection<object, Dictionary<string, object?>> GetDynamicCollection(
        string name, VectorStoreCollectionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new(
            _client,
            name,
            new HyperdCollectionOptions { Definition = definition, EmbeddingGenerator = _options.EmbeddingGenerator },
            o => new HyperdModelBuilder().BuildDynamic(definition, o.EmbeddingGenerator));
    }

    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (IndexSummary index in await _client.ListIndexesAsync(cancellationToken: cancellationToken))
        {
            yield return index.Name;
        }
    }

    public override async Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default) =>
        (await _client.StatusAsync(name, cancellationToken: cancellationToken)).Exists;

    public override Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default) =>
        _client.DropIndexAsync(name, cancellationToken: cancellationToken);

    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreMetadata) ? _metadata
            : serviceType == typeof(HyperdClient) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }
}

using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Client;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace HyperdOrleans.VectorData;

/// <summary>
/// A collection of records in one HyperdOrleans index (the collection's name is the index's name). Scores are cosine similarity, the
/// only distance function the index has; vectors read back (<c>IncludeVectors</c>) are the stored unit vectors (each input vector
/// divided by its length), not the vectors upserted. <c>long</c> and <c>int</c> keys are the index's ids; <c>string</c> and
/// <see cref="Guid"/> keys are hashed to ids and kept beside the row, so that reads return them and a collision is refused.
/// Filters are translated to the index's field filters and applied by the cluster. Thread-safe.
/// </summary>
public sealed class HyperdCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>
    where TKey : notnull
    where TRecord : class
{
    private readonly HyperdClient _client;
    private readonly CollectionModel _model;
    private readonly RecordMapper _mapper;
    private readonly VectorStoreCollectionMetadata _metadata;

    /// <summary>
    /// A collection of <typeparamref name="TRecord"/> records, mapped by attributes or <see cref="VectorStoreCollectionOptions.Definition"/>.
    /// </summary>
    public HyperdCollection(HyperdClient client, string name, HyperdCollectionOptions? options = null)
        : this(client, name, options, o => typeof(TRecord) == typeof(Dictionary<string, object?>)
            ? throw new NotSupportedException("Dictionary<string, object?> records are dynamic: use HyperdVectorStore.GetDynamicCollection.")
            : new HyperdModelBuilder().Build(typeof(TRecord), typeof(TKey), o.Definition, o.EmbeddingGenerator))
    {
    }

    internal HyperdCollection(
        HyperdClient client, string name, HyperdCollectionOptions? options, Func<HyperdCollectionOptions, CollectionModel> model)
    {
        ArgumentNullException.ThrowIfNull(client);
        IndexNames.Validate(name);
        _client = client;
        Name = name;
        _model = model(options ?? new HyperdCollectionOptions());
        _mapper = new RecordMapper(_model);
        _metadata = new VectorStoreCollectionMetadata { VectorStoreSystemName = HyperdVectorStore.SystemName, CollectionName = name };
    }

    public override string Name { get; }

    public override async Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) =>
        (await _client.StatusAsync(Name, cancellationToken: cancellationToken)).Exists;

    /// <summary>
    /// Creates the index with the collection's dimensions and data fields; an existing index of the same shape is kept, one of other
    /// dimensions or fields is refused with <see cref="ArgumentException"/>.
    /// </summary>
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default) =>
        _client.CreateIndexAsync(Name, _mapper.Dimensions, _mapper.Fields, cancellationToken: cancellationToken);

    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default) =>
        _client.DropIndexAsync(Name, cancellationToken: cancellationToken);

    public override async Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        await foreach (TRecord record in GetAsync([key], options, cancellationToken))
        {
            return record;
        }

        return null;
    }

    /// <summary>The records of the keys that exist, in the order asked; vectors, when included, are unit vectors.</summary>
    public override async IAsyncEnumerable<TRecord> GetAsync(
        IEnumerable<TKey> keys,
        RecordRetrievalOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        bool vectors = IncludeVectors(options?.IncludeVectors ?? false);
        Dictionary<long, object> asked = Ids(keys);
        if (asked.Count == 0)
        {
            yield break;
        }

        StoredRow[] rows = await _client.GetAsync(Name, [.. asked.Keys], vectors, includeFields: true, cancellationToken: cancellationToken);
        foreach (StoredRow row in rows.Where(r => HoldsKey(r, asked[r.Id])))
        {
            yield return _mapper.ToRecord<TRecord>(row.Id, row.Fields, row.Vector);
        }
    }

    /// <summary>
    /// The records <paramref name="filter"/> keeps, ordered by id (the only order the index has: <c>OrderBy</c> is refused), after
    /// skipping <see cref="FilteredRecordRetrievalOptions{TRecord}.Skip"/>, at most <paramref name="top"/>.
    /// </summary>
    public override async IAsyncEnumerable<TRecord> GetAsync(
        Expression<Func<TRecord, bool>> filter,
        int top,
        FilteredRecordRetrievalOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options.Skip));
        if (options.OrderBy is not null)
        {
            throw new NotSupportedException("HyperdOrleans returns filtered records by id; OrderBy is not supported.");
        }

        bool vectors = IncludeVectors(options.IncludeVectors);
        FieldFilter? translated = new HyperdFilterTranslator().Translate(filter, _model);
        StoredRow[] rows = await _client.QueryAsync(Name, translated, top, options.Skip, vectors, cancellationToken: cancellationToken);
        foreach (StoredRow row in rows)
        {
            yield return _mapper.ToRecord<TRecord>(row.Id, row.Fields, row.Vector);
        }
    }

    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default) => DeleteAsync([key], cancellationToken);

    /// <summary>Deletes the records of <paramref name="keys"/>; keys that do not exist are ignored.</summary>
    public override async Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Dictionary<long, object> asked = Ids(keys);
        long[] ids = [.. asked.Keys];
        if (RecordKeys.IsHashed(_mapper.KeyType) && ids.Length > 0)
        {
            // A hashed key deletes only its own row: an id held by another key (a collision) is left alone.
            StoredRow[] rows = await _client.GetAsync(Name, ids, cancellationToken: cancellationToken);
            ids = [.. rows.Where(r => HoldsKey(r, asked[r.Id])).Select(r => r.Id)];
        }

        if (ids.Length > 0)
        {
            await _client.DeleteAsync(Name, ids, cancellationToken: cancellationToken);
        }
    }

    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default) => UpsertAsync([record], cancellationToken);

    /// <summary>
    /// Adds or replaces the records in one all-or-nothing write (chunked by the client past 10,000 rows). A string or Guid key whose id
    /// is held by another key is refused with <see cref="InvalidOperationException"/> naming both, before anything is written.
    /// </summary>
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        TRecord[] batch = [.. records];
        if (batch.Length == 0)
        {
            return;
        }

        IReadOnlyList<Embedding>? generated = null;
        if (!_mapper.StoresPropertyVector)
        {
            generated = await _mapper.Vector.GenerateEmbeddingsAsync(batch.Select(r => _mapper.Vector.GetValueAsObject(r)), cancellationToken);
        }

        var ids = new long[batch.Length];
        var vectors = new float[batch.Length * _mapper.Dimensions];
        var values = new object?[batch.Length][];
        var owners = new Dictionary<long, object>();
        for (int i = 0; i < batch.Length; i++)
        {
            object key = GenerateKeyIfAsked(batch[i]);
            ids[i] = RecordKeys.ToId(key, _mapper.KeyType);
            if (owners.TryGetValue(ids[i], out object? other) && !other.Equals(key))
            {
                throw Collision(key, other, ids[i]);
            }

            owners[ids[i]] = key;
            object? vector = generated is null ? _mapper.Vector.GetValueAsObject(batch[i]) : generated[i];
            _mapper.VectorOf(vector, key).CopyTo(vectors, i * _mapper.Dimensions);
            values[i] = _mapper.Values(batch[i], key);
        }

        if (RecordKeys.IsHashed(_mapper.KeyType))
        {
            StoredRow[] existing = await _client.GetAsync(Name, [.. owners.Keys], cancellationToken: cancellationToken);
            foreach (StoredRow row in existing.Where(r => !HoldsKey(r, owners[r.Id])))
            {
                throw Collision(owners[row.Id], _mapper.StoredKey(row.Fields) ?? "(none)", row.Id);
            }
        }

        await _client.UpsertAsync(Name, ids, vectors, values, cancellationToken);
    }

    /// <summary>
    /// The <paramref name="top"/> records most similar to <paramref name="searchValue"/> (a vector, or an input the embedding generator
    /// turns into one) among those the filter keeps, by cosine similarity; vectors, when included, are unit vectors.
    /// </summary>
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(
        TInput searchValue,
        int top,
        VectorSearchOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options.Skip));
        bool vectors = IncludeVectors(options.IncludeVectors);
        VectorPropertyModel property = _model.GetVectorPropertyOrSingle(options);
        float[] query = await QueryVectorAsync(searchValue, property, cancellationToken);
        FieldFilter? filter = options.Filter is null ? null : new HyperdFilterTranslator().Translate(options.Filter, _model);

        QueryResult hits = await _client.SearchAsync(
            Name, query, top + options.Skip, filter, includeFields: true, cancellationToken: cancellationToken);
        int first = Math.Min(options.Skip, hits.Count);
        long[] ids = hits.Ids[first..];
        Dictionary<long, float[]?> unit = vectors && ids.Length > 0
            ? (await _client.GetAsync(Name, ids, includeVectors: true, includeFields: false, cancellationToken: cancellationToken))
                .ToDictionary(r => r.Id, r => r.Vector)
            : [];
        for (int h = first; h < hits.Count; h++)
        {
            if (options.ScoreThreshold is { } threshold && hits.Scores[h] < threshold)
            {
                yield break;
            }

            float[]? vector = vectors ? unit.GetValueOrDefault(hits.Ids[h]) : null;
            yield return new VectorSearchResult<TRecord>(_mapper.ToRecord<TRecord>(hits.Ids[h], hits.Fields?[h], vector), hits.Scores[h]);
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreCollectionMetadata) ? _metadata
            : serviceType == typeof(HyperdClient) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    private async Task<float[]> QueryVectorAsync<TInput>(TInput searchValue, VectorPropertyModel property, CancellationToken cancellationToken)
        where TInput : notnull
    {
        float[] query = searchValue switch
        {
            ReadOnlyMemory<float> m => m.ToArray(),
            float[] a => a,
            Embedding<float> e => e.Vector.ToArray(),
            _ when property.EmbeddingGenerationDispatcher is not null
                => ((Embedding<float>)await property.GenerateEmbeddingAsync(searchValue, cancellationToken)).Vector.ToArray(),
            _ when property.EmbeddingGenerator is null => throw new NotSupportedException(
                VectorDataStrings.InvalidSearchInputAndNoEmbeddingGeneratorWasConfigured(
                    searchValue.GetType(), HyperdModelBuilder.SupportedVectorTypes)),
            _ => throw new InvalidOperationException(
                VectorDataStrings.IncompatibleEmbeddingGeneratorWasConfiguredForInputType(typeof(TInput), property.EmbeddingGenerator.GetType())),
        };
        return query.Length == _mapper.Dimensions
            ? query
            : throw new ArgumentException(
                $"the search vector has {query.Length} dimensions; collection '{Name}' has {_mapper.Dimensions}.", nameof(searchValue));
    }

    /// <summary>Whether to read vectors: refused when the vector property holds the generator's input, which cannot be given back.</summary>
    private bool IncludeVectors(bool asked) =>
        asked && _model.EmbeddingGenerationRequired
            ? throw new NotSupportedException(VectorDataStrings.IncludeVectorsNotSupportedWithEmbeddingGeneration)
            : asked;

    /// <summary>The distinct ids of <paramref name="keys"/>, each with its key.</summary>
    private Dictionary<long, object> Ids(IEnumerable<TKey> keys)
    {
        var ids = new Dictionary<long, object>();
        foreach (TKey key in keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(keys));
            ids.TryAdd(RecordKeys.ToId(key, _mapper.KeyType), key);
        }

        return ids;
    }

    /// <summary>Whether a row read by id belongs to <paramref name="key"/>: always for id keys, by the stored key for hashed ones.</summary>
    private bool HoldsKey(StoredRow row, object key) =>
        !RecordKeys.IsHashed(_mapper.KeyType) || _mapper.StoredKey(row.Fields) == RecordKeys.ToStored(key, _mapper.KeyType);

    /// <summary>The record's key; an auto-generated Guid key left empty gets a new Guid, written back to the record.</summary>
    private object GenerateKeyIfAsked(TRecord record)
    {
        object key = _mapper.Key(record);
        if (_model.KeyProperty.IsAutoGenerated && key is Guid g && g == Guid.Empty)
        {
            key = Guid.NewGuid();
            _model.KeyProperty.SetValueAsObject(record, key);
        }

        return key;
    }

    private InvalidOperationException Collision(object key, object other, long id) =>
        new($"keys '{key}' and '{other}' hash to the same id {id} in collection '{Name}'; the upsert was refused, nothing was written. "
            + "Use another key for one of them.");
}

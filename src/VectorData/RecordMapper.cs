using HyperdOrleans.Abstractions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace HyperdOrleans.VectorData;

/// <summary>
/// Maps records of one collection model to the index's rows and back: the id from the key, the vector, and one data field per data
/// property in model order, then the reserved key field when keys are hashed. Immutable after construction; thread-safe.
/// </summary>
internal sealed class RecordMapper
{
    private readonly CollectionModel _model;

    public RecordMapper(CollectionModel model)
    {
        _model = model;
        KeyType = model.KeyProperty.Type;
        Vector = model.VectorProperty;
        Dimensions = Vector.Dimensions;
        DataField[] data = [.. model.DataProperties.Select(p => new DataField(p.StorageName, FieldMapping.FieldType(p.Type)!.Value, p.IsIndexed))];
        Fields = RecordKeys.IsHashed(KeyType) ? [.. data, new DataField(ReservedFields.Key, DataFieldType.String)] : data;
    }

    public Type KeyType { get; }

    public VectorPropertyModel Vector { get; }

    public int Dimensions { get; }

    /// <summary>The index's data fields, in the order of a row's values.</summary>
    public DataField[] Fields { get; }

    /// <summary>Whether a stored vector is written from the record (false: an embedding generator makes it from the property).</summary>
    public bool StoresPropertyVector => HyperdModelBuilder.IsNativeVectorType(Vector.Type);

    public object Key<TRecord>(TRecord record)
        where TRecord : class =>
        _model.KeyProperty.GetValueAsObject(record) ?? throw new ArgumentException("a record has a null key.", nameof(record));

    /// <summary>The row values of <paramref name="record"/> (aligned with <see cref="Fields"/>).</summary>
    public object?[] Values<TRecord>(TRecord record, object key)
        where TRecord : class
    {
        var values = new object?[Fields.Length];
        for (int i = 0; i < _model.DataProperties.Count; i++)
        {
            values[i] = FieldMapping.ToStored(_model.DataProperties[i].GetValueAsObject(record));
        }

        if (RecordKeys.IsHashed(KeyType))
        {
            values[^1] = RecordKeys.ToStored(key, KeyType);
        }

        return values;
    }

    /// <summary>The vector a record carries, checked against the collection's dimensions.</summary>
    public float[] VectorOf(object? value, object key)
    {
        float[] vector = value switch
        {
            ReadOnlyMemory<float> m => m.ToArray(),
            float[] a => a,
            Embedding<float> e => e.Vector.ToArray(),
            null => throw new ArgumentException($"record '{key}' has no vector in '{Vector.ModelName}'.", nameof(value)),
            _ => throw new ArgumentException(
                $"record '{key}' has a {value.GetType().Name} in '{Vector.ModelName}'; expected {HyperdModelBuilder.SupportedVectorTypes}.",
                nameof(value)),
        };
        return vector.Length == Dimensions
            ? vector
            : throw new ArgumentException(
                $"record '{key}' has a vector of {vector.Length} dimensions; collection vectors have {Dimensions}.", nameof(value));
    }

    /// <summary>The stored key of a row (null for id keys or a row without it).</summary>
    public string? StoredKey(object?[]? values) => RecordKeys.IsHashed(KeyType) ? values?[^1] as string : null;

    /// <summary>A record from a row: key, data values, and the (unit) vector when read.</summary>
    public TRecord ToRecord<TRecord>(long id, object?[]? values, float[]? vector)
        where TRecord : class
    {
        TRecord record = _model.CreateRecord<TRecord>()!;
        _model.KeyProperty.SetValueAsObject(record, RecordKeys.FromRow(id, StoredKey(values), KeyType));
        for (int i = 0; values is not null && i < _model.DataProperties.Count; i++)
        {
            DataPropertyModel property = _model.DataProperties[i];
            object? value = FieldMapping.FromStored(values[i], property.Type);
            if (value is not null || !property.Type.IsValueType || Nullable.GetUnderlyingType(property.Type) is not null)
            {
                property.SetValueAsObject(record, value);
            }
        }

        if (vector is not null)
        {
            Vector.SetValueAsObject(record, Vector.Type == typeof(float[]) ? vector
                : Vector.Type == typeof(Embedding<float>) ? new Embedding<float>(vector)
                : new ReadOnlyMemory<float>(vector));
        }

        return record;
    }
}

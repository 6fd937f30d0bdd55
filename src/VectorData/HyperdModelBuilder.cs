using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace HyperdOrleans.VectorData;

/// <summary>
/// Builds a collection's model with the abstraction's own builder and refuses what the index cannot hold: one vector property,
/// cosine similarity only, the key and data types it stores. Single-use, not thread-safe (as its base).
/// </summary>
internal sealed class HyperdModelBuilder() : CollectionModelBuilder(BuildingOptions)
{
    public const string SupportedVectorTypes = "ReadOnlyMemory<float>, Embedding<float> or float[]";

    private static readonly CollectionModelBuildingOptions BuildingOptions = new()
    {
        RequiresAtLeastOneVector = true,
        SupportsMultipleVectors = false,
    };

    public static bool IsNativeVectorType(Type type) =>
        type == typeof(ReadOnlyMemory<float>) || type == typeof(ReadOnlyMemory<float>?)
        || type == typeof(Embedding<float>) || type == typeof(float[]);

    protected override void ValidateKeyProperty(KeyPropertyModel keyProperty)
    {
        base.ValidateKeyProperty(keyProperty);
        if (!RecordKeys.IsSupported(keyProperty.Type))
        {
            throw new NotSupportedException(
                $"key property '{keyProperty.ModelName}' is a {keyProperty.Type.Name}; HyperdOrleans keys are long, int, string or Guid.");
        }
    }

    protected override void ValidateProperty(PropertyModel propertyModel, VectorStoreCollectionDefinition? definition)
    {
        base.ValidateProperty(propertyModel, definition);
        switch (propertyModel)
        {
            case VectorPropertyModel { DistanceFunction: not (null or DistanceFunction.CosineSimilarity) } vector:
                throw new NotSupportedException(
                    $"vector property '{vector.ModelName}' asks for distance function {vector.DistanceFunction}; HyperdOrleans indexes "
                    + $"score by {DistanceFunction.CosineSimilarity} only.");
            case DataPropertyModel data when data.StorageName == ReservedFields.Key:
                throw new NotSupportedException($"data property '{data.ModelName}' is stored as '{ReservedFields.Key}', a name the connector keeps.");
            case DataPropertyModel { IsFullTextIndexed: true } data:
                throw new NotSupportedException($"data property '{data.ModelName}' asks for full-text indexing, which HyperdOrleans does not have.");
        }
    }

    protected override bool IsDataPropertyTypeValid(Type type, [NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = FieldMapping.SupportedTypes;
        return FieldMapping.FieldType(type) is not null;
    }

    protected override bool IsVectorPropertyTypeValid(Type type, [NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = SupportedVectorTypes;
        return IsNativeVectorType(type);
    }
}

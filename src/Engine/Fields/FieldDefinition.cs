using System.Text.Json.Serialization;

namespace HyperdOrleans.Engine.Fields;

/// <summary>One named data field of a row. Only <paramref name="Indexed"/> fields can be filtered on: they are stored in columns.</summary>
public sealed record FieldDefinition(
    string Name,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FieldType>))] FieldType Type,
    bool Indexed = false);

using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Filters;

namespace HyperdOrleans.Grains.Fields;

/// <summary>
/// Converts the client contract's data fields and filters (<see cref="DataField"/>, <see cref="FieldFilter"/>) to the
/// engine's (<see cref="FieldSchema"/>, <see cref="Filter"/>) and back. Thread-safe (stateless).
/// </summary>
public static class WireFields
{
    /// <summary>The engine schema of <paramref name="fields"/> (null when there are none), validated: an
    /// <see cref="ArgumentException"/> names a bad field.</summary>
    public static FieldSchema? ToSchema(DataField[]? fields)
    {
        if (fields is null || fields.Length == 0)
        {
            return null;
        }

        var definitions = new FieldDefinition[fields.Length];
        for (int i = 0; i < fields.Length; i++)
        {
            DataField field = fields[i] ?? throw new ArgumentException($"field {i} of the schema is null.", nameof(fields));
            FieldType type = field.Type switch
            {
                DataFieldType.String => FieldType.String,
                DataFieldType.Long => FieldType.Long,
                DataFieldType.Double => FieldType.Double,
                DataFieldType.Bool => FieldType.Bool,
                DataFieldType.DateTimeOffset => FieldType.DateTime,
                DataFieldType.StringList => FieldType.Tags,
                _ => throw new ArgumentException($"field '{field.Name}' has unknown type {(int)field.Type}.", nameof(fields)),
            };
            definitions[i] = new FieldDefinition(field.Name, type, field.IsIndexed);
        }

        return new FieldSchema(definitions).Validate();
    }

    /// <summary>The contract's fields of <paramref name="schema"/> (null when it is null).</summary>
    public static DataField[]? ToWire(FieldSchema? schema) =>
        schema is null
            ? null
            : [.. schema.Fields.Select(f => new DataField(f.Name, f.Type switch
            {
                FieldType.String => DataFieldType.String,
                FieldType.Long => DataFieldType.Long,
                FieldType.Double => DataFieldType.Double,
                FieldType.Bool => DataFieldType.Bool,
                FieldType.DateTime => DataFieldType.DateTimeOffset,
                _ => DataFieldType.StringList,
            }, f.Indexed))];

    /// <summary>The engine's filter for <paramref name="filter"/>; operands and values are checked by <see cref="FilterValidator"/>.</summary>
    public static Filter ToFilter(FieldFilter filter, int depth = 0)
    {
        if (depth > FilterValidator.MaxDepth)
        {
            throw new ArgumentException($"the filter nests deeper than {FilterValidator.MaxDepth} levels.", nameof(filter));
        }

        return filter switch
        {
            FieldEqual equal => new EqualFilter(equal.Field, equal.Value),
            FieldNotEqual notEqual => new NotEqualFilter(notEqual.Field, notEqual.Value),
            FieldRange range => new RangeFilter(range.Field, (RangeOperator)range.Operator, range.Value),
            FieldTagContains contains => new TagContainsFilter(contains.Field, contains.Tag),
            FilterAnd and => new AndFilter(Operand(and.Left, "&&", depth), Operand(and.Right, "&&", depth)),
            FilterOr or => new OrFilter(Operand(or.Left, "||", depth), Operand(or.Right, "||", depth)),
            FilterNot not => new NotFilter(Operand(not.Operand, "!", depth)),
            _ => throw new ArgumentException($"filter {filter?.GetType().Name ?? "null"} is not supported.", nameof(filter)),
        };
    }

    private static Filter Operand(FieldFilter? operand, string operation, int depth) =>
        operand is null
            ? throw new ArgumentException($"filter {operation} has a null operand.", "filter")
            : ToFilter(operand, depth + 1);
}

using HyperdOrleans.Engine.Fields;

namespace HyperdOrleans.Engine.Filters;

/// <summary>
/// Checks a <see cref="Filter"/> against a schema before any bucket compiles it: every field exists and is indexed,
/// and every constant fits its field's type and operator. Failures are <see cref="ArgumentException"/>s naming the
/// field and the problem. Thread-safe (stateless).
/// </summary>
public static class FilterValidator
{
    public static void Validate(Filter filter, FieldSchema? schema)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (schema is null)
        {
            throw new ArgumentException("the index has no data fields, so it cannot be filtered.", nameof(filter));
        }

        Check(filter, schema, depth: 0);
    }

    /// <summary>Deeper filters are refused rather than risking the stack in the recursive compile.</summary>
    public const int MaxDepth = 64;

    private static void Check(Filter filter, FieldSchema schema, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"the filter nests deeper than {MaxDepth} levels.", nameof(filter));
        }

        switch (filter)
        {
            case AndFilter and:
                Check(and.Left ?? throw Null("&&"), schema, depth + 1);
                Check(and.Right ?? throw Null("&&"), schema, depth + 1);
                break;
            case OrFilter or:
                Check(or.Left ?? throw Null("||"), schema, depth + 1);
                Check(or.Right ?? throw Null("||"), schema, depth + 1);
                break;
            case NotFilter not:
                Check(not.Operand ?? throw Null("!"), schema, depth + 1);
                break;
            case EqualFilter equal:
                Comparable(schema, equal.Field, equal.Value, "Equal");
                break;
            case NotEqualFilter notEqual:
                Comparable(schema, notEqual.Field, notEqual.Value, "NotEqual");
                break;
            case RangeFilter range:
                FieldDefinition ranged = Indexed(schema, range.Field);
                if (ranged.Type is not (FieldType.Long or FieldType.Double or FieldType.DateTime))
                {
                    throw new ArgumentException(
                        $"filter {range.Operator} on field '{range.Field}': ranges need a Long, Double or DateTime field; it is {ranged.Type}.",
                        nameof(filter));
                }

                if (!Enum.IsDefined(range.Operator))
                {
                    throw new ArgumentException($"filter on field '{range.Field}' has unknown range operator {(int)range.Operator}.", nameof(filter));
                }

                object value = range.Value ?? throw new ArgumentException(
                    $"filter {range.Operator} on field '{range.Field}' compares with null; a range needs a value.", nameof(filter));
                Constant(ranged, value, range.Operator.ToString());
                break;
            case TagContainsFilter contains:
                FieldDefinition tags = Indexed(schema, contains.Field);
                if (tags.Type != FieldType.Tags)
                {
                    throw new ArgumentException(
                        $"filter TagContains on field '{contains.Field}': it needs a Tags field; it is {tags.Type} (use Equal).", nameof(filter));
                }

                if (contains.Tag is null)
                {
                    throw new ArgumentException($"filter TagContains on field '{contains.Field}' has a null tag.", nameof(filter));
                }

                break;
            default:
                throw new ArgumentException($"filter {filter?.GetType().Name ?? "null"} is not supported.", nameof(filter));
        }
    }

    private static void Comparable(FieldSchema schema, string field, object? value, string operation)
    {
        FieldDefinition definition = Indexed(schema, field);
        if (definition.Type == FieldType.Tags)
        {
            throw new ArgumentException($"filter {operation} on field '{field}': it is a Tags field; use TagContains.", "filter");
        }

        Constant(definition, value, operation);
    }

    private static void Constant(FieldDefinition field, object? value, string operation)
    {
        if (!FieldValues.TryNormalize(field.Type, value, out _, out string? problem))
        {
            throw new ArgumentException(
                $"filter {operation} on field '{field.Name}': the field is {field.Type} and the value {Describe(value)} does not match ({problem})",
                "filter");
        }
    }

    private static FieldDefinition Indexed(FieldSchema schema, string field)
    {
        int position = field is null ? -1 : schema.IndexOf(field);
        if (position < 0)
        {
            throw new ArgumentException(
                $"filter names field '{field}', which the schema does not have (fields: {string.Join(", ", schema.Fields.Select(f => f.Name))}).",
                "filter");
        }

        FieldDefinition definition = schema.Fields[position];
        return definition.Indexed
            ? definition
            : throw new ArgumentException(
                $"filter names field '{field}', which is not indexed: mark it indexed in the schema to filter on it.", "filter");
    }

    private static ArgumentException Null(string operation) => new($"filter {operation} has a null operand.", "filter");

    private static string Describe(object? value) => value is null ? "null" : $"{value} ({value.GetType().Name})";
}

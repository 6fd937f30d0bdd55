using HyperdOrleans.Engine.Fields;

namespace HyperdOrleans.Engine.Filters;

/// <summary>
/// A validated <see cref="Filter"/> evaluated on one row's values at a time: for rows that have no columns yet, such
/// as pending appends that a bucket scans exactly until the next rebuild. Gives the same answer as
/// <see cref="CompiledFilter"/> on the same values (a test holds both to a brute-force evaluation). Immutable; thread-safe.
/// </summary>
public sealed class FilterRowEvaluator
{
    private readonly Filter _filter;
    private readonly FieldSchema _schema;

    public FilterRowEvaluator(Filter filter, FieldSchema schema)
    {
        FilterValidator.Validate(filter, schema);
        _filter = filter;
        _schema = schema;
    }

    /// <summary>Whether the row with canonical <paramref name="values"/> (aligned with the schema) passes.</summary>
    public bool Matches(IReadOnlyList<object?> values) => Matches(_filter, values);

    private bool Matches(Filter filter, IReadOnlyList<object?> values) => filter switch
    {
        AndFilter and => Matches(and.Left, values) && Matches(and.Right, values),
        OrFilter or => Matches(or.Left, values) || Matches(or.Right, values),
        NotFilter not => !Matches(not.Operand, values),
        EqualFilter equal => IsEqual(equal.Field, equal.Value, values),
        NotEqualFilter notEqual => !IsEqual(notEqual.Field, notEqual.Value, values),
        RangeFilter range => InRange(range, values),
        TagContainsFilter contains => Value(contains.Field, values, out _) is string[] tags && tags.Contains(contains.Tag, StringComparer.Ordinal),
        _ => throw new ArgumentException($"filter {filter.GetType().Name} is not supported.", nameof(filter)),
    };

    private bool IsEqual(string field, object? constant, IReadOnlyList<object?> values)
    {
        object? value = Value(field, values, out FieldDefinition definition);
        object? wanted = FieldValues.Normalize(definition, constant, "filter");
        return (value, wanted) switch
        {
            (null, null) => true,
            (null, _) or (_, null) => false,
            (DateTimeOffset a, DateTimeOffset b) => a.UtcTicks == b.UtcTicks,
            (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
            _ => value.Equals(wanted),
        };
    }

    private bool InRange(RangeFilter range, IReadOnlyList<object?> values)
    {
        object? value = Value(range.Field, values, out FieldDefinition definition);
        object wanted = FieldValues.Normalize(definition, range.Value, "filter")!;
        int order;
        switch (value)
        {
            case null:
                return false;
            case DateTimeOffset t:
                order = t.UtcTicks.CompareTo(((DateTimeOffset)wanted).UtcTicks);
                break;
            case long l:
                order = l.CompareTo((long)wanted);
                break;
            default:
                double x = (double)value;
                double y = (double)wanted;
                order = x < y ? -1 : x > y ? 1 : 0;
                break;
        }

        return range.Operator switch
        {
            RangeOperator.GreaterThan => order > 0,
            RangeOperator.GreaterThanOrEqual => order >= 0,
            RangeOperator.LessThan => order < 0,
            _ => order <= 0,
        };
    }

    private object? Value(string field, IReadOnlyList<object?> values, out FieldDefinition definition)
    {
        int f = _schema.IndexOf(field);
        definition = _schema.Fields[f];
        return values[f];
    }
}

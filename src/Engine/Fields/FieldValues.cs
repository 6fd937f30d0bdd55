namespace HyperdOrleans.Engine.Fields;

/// <summary>
/// Converts a caller's value for a field into the field's canonical type: string, long, double, bool,
/// DateTimeOffset or string[] (tags); null stays null (a missing value). Smaller integers widen to long, and integers
/// and floats widen to double; anything else is refused. Thread-safe (stateless).
/// </summary>
public static class FieldValues
{
    /// <summary>The stored long that means "no value".</summary>
    public const long MissingLong = long.MinValue;

    public static object? Normalize(FieldDefinition field, object? value, string where) =>
        TryNormalize(field.Type, value, out object? normalized, out string? problem)
            ? normalized
            : throw new ArgumentException($"{where}: field '{field.Name}' ({field.Type}) {problem}", nameof(value));

    /// <summary>As <see cref="Normalize"/>, returning the reason instead of throwing.</summary>
    public static bool TryNormalize(FieldType type, object? value, out object? normalized, out string? problem)
    {
        normalized = null;
        problem = null;
        if (value is null)
        {
            return true;
        }

        normalized = type switch
        {
            FieldType.String => value as string,
            FieldType.Long => AsLong(value),
            FieldType.Double => AsDouble(value),
            FieldType.Bool => value as bool?,
            FieldType.DateTime => value as DateTimeOffset?,
            FieldType.Tags => AsTags(value),
            _ => null,
        };
        if (normalized is null)
        {
            problem = $"cannot hold a {value.GetType().Name} ({value}).";
            return false;
        }

        if (normalized is long l && l == MissingLong)
        {
            problem = $"cannot hold {MissingLong}: it is reserved for a missing value.";
            return false;
        }

        if (normalized is double x && double.IsNaN(x))
        {
            problem = "cannot hold NaN: it is reserved for a missing value.";
            return false;
        }

        if (normalized is string[] tags && tags.Any(t => t is null))
        {
            problem = "holds a null tag.";
            return false;
        }

        return true;
    }

    private static object? AsLong(object value) => value switch
    {
        long l => l,
        int i => (long)i,
        short s => (long)s,
        sbyte b => (long)b,
        byte b => (long)b,
        ushort u => (long)u,
        uint u => (long)u,
        _ => null,
    };

    private static object? AsDouble(object value) => value switch
    {
        double x => x,
        float f => (double)f,
        _ => AsLong(value) is long l ? (double)l : null,
    };

    private static string[]? AsTags(object value) => value switch
    {
        string[] tags => tags,
        string => null,
        IEnumerable<string> tags => [.. tags],
        _ => null,
    };
}

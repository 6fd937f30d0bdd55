using HyperdOrleans.Abstractions;

namespace HyperdOrleans.VectorData;

/// <summary>
/// How .NET property types map to the index's data field types, and values both ways: the index stores string, long, double, bool,
/// DateTimeOffset and string[]; narrower types widen on the way in and narrow again on the way out. Thread-safe (stateless).
/// </summary>
internal static class FieldMapping
{
    public const string SupportedTypes =
        "string, int, long, short, double, float, decimal, bool, DateTimeOffset, DateTime, string[] or List<string> (nullable or not)";

    /// <summary>The field type of a property of <paramref name="type"/>, or null when the index cannot store it.</summary>
    public static DataFieldType? FieldType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => DataFieldType.String,
            _ when type == typeof(long) || type == typeof(int) || type == typeof(short) => DataFieldType.Long,
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => DataFieldType.Double,
            _ when type == typeof(bool) => DataFieldType.Bool,
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => DataFieldType.DateTimeOffset,
            _ when type == typeof(string[]) || type == typeof(List<string>) => DataFieldType.StringList,
            _ => null,
        };
    }

    /// <summary>A value as the index stores it (null stays null: a missing value).</summary>
    public static object? ToStored(object? value) => value switch
    {
        null => null,
        int i => (long)i,
        short s => (long)s,
        float f => (double)f,
        decimal m => (double)m,
        DateTime d => ToOffset(d),
        List<string> list => list.ToArray(),
        _ => value,
    };

    /// <summary>A stored value as a property of <paramref name="type"/> holds it.</summary>
    public static object? FromStored(object? value, Type type)
    {
        if (value is null)
        {
            return null;
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        return value switch
        {
            long l when type == typeof(int) => checked((int)l),
            long l when type == typeof(short) => checked((short)l),
            double x when type == typeof(float) => (float)x,
            double x when type == typeof(decimal) => (decimal)x,
            DateTimeOffset d when type == typeof(DateTime) => d.UtcDateTime,
            string[] tags when type == typeof(List<string>) => tags.ToList(),
            _ => value,
        };
    }

    /// <summary>A DateTime as an instant: Unspecified is taken as UTC (as the other connectors do), Local converts.</summary>
    private static DateTimeOffset ToOffset(DateTime d) =>
        d.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : new DateTimeOffset(d.ToUniversalTime());
}

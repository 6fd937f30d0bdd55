namespace HyperdOrleans.Engine.Fields;

/// <summary>The type of a data field stored beside each row's vector.</summary>
public enum FieldType
{
    /// <summary>UTF-16 text; indexed strings are dictionary-encoded, so they suit categories more than unique texts.</summary>
    String,

    /// <summary>64-bit integer; <see cref="long.MinValue"/> is reserved for a missing value.</summary>
    Long,

    /// <summary>64-bit floating point; NaN is reserved for a missing value.</summary>
    Double,

    Bool,

    /// <summary>A <see cref="DateTimeOffset"/>; filters compare instants, and an indexed value reads back in UTC.</summary>
    DateTime,

    /// <summary>A list of strings (tags); filtered with <c>TagContains</c>.</summary>
    Tags,
}

namespace HyperdOrleans.Abstractions;

/// <summary>The type of a data field stored beside each row's vector.</summary>
[GenerateSerializer, Alias("hyperd.DataFieldType")]
public enum DataFieldType
{
    /// <summary>Text; indexed strings are dictionary-encoded, so they suit categories more than unique texts.</summary>
    String = 0,

    /// <summary>A 64-bit integer (smaller integers widen to it); <see cref="long.MinValue"/> is reserved for a missing value.</summary>
    Long = 1,

    /// <summary>A 64-bit floating point number (integers and floats widen to it); NaN is reserved for a missing value.</summary>
    Double = 2,

    Bool = 3,

    /// <summary>A <see cref="System.DateTimeOffset"/>; filters compare instants.</summary>
    DateTimeOffset = 4,

    /// <summary>A list of strings (tags), filtered with <see cref="FieldTagContains"/>.</summary>
    StringList = 5,
}

/// <summary>One named data field of an index's rows; only <see cref="IsIndexed"/> fields can be filtered on.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.DataField")]
public sealed record DataField(
    [property: Id(0)] string Name,
    [property: Id(1)] DataFieldType Type,
    [property: Id(2)] bool IsIndexed = false);

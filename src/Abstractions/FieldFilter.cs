namespace HyperdOrleans.Abstractions;

/// <summary>
/// A predicate over a row's indexed data fields, for <see cref="SearchRequest.Filter"/>: the buckets apply it inside their
/// scans, so rows that fail it never enter a top k. Build one from the records below or with <c>&amp;</c>, <c>|</c> and
/// <c>!</c>. A missing value (null) equals only null, fails every range and passes <see cref="FieldNotEqual"/> of any
/// other value. Constants are strings, numbers, bools or <see cref="DateTimeOffset"/>s of the field's type.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.FieldFilter")]
public abstract record FieldFilter
{
    public static FieldFilter operator &(FieldFilter left, FieldFilter right) => new FilterAnd(left, right);

    public static FieldFilter operator |(FieldFilter left, FieldFilter right) => new FilterOr(left, right);

    public static FieldFilter operator !(FieldFilter operand) => new FilterNot(operand);
}

/// <summary>Rows whose field equals <paramref name="Value"/> (null: the value is missing).</summary>
[GenerateSerializer, Immutable, Alias("hyperd.FieldEqual")]
public sealed record FieldEqual([property: Id(0)] string Field, [property: Id(1)] object? Value) : FieldFilter;

/// <summary>Rows whose field does not equal <paramref name="Value"/>, missing values included.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.FieldNotEqual")]
public sealed record FieldNotEqual([property: Id(0)] string Field, [property: Id(1)] object? Value) : FieldFilter;

/// <summary>Rows whose Long, Double or DateTimeOffset field compares with <paramref name="Value"/> as <paramref name="Operator"/> says.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.FieldRange")]
public sealed record FieldRange(
    [property: Id(0)] string Field,
    [property: Id(1)] FieldRangeOperator Operator,
    [property: Id(2)] object Value) : FieldFilter;

/// <summary>Rows whose StringList field holds <paramref name="Tag"/>.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.FieldTagContains")]
public sealed record FieldTagContains([property: Id(0)] string Field, [property: Id(1)] string Tag) : FieldFilter;

[GenerateSerializer, Immutable, Alias("hyperd.FilterAnd")]
public sealed record FilterAnd([property: Id(0)] FieldFilter Left, [property: Id(1)] FieldFilter Right) : FieldFilter;

[GenerateSerializer, Immutable, Alias("hyperd.FilterOr")]
public sealed record FilterOr([property: Id(0)] FieldFilter Left, [property: Id(1)] FieldFilter Right) : FieldFilter;

[GenerateSerializer, Immutable, Alias("hyperd.FilterNot")]
public sealed record FilterNot([property: Id(0)] FieldFilter Operand) : FieldFilter;

[GenerateSerializer, Alias("hyperd.FieldRangeOperator")]
public enum FieldRangeOperator
{
    GreaterThan = 0,
    GreaterThanOrEqual = 1,
    LessThan = 2,
    LessThanOrEqual = 3,
}

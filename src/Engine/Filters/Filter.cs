namespace HyperdOrleans.Engine.Filters;

/// <summary>
/// A predicate over a row's indexed data fields, applied inside the scan: rows that fail it never enter a heap.
/// Build one from the records below (or the <c>&amp;</c>, <c>|</c> and <c>!</c> operators); <see cref="FilterValidator"/>
/// checks it against a schema. A missing value (null) equals only null, never satisfies a range, and satisfies
/// <see cref="NotEqualFilter"/> of any other value (NotEqual is exactly Not Equal). Immutable.
/// </summary>
public abstract record Filter
{
    public static Filter operator &(Filter left, Filter right) => new AndFilter(left, right);

    public static Filter operator |(Filter left, Filter right) => new OrFilter(left, right);

    public static Filter operator !(Filter operand) => new NotFilter(operand);
}

/// <summary>Rows whose field equals <paramref name="Value"/> (string, number, bool, DateTimeOffset, or null for a missing value).</summary>
public sealed record EqualFilter(string Field, object? Value) : Filter;

/// <summary>Rows whose field does not equal <paramref name="Value"/>, missing values included.</summary>
public sealed record NotEqualFilter(string Field, object? Value) : Filter;

/// <summary>Rows whose number or DateTimeOffset field compares with <paramref name="Value"/> as <paramref name="Operator"/> says.</summary>
public sealed record RangeFilter(string Field, RangeOperator Operator, object Value) : Filter;

/// <summary>Rows whose tags field holds <paramref name="Tag"/>.</summary>
public sealed record TagContainsFilter(string Field, string Tag) : Filter;

public sealed record AndFilter(Filter Left, Filter Right) : Filter;

public sealed record OrFilter(Filter Left, Filter Right) : Filter;

public sealed record NotFilter(Filter Operand) : Filter;

public enum RangeOperator
{
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
}

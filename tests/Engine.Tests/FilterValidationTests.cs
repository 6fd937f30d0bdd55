using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Filters;

namespace HyperdOrleans.Engine.Tests;

/// <summary>A filter that cannot apply to the schema is refused before any scan, with a message naming the field and the problem.</summary>
public sealed class FilterValidationTests
{
    private static readonly FieldSchema Schema = FieldedIndexFixture.Schema;

    [Theory]
    [InlineData("nope", "does not have")]
    [InlineData("note", "not indexed")]
    public void UnknownOrUnindexedFieldsAreNamed(string field, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => FilterValidator.Validate(new EqualFilter(field, "x"), Schema));

        Assert.Contains($"'{field}'", error.Message);
        Assert.Contains(problem, error.Message);
    }

    public static TheoryData<Filter, string> Mismatches => new()
    {
        { new EqualFilter("band", "seven"), "Long" },
        { new EqualFilter("category", 3), "String" },
        { new EqualFilter("flag", 1), "Bool" },
        { new EqualFilter("when", DateTime.UtcNow), "DateTime" },
        { new RangeFilter("category", RangeOperator.GreaterThan, "a"), "ranges need" },
        { new RangeFilter("flag", RangeOperator.LessThan, true), "ranges need" },
        { new RangeFilter("score", RangeOperator.LessThan, "high"), "Double" },
        { new RangeFilter("band", RangeOperator.LessThan, null!), "needs a value" },
        { new RangeFilter("band", (RangeOperator)9, 1), "unknown range operator" },
        { new EqualFilter("tags", "red"), "TagContains" },
        { new TagContainsFilter("category", "red"), "Tags field" },
        { new EqualFilter("score", double.NaN), "NaN" },
        { new EqualFilter("band", long.MinValue), "reserved" },
        { new AndFilter(new EqualFilter("band", 1), null!), "null operand" },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void TypeMismatchesAreRefused(Filter filter, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => FilterValidator.Validate(filter, Schema));

        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void AnIndexWithoutFieldsCannotBeFiltered()
    {
        var error = Assert.Throws<ArgumentException>(() => FilterValidator.Validate(new EqualFilter("band", 1), schema: null));

        Assert.Contains("no data fields", error.Message);
    }

    [Fact]
    public void SchemasRefuseDuplicateNames()
    {
        var schema = new FieldSchema([new FieldDefinition("a", FieldType.Long), new FieldDefinition("a", FieldType.String)]);

        var error = Assert.Throws<ArgumentException>(schema.Validate);

        Assert.Contains("'a' is defined twice", error.Message);
    }

    [Fact]
    public void RowsOfTheWrongTypeAreRefusedNamingTheField()
    {
        object?[] row = [1L, "apple", "not a number", true, null, null, null, null];

        var error = Assert.Throws<ArgumentException>(() => Schema.CheckRow(row, "row 4"));

        Assert.Contains("row 4", error.Message);
        Assert.Contains("'score'", error.Message);
    }
}

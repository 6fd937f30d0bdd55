using HyperdOrleans.Engine.Filters;
using HyperdOrleans.Engine.Ivf;

namespace HyperdOrleans.Engine.Tests;

/// <summary>
/// Every operator, on every type it applies to, keeps exactly the rows a brute-force evaluation over the values given
/// to the build keeps: compiled over the columns of every bucket, and evaluated row by row.
/// </summary>
public sealed class FilterOperatorTests(FieldedIndexFixture fixture) : IClassFixture<FieldedIndexFixture>
{
    private static readonly DateTimeOffset Midyear = FieldedIndexFixture.Epoch.AddDays(180);

    public static TheoryData<string> Cases => [.. Filters.Keys];

    /// <summary>Each filter beside its brute-force predicate over (values by schema position).</summary>
    private static readonly Dictionary<string, (Filter Filter, Func<object?[], bool> Keeps)> Filters = new()
    {
        ["long equal"] = (new EqualFilter("band", 7), v => Equals(v[0], 7L)),
        ["long not equal"] = (new NotEqualFilter("band", 7L), v => !Equals(v[0], 7L)),
        ["long >"] = (new RangeFilter("band", RangeOperator.GreaterThan, 990), v => (long)v[0]! > 990),
        ["long >="] = (new RangeFilter("band", RangeOperator.GreaterThanOrEqual, 990), v => (long)v[0]! >= 990),
        ["long <"] = (new RangeFilter("band", RangeOperator.LessThan, 10), v => (long)v[0]! < 10),
        ["long <="] = (new RangeFilter("band", RangeOperator.LessThanOrEqual, 10), v => (long)v[0]! <= 10),
        ["long < min"] = (new RangeFilter("band", RangeOperator.LessThan, long.MinValue + 1), _ => false),
        ["string equal"] = (new EqualFilter("category", "cherry"), v => Equals(v[1], "cherry")),
        ["string equal absent"] = (new EqualFilter("category", "kiwi"), _ => false),
        ["string equal missing"] = (new EqualFilter("category", null), v => v[1] is null),
        ["string not equal"] = (new NotEqualFilter("category", "cherry"), v => !Equals(v[1], "cherry")),
        ["double equal"] = (new EqualFilter("score", 50.5), v => Equals(v[2], 50.5)),
        ["double >"] = (new RangeFilter("score", RangeOperator.GreaterThan, 50.5), v => v[2] is double x && x > 50.5),
        ["double >="] = (new RangeFilter("score", RangeOperator.GreaterThanOrEqual, 50.5f), v => v[2] is double x && x >= 50.5),
        ["double <"] = (new RangeFilter("score", RangeOperator.LessThan, 3), v => v[2] is double x && x < 3),
        ["double <="] = (new RangeFilter("score", RangeOperator.LessThanOrEqual, 3.0), v => v[2] is double x && x <= 3),
        ["double missing"] = (new EqualFilter("score", null), v => v[2] is null),
        ["bool equal"] = (new EqualFilter("flag", true), v => Equals(v[3], true)),
        ["bool not equal"] = (new NotEqualFilter("flag", true), v => !Equals(v[3], true)),
        ["bool missing"] = (new EqualFilter("flag", null), v => v[3] is null),
        ["time >"] = (new RangeFilter("when", RangeOperator.GreaterThan, Midyear), v => v[4] is DateTimeOffset t && t > Midyear),
        ["time <="] = (new RangeFilter("when", RangeOperator.LessThanOrEqual, Midyear), v => v[4] is DateTimeOffset t && t <= Midyear),
        ["time equal other offset"] = (
            new EqualFilter("when", FieldedIndexFixture.Epoch.AddHours(100).ToOffset(TimeSpan.FromHours(3))),
            v => v[4] is DateTimeOffset t && t == FieldedIndexFixture.Epoch.AddHours(100)),
        ["tag contains"] = (new TagContainsFilter("tags", "blue"), v => v[5] is string[] t && t.Contains("blue")),
        ["tag contains non-ascii"] = (new TagContainsFilter("tags", "über"), v => v[5] is string[] t && t.Contains("über")),
        ["tag contains absent"] = (new TagContainsFilter("tags", "purple"), _ => false),
        ["and"] = (new EqualFilter("category", "fig") & new RangeFilter("band", RangeOperator.LessThan, 500),
            v => Equals(v[1], "fig") && (long)v[0]! < 500),
        ["or"] = (new TagContainsFilter("tags", "red") | new EqualFilter("flag", false),
            v => (v[5] is string[] t && t.Contains("red")) || Equals(v[3], false)),
        ["not"] = (!new TagContainsFilter("tags", "red"), v => !(v[5] is string[] t && t.Contains("red"))),
        ["and with absent"] = (new EqualFilter("category", "kiwi") & new EqualFilter("flag", true), _ => false),
        ["or with absent"] = (new EqualFilter("category", "kiwi") | new EqualFilter("flag", true), v => Equals(v[3], true)),
        ["nested"] = (
            !(new RangeFilter("score", RangeOperator.LessThan, 20) | (new EqualFilter("category", "date") & !new EqualFilter("flag", true))),
            v => !((v[2] is double x && x < 20) || (Equals(v[1], "date") && !Equals(v[3], true)))),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CompiledFilterKeepsWhatBruteForceKeeps(string name)
    {
        (Filter filter, Func<object?[], bool> keeps) = Filters[name];
        FilterPlan plan = fixture.Index.Match(filter);

        var kept = new List<long>();
        for (int b = 0; b < 8; b++)
        {
            if (fixture.Index.Bucket(b) is { } bucket)
            {
                InvertedLists lists = bucket.Lists;
                for (long row = 0; row < lists.Count; row++)
                {
                    if (plan.Buckets[b]!.Rows.Get(row))
                    {
                        kept.Add(lists.Id(row));
                    }
                }
            }
        }

        long[] expected = [.. Enumerable.Range(0, FieldedIndexFixture.Count).Where(id => keeps(fixture.Values[id])).Select(id => (long)id)];
        Assert.Equal(expected, kept.Order());
        Assert.Equal(expected.Length, plan.Total);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RowEvaluatorKeepsWhatBruteForceKeeps(string name)
    {
        (Filter filter, Func<object?[], bool> keeps) = Filters[name];
        var evaluator = new FilterRowEvaluator(filter, FieldedIndexFixture.Schema);

        int[] wrong = [.. Enumerable.Range(0, FieldedIndexFixture.Count)
            .Where(id => evaluator.Matches(FieldedIndexFixture.Schema.CheckRow(fixture.Values[id], "row")) != keeps(fixture.Values[id]))];

        Assert.Empty(wrong);
    }

    [Fact]
    public void PerClusterCountsAddUpToTheBitmap()
    {
        FilterPlan plan = fixture.Index.Match(new TagContainsFilter("tags", "green"));

        Assert.All(plan.Buckets.OfType<RowMatches>(), m => Assert.Equal(m.Rows.PopCount(), m.ClusterCounts.Sum()));
    }

    [Fact]
    public void AnAbsentStringIsFalseWithoutAScan()
    {
        var compiled = CompiledFilter.Compile(new EqualFilter("category", "kiwi"), fixture.Index.Bucket(0)!.Fields!);

        Assert.False(compiled.Constant);
    }
}

using System.Linq.Expressions;

namespace HyperdOrleans.VectorData.Tests;

/// <summary>
/// Every filter operator, translated to the index's field filters and applied by the cluster, against LINQ to objects over the same
/// records: the records a filtered get returns and the hits of a filtered search (asked for more than exist) are exactly the records the
/// compiled predicate keeps. The collection stays below the first build, so searches are exact.
/// </summary>
[Collection(VectorDataClusterCollection.Name)]
public sealed class FilterTests(VectorDataCluster hyperd)
{
    private const int Count = 240;

    public static TheoryData<string> Names => [.. Filters().Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task AFilterKeepsExactlyWhatLinqToObjectsKeeps(string name)
    {
        Expression<Func<Product<long>, bool>> filter = Filters()[name];
        HyperdCollection<long, Product<long>> products = await FilledAsync();
        Product<long>[] records = TestRecords.Many(Count);
        long[] expected = [.. records.Where(p => Keeps(filter, p)).Select(p => p.Key).Order()];
        Assert.True(expected.Length is > 0 and < Count, $"'{name}' keeps {expected.Length} of {Count}: the case must discriminate");

        long[] got = [.. (await products.GetAsync(filter, top: Count).ToArrayAsync()).Select(p => p.Key)];
        Assert.Equal(expected, got);

        VectorSearchResult<Product<long>>[] hits = await products
            .SearchAsync(TestRecords.Vector(1), Count, new VectorSearchOptions<Product<long>> { Filter = filter })
            .ToArrayAsync();
        Assert.Equal(expected, hits.Select(h => h.Record.Key).Order());
        Assert.All(hits, h => Assert.True(Keeps(filter, h.Record), $"hit {h.Record.Key} fails '{name}' when read back"));
    }

    /// <summary>LINQ to objects, where a missing (null) list holds no tag, as in the index.</summary>
    private static bool Keeps(Expression<Func<Product<long>, bool>> filter, Product<long> record)
    {
        try
        {
            return filter.Compile()(record);
        }
        catch (NullReferenceException)
        {
            return false;
        }
    }

    [Fact]
    public async Task AFilteredGetPagesByIdWithTopAndSkip()
    {
        HyperdCollection<long, Product<long>> products = await FilledAsync();
        long[] red = [.. TestRecords.Many(Count).Where(p => p.Tags.Contains("red")).Select(p => p.Key).Order()];

        Product<long>[] page = await products
            .GetAsync(p => p.Tags.Contains("red"), top: 10, new FilteredRecordRetrievalOptions<Product<long>> { Skip = 20 })
            .ToArrayAsync();
        Assert.Equal(red[20..30], page.Select(p => p.Key));
        Assert.Equal(red.Length, (await products.GetAsync(p => true, top: Count).ToArrayAsync()).Count(p => p.Tags.Contains("red")));
    }

    private static Dictionary<string, Expression<Func<Product<long>, bool>>> Filters()
    {
        string wanted = "c2";
        string[] categories = ["c1", "c3"];
        DateTimeOffset cutoff = TestRecords.Epoch.AddHours(60);
        long? noStock = null;
        return new()
        {
            ["string =="] = p => p.Category == "c1",
            ["string !="] = p => p.Category != "c1",
            ["== null"] = p => p.Category == null,
            ["!= null"] = p => p.Stock != null,
            ["captured variable"] = p => p.Category == wanted,
            ["captured null"] = p => p.Stock == noStock,
            ["int <"] = p => p.Band < 5,
            ["int <="] = p => p.Band <= 5,
            ["int >"] = p => p.Band > 15,
            ["int >= (constant first)"] = p => 15 <= p.Band,
            ["nullable long >"] = p => p.Stock > 30,
            ["double >="] = p => p.Price >= 50.5,
            ["DateTimeOffset <"] = p => p.Listed < cutoff,
            ["bool member"] = p => p.Active,
            ["! bool member"] = p => !p.Active,
            ["bool == false"] = p => p.Active == false,
            ["&&"] = p => p.Category == "c1" && p.Active,
            ["||"] = p => p.Band == 3 || p.Band == 4,
            ["! (a || b)"] = p => !(p.Category == "c1" || p.Band < 5),
            ["! range (missing passes)"] = p => !(p.Stock > 30),
            ["array Contains (C# 14 span form)"] = p => p.Tags.Contains("red"),
            ["array Enumerable.Contains"] = p => Enumerable.Contains(p.Tags, "blue"),
            ["List Contains (a missing list holds nothing)"] = p => p.Labels!.Contains("l1"),
            ["captured array Contains (in)"] = p => categories.Contains(p.Category!),
            ["nested"] = p => (p.Tags.Contains("red") || p.Price < 20) && !(p.Band >= 10) && p.Category != null,
        };
    }

    private async Task<HyperdCollection<long, Product<long>>> FilledAsync()
    {
        HyperdCollection<long, Product<long>> products = hyperd.Store.GetCollection<long, Product<long>>("filters");
        if (!await products.CollectionExistsAsync())
        {
            await products.EnsureCollectionExistsAsync();
            await products.UpsertAsync(TestRecords.Many(Count));
        }

        return products;
    }
}

namespace HyperdOrleans.VectorData.Tests;

/// <summary>Upsert, get and delete of attribute-mapped records, one and many, through a real cluster.</summary>
[Collection(VectorDataClusterCollection.Name)]
public sealed class CrudTests(VectorDataCluster hyperd)
{
    [Fact]
    public async Task UpsertedRecordsReadBackByKey_WithEveryFieldValue_AndMissingKeysAreLeftOut()
    {
        HyperdCollection<long, Product<long>> products = hyperd.Store.GetCollection<long, Product<long>>("crud-get");
        await products.EnsureCollectionExistsAsync();
        Product<long>[] written = TestRecords.Many(30);
        await products.UpsertAsync(written[0]);
        await products.UpsertAsync(written[1..]);

        Product<long>? one = await products.GetAsync(7);
        AssertSameFields(written[7], one);
        Assert.Null(await products.GetAsync(999));

        Product<long>[] some = await products.GetAsync([12, 999, 0, 3]).ToArrayAsync();
        Assert.Equal([12L, 0, 3], some.Select(p => p.Key));
        foreach (Product<long> product in some)
        {
            AssertSameFields(written[(int)product.Key], product);
            Assert.True(product.Vector.IsEmpty, "vectors are read only when asked");
        }
    }

    [Fact]
    public async Task AnUpsertReplacesTheRecord_AndDeletesRemoveOneOrMany()
    {
        HyperdCollection<long, Product<long>> products = hyperd.Store.GetCollection<long, Product<long>>("crud-replace");
        await products.EnsureCollectionExistsAsync();
        await products.UpsertAsync(TestRecords.Many(20));

        Product<long> changed = TestRecords.Make(5, 5L);
        changed.Title = "changed";
        changed.Category = null;
        changed.Tags = ["new"];
        await products.UpsertAsync(changed);
        AssertSameFields(changed, await products.GetAsync(5));

        await products.DeleteAsync(3);
        await products.DeleteAsync([4, 6, 12345]);
        Assert.Null(await products.GetAsync(3));
        Assert.Equal([2L, 5, 7], (await products.GetAsync([2, 3, 4, 5, 6, 7]).ToArrayAsync()).Select(p => p.Key));
        Assert.DoesNotContain(
            await products.SearchAsync(TestRecords.Vector(4), 20).ToArrayAsync(),
            r => r.Record.Key is 3 or 4 or 6);
    }

    [Fact]
    public async Task ABatchLargerThanOneClientChunkIsWrittenWhole()
    {
        HyperdCollection<long, Product<long>> products = hyperd.Store.GetCollection<long, Product<long>>("crud-batch");
        await products.EnsureCollectionExistsAsync();
        await products.UpsertAsync(TestRecords.Many(3_000));

        Assert.Equal(3_000, (await hyperd.Client.StatusAsync("crud-batch")).PendingOperations);
        Product<long>[] read = await products.GetAsync(Enumerable.Range(0, 3_000).Select(i => (long)i)).ToArrayAsync();
        Assert.Equal(Enumerable.Range(0, 3_000).Select(i => (long)i), read.Select(p => p.Key));
        AssertSameFields(TestRecords.Make(2_999, 2_999L), read[^1]);
    }

    internal static void AssertSameFields<TKey>(Product<TKey> expected, Product<TKey>? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Category, actual.Category);
        Assert.Equal(expected.Band, actual.Band);
        Assert.Equal(expected.Stock, actual.Stock);
        Assert.Equal(expected.Price, actual.Price);
        Assert.Equal(expected.Active, actual.Active);
        Assert.Equal(expected.Listed, actual.Listed);
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected.Title, actual.Title);
    }
}

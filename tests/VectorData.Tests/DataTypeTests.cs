namespace HyperdOrleans.VectorData.Tests;

/// <summary>The types that widen on the way in (short, float, decimal, DateTime) come back as they went, and filter as their values.</summary>
[Collection(VectorDataClusterCollection.Name)]
public sealed class DataTypeTests(VectorDataCluster hyperd)
{
    [Fact]
    public async Task NarrowTypesRoundTripAndFilter()
    {
        HyperdCollection<int, Narrow> narrow = hyperd.Store.GetCollection<int, Narrow>("narrow-types");
        await narrow.EnsureCollectionExistsAsync();
        Narrow[] written = [.. Enumerable.Range(0, 20).Select(i => new Narrow
        {
            Id = i,
            Small = (short)(i - 10),
            Ratio = i / 4f,
            Amount = i * 1.25m,
            When = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(i),
            Maybe = i % 2 == 0 ? i : null,
            Vector = TestRecords.Vector(i, dimensions: 4),
        })];
        await narrow.UpsertAsync(written);

        Narrow read = (await narrow.GetAsync(7))!;
        Assert.Equal((short)-3, read.Small);
        Assert.Equal(1.75f, read.Ratio);
        Assert.Equal(8.75m, read.Amount);
        Assert.Equal(written[7].When, read.When);
        Assert.Equal(DateTimeKind.Utc, read.When.Kind);
        Assert.Null(read.Maybe);

        DateTime from = written[15].When;
        int[] kept = [.. (await narrow.GetAsync(n => n.Small < 0 && n.Ratio >= 1.5f && n.When < from && n.Maybe != null, 20).ToArrayAsync())
            .Select(n => n.Id)];
        Assert.Equal(written.Where(n => n.Small < 0 && n.Ratio >= 1.5f && n.When < from && n.Maybe != null).Select(n => n.Id), kept);
        Assert.Equal([12], (await narrow.GetAsync(n => n.Amount == 15m, 20).ToArrayAsync()).Select(n => n.Id));
    }

    public sealed class Narrow
    {
        [VectorStoreKey]
        public int Id { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public short Small { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public float Ratio { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public decimal Amount { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public DateTime When { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public int? Maybe { get; set; }

        [VectorStoreVector(4)]
        public float[] Vector { get; set; } = [];
    }
}

namespace HyperdOrleans.VectorData.Tests;

/// <summary>Dictionary records described by a <see cref="VectorStoreCollectionDefinition"/>: upsert, get, filter and search.</summary>
[Collection(VectorDataClusterCollection.Name)]
public sealed class DynamicRecordTests(VectorDataCluster hyperd)
{
    private static readonly VectorStoreCollectionDefinition Definition = new()
    {
        Properties =
        [
            new VectorStoreKeyProperty("Id", typeof(string)),
            new VectorStoreDataProperty("Name", typeof(string)) { IsIndexed = true },
            new VectorStoreDataProperty("Rank", typeof(int)) { IsIndexed = true },
            new VectorStoreDataProperty("Tags", typeof(string[])) { IsIndexed = true },
            new VectorStoreDataProperty("Note", typeof(string)) { StorageName = "note_text" },
            new VectorStoreVectorProperty("Embedding", typeof(ReadOnlyMemory<float>), 4),
        ],
    };

    [Fact]
    public async Task DictionaryRecordsRoundTrip_AndFilterAndSearchByTheirDefinition()
    {
        var records = hyperd.Store.GetDynamicCollection("dynamic", Definition);
        await records.EnsureCollectionExistsAsync();
        Dictionary<string, object?>[] written = [.. Enumerable.Range(0, 30).Select(Record)];
        await records.UpsertAsync(written);

        Dictionary<string, object?> read = Assert.IsType<Dictionary<string, object?>>(await records.GetAsync("r-4"));
        Assert.Equal("r-4", read["Id"]);
        Assert.Equal("n0", read["Name"]);
        Assert.Equal(4, read["Rank"]);
        Assert.Equal(new[] { "even" }, read["Tags"]);
        Assert.Equal("note 4", read["Note"]);
        Assert.Contains("note_text", (await hyperd.Client.StatusAsync("dynamic")).Fields!.Select(f => f.Name));

        Dictionary<string, object?>[] kept = await records.GetAsync(r => (string)r["Name"]! == "n1" && (int)r["Rank"]! > 10, top: 30).ToArrayAsync();
        // By id, which for string keys is their hash: compare as sets.
        Assert.Equal(
            written.Where(r => (string)r["Name"]! == "n1" && (int)r["Rank"]! > 10).Select(r => (string)r["Id"]!).Order(),
            kept.Select(r => (string)r["Id"]!).Order());

        VectorSearchResult<Dictionary<string, object?>>[] hits = await records
            .SearchAsync(
                Vector(6),
                3,
                new VectorSearchOptions<Dictionary<string, object?>> { Filter = r => ((string[])r["Tags"]!).Contains("even"), IncludeVectors = true })
            .ToArrayAsync();
        Assert.Equal("r-6", hits[0].Record["Id"]);
        Assert.Equal(1.0, hits[0].Score!.Value, 4);
        Assert.Equal(TestRecords.Unit(Vector(6)), ((ReadOnlyMemory<float>)hits[0].Record["Embedding"]!).ToArray(), new FloatTolerance(1e-5f));
        Assert.All(hits, h => Assert.Contains("even", (string[])h.Record["Tags"]!));
    }

    private static float[] Vector(int i) => TestRecords.Vector(i, dimensions: 4, seed: 5);

    private static Dictionary<string, object?> Record(int i) => new()
    {
        ["Id"] = $"r-{i}",
        ["Name"] = i % 2 == 0 ? "n0" : "n1",
        ["Rank"] = i,
        ["Tags"] = i % 2 == 0 ? new[] { "even" } : new[] { "odd" },
        ["Note"] = $"note {i}",
        ["Embedding"] = new ReadOnlyMemory<float>(Vector(i)),
    };
}

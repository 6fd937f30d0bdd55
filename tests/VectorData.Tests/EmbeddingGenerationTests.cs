namespace HyperdOrleans.VectorData.Tests;

/// <summary>
/// A string vector property: the store's embedding generator makes the vectors on upsert (one call per batch) and the query vector of a
/// text search, as the abstraction's dispatcher resolves it.
/// </summary>
[Collection(VectorDataClusterCollection.Name)]
public sealed class EmbeddingGenerationTests(VectorDataCluster hyperd)
{
    private static readonly string[] Texts = ["apples and pears", "zebra crossing", "quantum physics", "hello world", "vector search"];

    [Fact]
    public async Task TextsAreEmbeddedOnUpsertAndOnSearch()
    {
        var generator = new FakeEmbeddingGenerator();
        var store = new HyperdVectorStore(hyperd.Client, new HyperdVectorStoreOptions { EmbeddingGenerator = generator });
        HyperdCollection<int, Note> notes = store.GetCollection<int, Note>("embedded");
        await notes.EnsureCollectionExistsAsync();
        await notes.UpsertAsync(Texts.Select((t, i) => new Note { Id = i, Text = t, Body = t }));
        Assert.Equal(1, generator.Calls);

        for (int i = 0; i < Texts.Length; i++)
        {
            VectorSearchResult<Note> best = (await notes.SearchAsync(Texts[i], 1).ToArrayAsync())[0];
            Assert.Equal(i, best.Record.Id);
            Assert.Equal(Texts[i], best.Record.Body);
            Assert.Equal(1.0, best.Score!.Value, 4);
        }

        // The stored vector is the generator's, normalised.
        float[] stored = (await hyperd.Client.GetAsync("embedded", [3], includeVectors: true))[0].Vector!;
        Assert.Equal(TestRecords.Unit(FakeEmbeddingGenerator.Embed(Texts[3])), stored, new FloatTolerance(1e-5f));
        await Assert.ThrowsAsync<NotSupportedException>(
            () => notes.SearchAsync("hello", 1, new VectorSearchOptions<Note> { IncludeVectors = true }).ToArrayAsync().AsTask());
    }

    [Fact]
    public async Task AGeneratorOnTheDefinitionServesAStoreWithout()
    {
        var generator = new FakeEmbeddingGenerator();
        var definition = new VectorStoreCollectionDefinition
        {
            EmbeddingGenerator = generator,
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(int)),
                new VectorStoreDataProperty("Body", typeof(string)),
                new VectorStoreVectorProperty("Text", typeof(string), FakeEmbeddingGenerator.Dimensions),
            ],
        };
        HyperdCollection<int, Note> notes = hyperd.Store.GetCollection<int, Note>("embedded-definition", definition);
        await notes.EnsureCollectionExistsAsync();
        await notes.UpsertAsync(Texts.Select((t, i) => new Note { Id = i, Text = t, Body = t }));
        Assert.Equal(1, (await notes.SearchAsync("zebra crossing", 1).ToArrayAsync())[0].Record.Id);
    }

    [Fact]
    public async Task AFloatVectorPropertySearchesByTextWithTheStoresGenerator()
    {
        var store = new HyperdVectorStore(hyperd.Client, new HyperdVectorStoreOptions { EmbeddingGenerator = new FakeEmbeddingGenerator() });
        HyperdCollection<long, Product<long>> products = store.GetCollection<long, Product<long>>("embedded-search-only");
        await products.EnsureCollectionExistsAsync();
        Product<long>[] written = [.. Texts.Select((t, i) => TestRecords.Make(i, (long)i))];
        for (int i = 0; i < Texts.Length; i++)
        {
            written[i].Vector = FakeEmbeddingGenerator.Embed(Texts[i]);
        }

        await products.UpsertAsync(written);
        Assert.Equal(3L, (await products.SearchAsync("hello world", 1).ToArrayAsync())[0].Record.Key);
    }

    public sealed class Note
    {
        [VectorStoreKey]
        public int Id { get; set; }

        [VectorStoreData]
        public string? Body { get; set; }

        [VectorStoreVector(FakeEmbeddingGenerator.Dimensions)]
        public string? Text { get; set; }
    }
}

// An app of a new user's, built against the HyperdOrleans packages only: an embedded silo and a client in one process,
// an index made from the client, filled, searched, listed and dropped; then a collection of records through the
// VectorData connector: upserted with data, searched with and without a filter, read and deleted by key, dropped.
// Arguments: silo port, gateway port, data folder.
using HyperdOrleans.Abstractions;
using HyperdOrleans.Client;
using HyperdOrleans.Grains.Hosting;
using HyperdOrleans.VectorData;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

int siloPort = int.Parse(args[0]);
int gatewayPort = int.Parse(args[1]);
HostApplicationBuilder siloBuilder = Host.CreateApplicationBuilder();
siloBuilder.UseOrleans(silo => silo.UseHyperdEmbedded(args[2], siloPort, gatewayPort));
using IHost silo = siloBuilder.Build();
await silo.StartAsync();

HostApplicationBuilder clientBuilder = Host.CreateApplicationBuilder();
clientBuilder.AddHyperdClient(o => o.GatewayPort = gatewayPort);
using IHost client = clientBuilder.Build();
await client.StartAsync();
HyperdClient hyperd = client.Services.GetRequiredService<HyperdClient>();

const int Rows = 2_000, Dimensions = 16;
var random = new Random(1);
long[] ids = [.. Enumerable.Range(0, Rows).Select(i => (long)i)];
float[] vectors = [.. Enumerable.Range(0, Rows * Dimensions).Select(_ => (float)random.NextDouble() - 0.5f)];
await hyperd.CreateIndexAsync("docs", Dimensions);
await hyperd.UpsertAsync("docs", ids, vectors);
QueryResult top = await hyperd.SearchAsync("docs", vectors[(5 * Dimensions)..(6 * Dimensions)], k: 10);
Console.WriteLine($"top hit: {top.Ids[0]}");
Console.WriteLine($"indexes: {string.Join(",", (await hyperd.ListIndexesAsync()).Select(i => i.Name))}");
Console.WriteLine($"dropped: {await hyperd.DropIndexAsync("docs")}");

VectorStore store = new HyperdVectorStore(hyperd);
VectorStoreCollection<string, Note> notes = store.GetCollection<string, Note>("notes");
await notes.EnsureCollectionExistsAsync();
Note[] written = [.. Enumerable.Range(0, 200).Select(i => new Note
{
    Id = $"note-{i}",
    Topic = i % 4 == 0 ? "work" : "home",
    Embedding = vectors.AsMemory(i * Dimensions, Dimensions),
})];
await notes.UpsertAsync(written);
var nearest = await notes.SearchAsync(written[8].Embedding, top: 3).ToListAsync();
var nearestHome = await notes.SearchAsync(written[8].Embedding, top: 3, new() { Filter = n => n.Topic == "home" }).ToListAsync();
Console.WriteLine($"nearest note: {nearest[0].Record.Id}");
Console.WriteLine($"nearest home notes: {string.Join(",", nearestHome.Select(h => h.Record.Topic).Distinct())}");
Console.WriteLine($"note-3 topic: {(await notes.GetAsync("note-3"))?.Topic}");
await notes.DeleteAsync("note-3");
Console.WriteLine($"note-3 after delete: {(await notes.GetAsync("note-3")) is null}");
Console.WriteLine($"collections: {string.Join(",", await store.ListCollectionNamesAsync().ToListAsync())}");
await notes.EnsureCollectionDeletedAsync();
Console.WriteLine($"notes exists: {await notes.CollectionExistsAsync()}");
await client.StopAsync();
await silo.StopAsync();

public sealed class Note
{
    [VectorStoreKey]
    public string Id { get; set; } = "";

    [VectorStoreData(IsIndexed = true)]
    public string Topic { get; set; } = "";

    [VectorStoreVector(16, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public ReadOnlyMemory<float> Embedding { get; set; }
}

// An app of a new user's, built against the HyperdOrleans packages only: an embedded silo and a client in one process,
// an index made from the client, filled, searched, listed and dropped. Arguments: silo port, gateway port, data folder.
using HyperdOrleans.Abstractions;
using HyperdOrleans.Client;
using HyperdOrleans.Grains.Hosting;
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
await client.StopAsync();
await silo.StopAsync();

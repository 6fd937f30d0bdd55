using System.Net;
using System.Net.Sockets;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>The embedded default as a user runs it: a generic-host silo with file state, a client host with AddHyperdClient, and a restart.</summary>
public sealed class EmbeddedSiloTests
{
    [Fact]
    public async Task IndexAndAppendsSurviveARestartOfTheEmbeddedSilo()
    {
        string root = Path.Combine(Path.GetTempPath(), $"hyperd-embedded-tests-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            var data = new TestData(root, 5_000);
            int siloPort = FreePort();
            int gatewayPort = FreePort();
            QueryResult before;
            await using (var running = await StartAsync(root, siloPort, gatewayPort))
            {
                IndexStatus built = await Within.Phase(
                    "build on the embedded silo",
                    running.Client.BuildAsync("embedded", new BuildRequest(data.Path)));
                Assert.Equal(data.Count, built.Count);
                await running.Client.AppendAsync("embedded", [77_000], data.ExtraRow(0));
                before = await running.Client.SearchAsync("embedded", data.Query(0), 10);
            }

            await using (var restarted = await StartAsync(root, siloPort, gatewayPort))
            {
                IndexStatus status = await restarted.Client.StatusAsync("embedded");
                Assert.True(status.Exists);
                Assert.Equal(data.Count, status.Count);
                Assert.Equal(before.Ids, (await restarted.Client.SearchAsync("embedded", data.Query(0), 10)).Ids);
                Assert.Equal(77_000, (await restarted.Client.SearchAsync("embedded", data.ExtraRow(0), 1)).Ids[0]);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<Running> StartAsync(string root, int siloPort, int gatewayPort)
    {
        HostApplicationBuilder siloBuilder = Host.CreateApplicationBuilder();
        siloBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
        siloBuilder.UseOrleans(silo => silo.UseHyperdEmbedded(Path.Combine(root, "data"), siloPort, gatewayPort, configure: o => o.BuildThreads = 1));
        IHost silo = siloBuilder.Build();
        await Within.Phase("embedded silo start", silo.StartAsync());

        HostApplicationBuilder clientBuilder = Host.CreateApplicationBuilder();
        clientBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
        clientBuilder.AddHyperdClient(o => o.GatewayPort = gatewayPort);
        IHost client = clientBuilder.Build();
        await Within.Phase("client connect", client.StartAsync());
        return new Running(silo, client);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Running(IHost silo, IHost client) : IAsyncDisposable
    {
        public HyperdClient Client => client.Services.GetRequiredService<HyperdClient>();

        public async ValueTask DisposeAsync()
        {
            await client.StopAsync();
            client.Dispose();
            await silo.StopAsync();
            silo.Dispose();
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>A client that cannot reach its cluster gives up after its connect timeout with a message saying what to check.</summary>
public sealed class ConnectTimeoutTests
{
    [Fact]
    public async Task AClientPointedAtAPortWithNoSilo_FailsWithinItsConnectTimeout_NamingTheGateway()
    {
        int port = UnusedPort();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddHyperdClient(o =>
        {
            o.GatewayPort = port;
            o.ClusterId = "nowhere";
            o.ConnectTimeout = TimeSpan.FromSeconds(3);
        });
        using IHost client = builder.Build();

        var clock = Stopwatch.StartNew();
        var failed = await Within.Phase(
            "the client to give up",
            Assert.ThrowsAsync<TimeoutException>(() => client.StartAsync()),
            TimeSpan.FromSeconds(30));

        // 3 s plus the last attempt and a loaded machine's scheduling; Orleans' own retries would take about 180 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"gave up after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Contains($"127.0.0.1:{port}", failed.Message);
        Assert.Contains("'nowhere'", failed.Message);
        Assert.Contains("within 3 s", failed.Message);
        Assert.Contains("Check that", failed.Message);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using HyperdOrleans.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using static HyperdOrleans.Storage.Tests.AzureSiloTestHosts;

namespace HyperdOrleans.Storage.Tests;

/// <summary>
/// Mutual TLS between real Azure-configured silos and their clients: certificates of the cluster's CA are served,
/// anything else is refused within seconds (Orleans' own retries gave up only after about 180 s).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TlsClusterTests(AzuriteFixture azurite) : IAsyncLifetime
{
    /// <summary>A refused client must fail this fast; its connect timeout is far longer, so only a detected refusal can meet it.</summary>
    private static readonly TimeSpan RefusedWithin = TimeSpan.FromSeconds(10);

    private readonly TestCertificates _ca = new("hyperd-test-ca");
    private readonly string _clusterId = $"tls-{Guid.NewGuid():N}";
    private readonly string _serviceId = $"svc{Guid.NewGuid():N}";
    private IHost[] _silos = [];

    public async Task InitializeAsync() =>
        _silos = await Task.WhenAll(
            StartSiloAsync(Settings(azurite.ConnectionString, _clusterId, _serviceId, _ca), "TLS cluster"),
            StartSiloAsync(Settings(azurite.ConnectionString, _clusterId, _serviceId, _ca), "TLS cluster"));

    public async Task DisposeAsync()
    {
        await StopAsync(_silos);
        _ca.Dispose();
    }

    [Fact]
    public async Task AClientWithACertificateOfTheClusterCa_IsServedByBothSilos()
    {
        var client = await StartClientAsync(azurite.ConnectionString, _clusterId, _serviceId, "client of the CA", _ca);
        var grains = client.Services.GetRequiredService<IClusterClient>();
        Assert.Equal(2, (await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count);

        // Grains on both silos: the gateway forwards to the other silo over silo-to-silo TLS.
        var places = new HashSet<string>();
        for (var i = 0; i < 12; i++)
        {
            var probe = grains.GetGrain<IProbeGrain>($"tls-probe-{i}");
            await probe.SetAsync($"value-{i}");
            places.Add(await probe.SiloAsync());
        }
        Assert.Equal(2, places.Count);

        // And the SDK end to end: status of an index that does not exist, and a search of it.
        var hyperd = client.Services.GetRequiredService<HyperdClient>();
        Assert.False((await hyperd.StatusAsync("tls-none")).Exists);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => hyperd.SearchAsync("tls-none", new float[8], 1));
        await StopAsync(client);
    }

    [Fact]
    public async Task AClient_CarriesOnThroughTheOtherGateway_WhenASiloStops()
    {
        var client = await StartClientAsync(azurite.ConnectionString, _clusterId, _serviceId, "client before a silo stops", _ca);
        var grains = client.Services.GetRequiredService<IClusterClient>();
        await grains.GetGrain<IProbeGrain>("gateway-before").SetAsync("before");

        // The client holds connections to both gateways; one silo leaves and the client goes on through the other.
        var leaving = _silos[0];
        _silos = _silos[1..];
        await StopAsync(leaving);
        for (var i = 0; i < 8; i++)
        {
            var probe = grains.GetGrain<IProbeGrain>($"gateway-after-{i}");
            await probe.SetAsync($"after-{i}").WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal($"after-{i}", await probe.GetAsync());
        }
        Assert.Equal("before", await grains.GetGrain<IProbeGrain>("gateway-before").GetAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        await StopAsync(client);
    }

    [Fact]
    public async Task AClientWithACertificateOfAnotherCa_IsRefusedAtOnce()
    {
        using var other = new TestCertificates("some-other-ca");
        using var client = BuildClient(azurite.ConnectionString, _clusterId, _serviceId, o =>
        {
            o.Tls = other.ClientOptions("intruder");
            o.ConnectTimeout = TimeSpan.FromSeconds(60);
        });

        var refused = await RefusedAsync(client);
        Assert.Contains("TLS handshake with its gateway failed", refused.Message);
    }

    [Fact]
    public async Task AClientWithoutACertificate_IsRefused_WithinItsConnectTimeout()
    {
        // Without TLS the client cannot tell the gateway's refusal from any other closed connection, so it fails at its
        // deadline (here 5 s), naming TLS among the things to check.
        using var client = BuildClient(azurite.ConnectionString, _clusterId, _serviceId, o => o.ConnectTimeout = TimeSpan.FromSeconds(5));
        var clock = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<TimeoutException>(() => client.StartAsync().WaitAsync(TimeSpan.FromSeconds(90)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"refused only after {clock.Elapsed.TotalSeconds:F1} s: {refused}");
        Assert.Contains($"'{_clusterId}'", refused.Message);
        Assert.Contains("TLS", refused.Message);
    }

    [Fact]
    public void ASiloWithoutTlsSettings_RefusesToStart_NamingTheKeys()
    {
        var settings = Settings(azurite.ConnectionString, _clusterId, _serviceId);
        settings.Remove("Hyperd:Tls:Enabled");

        var refused = Assert.Throws<InvalidOperationException>(() =>
        {
            using var silo = BuildSilo(settings);
        });
        Assert.Contains("Hyperd:Tls:CertificatePath", refused.Message);
        Assert.Contains("Hyperd:Tls:CaPath", refused.Message);
        Assert.Contains("Hyperd:Tls:Enabled=false", refused.Message);
    }

    private static async Task<Exception> RefusedAsync(IHost client)
    {
        var clock = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => client.StartAsync().WaitAsync(TimeSpan.FromSeconds(90)));
        Assert.True(clock.Elapsed < RefusedWithin, $"refused only after {clock.Elapsed.TotalSeconds:F1} s: {refused}");
        Assert.IsType<InvalidOperationException>(refused);
        return refused;
    }
}

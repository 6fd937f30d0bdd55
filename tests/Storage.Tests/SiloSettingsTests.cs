using HyperdOrleans.Grains.Storage;
using HyperdOrleans.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using System.Net;

namespace HyperdOrleans.Storage.Tests;

/// <summary>Reading the Hyperd section: no Azurite needed, no silo started.</summary>
public sealed class SiloSettingsTests
{
    private const string Conn = "UseDevelopmentStorage=true";

    [Fact]
    public void WithoutConnectionString_ConfigureAzure_LeavesTheSiloAlone()
    {
        bool? configured = null;
        using var host = AzureSiloTestHosts.BuildSilo(new Dictionary<string, string?>(), c => configured = c);

        Assert.False(configured);
        Assert.Null(host.Services.GetService<IIndexFileStore>());
    }

    [Fact]
    public void WithConnectionString_TheIndexFileStoreIsTheBlobStore_InTheConfiguredContainer()
    {
        using var host = AzureSiloTestHosts.BuildSilo(new Dictionary<string, string?>
        {
            ["Hyperd:Azure:ConnectionString"] = Conn,
            ["Hyperd:Azure:Container"] = "my-index",
        });

        var store = Assert.IsType<BlobIndexFileStore>(host.Services.GetRequiredService<IIndexFileStore>());
        Assert.Equal("my-index", store.ContainerName);
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var settings = Read(new() { ["Hyperd:Azure:ConnectionString"] = Conn })!;

        Assert.Equal(("hyperd", "hyperd", 11111, 30000, "hyperd-index"),
            (settings.ClusterId, settings.ServiceId, settings.SiloPort, settings.GatewayPort, settings.IndexContainer));
        Assert.False(settings.Dev);
        Assert.Equal(IPAddress.Loopback, settings.ResolveAdvertisedAddress());
    }

    [Theory]
    [InlineData("Hyperd:SiloPort", "eleven")]
    [InlineData("Hyperd:GatewayPort", "70000")]
    [InlineData("Hyperd:Dev", "yes")]
    public void BadValues_FailWithTheKeyInTheMessage(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => Read(new() { ["Hyperd:Azure:ConnectionString"] = Conn, [key] = value }));

        Assert.Contains(key, error.Message);
        Assert.Contains(value, error.Message);
    }

    [Fact]
    public void AdvertisedIP_TakesALiteralOrAHostName()
    {
        Assert.Equal(
            IPAddress.Parse("10.1.2.3"),
            Read(new() { ["Hyperd:Azure:ConnectionString"] = Conn, ["Hyperd:AdvertisedIP"] = "10.1.2.3" })!.ResolveAdvertisedAddress());
        Assert.True(IPAddress.IsLoopback(Read(new()
        {
            ["Hyperd:Azure:ConnectionString"] = Conn,
            ["Hyperd:AdvertisedIP"] = "localhost",
        })!.ResolveAdvertisedAddress()));
    }

    private static HyperdSiloSettings? Read(Dictionary<string, string?> values) =>
        HyperdSiloSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
}

using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Hosting;
using HyperdOrleans.Grains.Storage;
using HyperdOrleans.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
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
            ["Hyperd:Tls:Enabled"] = "false",
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

    [Fact]
    public void ListenOnAdvertisedIP_IsOffByDefault_AndReadAsABool()
    {
        Assert.False(Read(new() { ["Hyperd:Azure:ConnectionString"] = Conn })!.ListenOnAdvertisedAddress);
        var settings = Read(new()
        {
            ["Hyperd:Azure:ConnectionString"] = Conn,
            ["Hyperd:AdvertisedIP"] = "10.77.0.11",
            ["Hyperd:ListenOnAdvertisedIP"] = "true",
        })!;
        Assert.True(settings.ListenOnAdvertisedAddress);
        Assert.Equal(IPAddress.Parse("10.77.0.11"), settings.ResolveAdvertisedAddress());

        var error = Assert.Throws<InvalidOperationException>(
            () => Read(new() { ["Hyperd:Azure:ConnectionString"] = Conn, ["Hyperd:ListenOnAdvertisedIP"] = "sometimes" }));
        Assert.Contains("Hyperd:ListenOnAdvertisedIP", error.Message);
    }

    [Fact]
    public void TlsSettings_AreRead_AndAWrongCertificatePathStopsTheSiloNamingTheKey()
    {
        using var ca = new TestCertificates("settings-ca");
        var values = new Dictionary<string, string?> { ["Hyperd:Azure:ConnectionString"] = Conn, ["Hyperd:Tls:Enabled"] = null };
        ca.AddSiloSettings(values, "settings-silo");
        var tls = Read(values)!.Tls!;
        Assert.Equal(ca.CaPath, tls.CaPath);
        Assert.Equal(TestCertificates.Password, tls.CertificatePassword);

        values["Hyperd:Tls:CertificatePath"] = "/nonexistent/silo.pfx";
        var refused = Assert.Throws<InvalidOperationException>(() =>
        {
            using var host = AzureSiloTestHosts.BuildSilo(values);
        });
        Assert.Contains("Hyperd:Tls:CertificatePath '/nonexistent/silo.pfx'", refused.Message);
    }

    [Fact]
    public void TlsEnabledFalse_IsAnExplicitOptOut()
    {
        Assert.Null(Read(new() { ["Hyperd:Azure:ConnectionString"] = Conn, ["Hyperd:Tls:Enabled"] = "false" })!.Tls);
        Assert.Throws<InvalidOperationException>(() => Read(new() { ["Hyperd:Azure:ConnectionString"] = Conn, ["Hyperd:Tls:Enabled"] = "no" }));
    }

    /// <summary>Reads <paramref name="values"/>, with TLS switched off unless they say otherwise (TLS has tests of its own).</summary>
    private static HyperdSiloSettings? Read(Dictionary<string, string?> values)
    {
        values.TryAdd("Hyperd:Tls:Enabled", "false");
        return HyperdSiloSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }

    [Theory]
    [InlineData(true, null, 2)]
    [InlineData(true, "3", 3)]
    [InlineData(false, null, 1)]
    [InlineData(false, "2", 2)]
    public void Replicas_AreTwoInAClusterAndOneEmbedded_UnlessConfigured(bool cluster, string? configured, int expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Hyperd:Tls:Enabled"] = "false",
            ["Hyperd:DataDirectory"] = Path.Combine(Path.GetTempPath(), $"hyperd-settings-{Guid.NewGuid():N}"),
        };
        if (configured is not null)
        {
            settings["Hyperd:Replicas"] = configured;
        }

        if (cluster)
        {
            settings["Hyperd:Azure:ConnectionString"] = Conn;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => SiloConfiguration.Configure(silo, builder.Configuration));
        using IHost host = builder.Build();
        Assert.Equal(expected, host.Services.GetRequiredService<IOptions<HyperdOptions>>().Value.Replicas);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void Replicas_OutsideOneToEight_AreRefusedWithTheKeyAndTheValue(int replicas)
    {
        var result = new HyperdOptionsValidator().Validate(null, new HyperdOptions { Replicas = replicas });
        Assert.True(result.Failed);
        Assert.Contains("Hyperd:Replicas must be between 1 and 8", result.FailureMessage);
        Assert.Contains($"got {replicas}", result.FailureMessage);
    }
}

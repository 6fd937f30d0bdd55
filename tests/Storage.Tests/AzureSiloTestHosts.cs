using HyperdOrleans.Client;
using HyperdOrleans.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace HyperdOrleans.Storage.Tests;

/// <summary>Generic-host silos configured only through <see cref="AzureSiloConfiguration"/>, and clients for them.</summary>
internal static class AzureSiloTestHosts
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A silo's settings with its own free ports; grain state goes to the container named after the service. With
    /// <paramref name="tls"/> the silo gets a certificate of that CA; without, TLS is switched off explicitly.
    /// </summary>
    public static Dictionary<string, string?> Settings(string connectionString, string clusterId, string serviceId, TestCertificates? tls = null)
    {
        var ports = FreePorts.Take(2);
        var settings = new Dictionary<string, string?>
        {
            ["Hyperd:Azure:ConnectionString"] = connectionString,
            ["Hyperd:ClusterId"] = clusterId,
            ["Hyperd:ServiceId"] = serviceId,
            ["Hyperd:SiloPort"] = $"{ports[0]}",
            ["Hyperd:GatewayPort"] = $"{ports[1]}",
            ["Hyperd:Azure:StateContainer"] = StateContainer(serviceId),
            ["Hyperd:Dev"] = "true",
        };
        if (tls is null)
        {
            settings["Hyperd:Tls:Enabled"] = "false";
        }
        else
        {
            tls.AddSiloSettings(settings, $"silo-{ports[0]}");
        }

        return settings;
    }

    public static string StateContainer(string serviceId) => $"state-{serviceId}";

    /// <summary>A silo host built from <paramref name="settings"/> alone (no environment, no appsettings), not started.</summary>
    public static IHost BuildSilo(IReadOnlyDictionary<string, string?> settings, Action<bool>? configured = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => (configured ?? (_ => { }))(silo.ConfigureAzure(builder.Configuration)));
        return builder.Build();
    }

    public static async Task<IHost> StartSiloAsync(IReadOnlyDictionary<string, string?> settings, string phase)
    {
        var host = BuildSilo(settings, configured => Assert.True(configured, "ConfigureAzure ignored a connection string."));
        await StartAsync(host, $"silo on port {settings["Hyperd:SiloPort"]} ({phase})");
        return host;
    }

    /// <summary>
    /// A client of the SDK (<see cref="HyperdClientHostExtensions.AddHyperdClient"/>), with a certificate of
    /// <paramref name="tls"/> if given.
    /// </summary>
    public static async Task<IHost> StartClientAsync(
        string connectionString,
        string clusterId,
        string serviceId,
        string phase,
        TestCertificates? tls = null)
    {
        var host = BuildClient(connectionString, clusterId, serviceId, o =>
        {
            if (tls is not null)
            {
                o.Tls = tls.ClientOptions($"client-{Guid.NewGuid():N}");
            }
        });
        await StartAsync(host, $"client ({phase})");
        return host;
    }

    public static IHost BuildClient(string connectionString, string clusterId, string serviceId, Action<HyperdClientOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddHyperdClient(o =>
        {
            (o.AzureStorageConnectionString, o.ClusterId, o.ServiceId) = (connectionString, clusterId, serviceId);
            configure(o);
        });
        return builder.Build();
    }

    public static async Task StopAsync(params IHost[] hosts)
    {
        // Graceful stops in parallel: each silo says goodbye in the membership table, so none is left Active.
        await Task.WhenAll(hosts.Select(h => h.StopAsync()));
        foreach (var host in hosts)
        {
            host.Dispose();
        }
    }

    private static async Task StartAsync(IHost host, string what)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await host.StartAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            host.Dispose();
            throw new TimeoutException($"The {what} did not start within {StartTimeout.TotalSeconds} s.");
        }
    }
}

using Azure.Data.Tables;
using HyperdOrleans.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace HyperdOrleans.Storage.Tests;

/// <summary>Generic-host silos configured only through <see cref="AzureSiloConfiguration"/>, and clients for them.</summary>
internal static class AzureSiloTestHosts
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A silo's settings with its own free ports; grain state goes to the container named after the service.</summary>
    public static Dictionary<string, string?> Settings(string connectionString, string clusterId, string serviceId)
    {
        var ports = FreePorts.Take(2);
        return new()
        {
            ["Hyperd:Azure:ConnectionString"] = connectionString,
            ["Hyperd:ClusterId"] = clusterId,
            ["Hyperd:ServiceId"] = serviceId,
            ["Hyperd:SiloPort"] = $"{ports[0]}",
            ["Hyperd:GatewayPort"] = $"{ports[1]}",
            ["Hyperd:Azure:StateContainer"] = StateContainer(serviceId),
            ["Hyperd:Dev"] = "true",
        };
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

    public static async Task<IHost> StartClientAsync(string connectionString, string clusterId, string serviceId, string phase)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(connectionString));
        });
        var host = builder.Build();
        await StartAsync(host, $"client ({phase})");
        return host;
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

using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace HyperdOrleans.Client;

/// <summary>Registers an Orleans client for a HyperdOrleans cluster and a <see cref="HyperdClient"/> over it.</summary>
public static class HyperdClientHostExtensions
{
    /// <summary>
    /// Configuration section <c>Hyperd:Client</c> (see <see cref="HyperdClientOptions"/>), then
    /// <paramref name="configure"/>: a localhost gateway by default, Azure Table clustering with a connection string.
    /// </summary>
    public static IHostApplicationBuilder AddHyperdClient(this IHostApplicationBuilder builder, Action<HyperdClientOptions>? configure = null)
    {
        var options = new HyperdClientOptions();
        builder.Configuration.GetSection(HyperdClientOptions.Section).Bind(options);
        configure?.Invoke(options);
        builder.UseOrleansClient(client =>
        {
            if (options.AzureStorageConnectionString is { Length: > 0 } connection)
            {
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
                client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(connection));
            }
            else
            {
                client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
            }
        });
        builder.Services.AddSingleton(sp => new HyperdClient(sp.GetRequiredService<IClusterClient>()));
        return builder;
    }
}

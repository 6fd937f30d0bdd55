using Azure.Data.Tables;
using HyperdOrleans.Client.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace HyperdOrleans.Client;

/// <summary>Registers an Orleans client for a HyperdOrleans cluster and a <see cref="HyperdClient"/> over it.</summary>
public static class HyperdClientHostExtensions
{
    /// <summary>Margin of Orleans' own response timeout over the SDK's deadlines: the SDK cancels first and names the call.</summary>
    private static readonly TimeSpan ResponseTimeoutMargin = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Configuration section <c>Hyperd:Client</c> (see <see cref="HyperdClientOptions"/>), then
    /// <paramref name="configure"/>: a localhost gateway by default, Azure Table clustering with a connection string,
    /// mutual TLS when a certificate is configured.
    /// </summary>
    public static IHostApplicationBuilder AddHyperdClient(this IHostApplicationBuilder builder, Action<HyperdClientOptions>? configure = null)
    {
        var options = new HyperdClientOptions();
        builder.Configuration.GetSection(HyperdClientOptions.Section).Bind(options);
        configure?.Invoke(options);
        Validate(options);
        MutualTls? tls = options.Tls.CertificatePath is { Length: > 0 } ? MutualTls.Load(options.Tls, $"{HyperdClientOptions.Section}:Tls") : null;
        builder.UseOrleansClient(client =>
        {
            string target;
            if (options.AzureStorageConnectionString is { Length: > 0 } connection)
            {
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
                client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(connection));
                target = $"cluster '{options.ClusterId}' (service '{options.ServiceId}') through the Azure membership table of "
                    + $"{StorageAccount(connection)}";
            }
            else
            {
                client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
                target = $"the gateway 127.0.0.1:{options.GatewayPort} (cluster '{options.ClusterId}')";
            }

            var handshakes = new HandshakeFailures();
            client.UseConnectionRetryFilter(new ConnectDeadlineFilter(options.ConnectTimeout, target, handshakes));

            // A backstop only: every SDK call carries its own deadline and cancels the grain call when it expires.
            if (Max(options.CallTimeout, options.SearchTimeout) is var longest && longest != Timeout.InfiniteTimeSpan)
            {
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = longest + ResponseTimeoutMargin);
            }

            // Gateways that joined or left are seen within 15 s instead of a minute, so a client whose gateway died
            // spreads over the survivors soon.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(15));
            if (tls is not null)
            {
                // Registered before UseTls, so it wraps the TLS layer and sees how its handshake ended.
                client.Configure<ClientConnectionOptions>(o => o.ConfigureConnection(handshakes.Watch));
                client.UseTls(tls.Certificate, tls.Apply);
            }
        });
        builder.Services.AddSingleton(sp => new HyperdClient(sp.GetRequiredService<IClusterClient>(), options));
        return builder;
    }

    private static void Validate(HyperdClientOptions options)
    {
        foreach ((string name, TimeSpan value) in new[]
        {
            (nameof(options.CallTimeout), options.CallTimeout),
            (nameof(options.SearchTimeout), options.SearchTimeout),
            (nameof(options.WriteTimeout), options.WriteTimeout),
            (nameof(options.WriteAttemptTimeout), options.WriteAttemptTimeout),
            (nameof(options.ConnectTimeout), options.ConnectTimeout),
            (nameof(options.SearchAttemptTimeout), options.SearchAttemptTimeout ?? Timeout.InfiniteTimeSpan),
        })
        {
            if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentException($"{HyperdClientOptions.Section}:{name} must be positive, got {value}.", nameof(options));
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) =>
        a == Timeout.InfiniteTimeSpan || b == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : a > b ? a : b;

    /// <summary>The account a connection string names, without its key: the message must not leak secrets.</summary>
    private static string StorageAccount(string connection) =>
        connection.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2 && p[0].Trim() is "AccountName" or "TableEndpoint")
            .Select(p => $"{p[0].Trim()}={p[1].Trim()}")
            .DefaultIfEmpty("the configured storage account")
            .Aggregate((a, b) => $"{a}, {b}");
}

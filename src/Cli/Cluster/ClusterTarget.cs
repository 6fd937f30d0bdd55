using System.Globalization;
using HyperdOrleans.Client;
using HyperdOrleans.Client.Tls;
using Microsoft.Extensions.Configuration;

namespace HyperdOrleans.Cli.Cluster;

internal enum ClusterKind
{
    /// <summary>A silo hosted in the tool's own process (localhost clustering, files under a data directory).</summary>
    Embedded,

    /// <summary>A silo already running on this machine, reached through its gateway port.</summary>
    Localhost,

    /// <summary>A multi-silo cluster found through its Azure Table membership.</summary>
    Azure,
}

/// <summary>
/// Which cluster <c>--cluster</c> names, with what the client needs to reach it. Settings not on the command line
/// come from environment variables: the client's own section (<c>Hyperd__Client__AzureStorageConnectionString</c>,
/// <c>…__ClusterId</c>, <c>…__ServiceId</c>, <c>…__GatewayPort</c>, see <see cref="HyperdClientOptions"/>), else the
/// silo's keys that <c>infra/cluster.sh</c> writes to <c>infra/.run/cluster.env</c> (<c>Hyperd__Azure__ConnectionString</c>,
/// <c>Hyperd__ClusterId</c>, <c>Hyperd__ServiceId</c>).
/// </summary>
internal sealed record ClusterTarget(ClusterKind Kind, int GatewayPort, string? ConnectionString, string ClusterId, string ServiceId)
{
    /// <summary>The client certificate and CA (<c>Hyperd__Client__Tls__*</c>, which <c>cluster.env</c> exports) for a TLS cluster.</summary>
    public MutualTlsOptions Tls { get; init; } = new();

    public const string Usage = "embedded, localhost[:gatewayPort] or azure";

    /// <summary>Configuration key (env <c>Hyperd__Client__Cluster</c>) that supplies <c>--cluster</c> when it is not given.</summary>
    public const string DefaultKey = "Hyperd:Client:Cluster";

    public string Description => Kind switch
    {
        ClusterKind.Embedded => "embedded silo in this process",
        ClusterKind.Localhost => $"localhost silo, gateway port {GatewayPort}",
        _ => $"Azure-clustered silos, cluster '{ClusterId}', service '{ServiceId}'",
    };

    public static IConfiguration Environment() => new ConfigurationBuilder().AddEnvironmentVariables().Build();

    /// <summary>Throws <see cref="CliException"/> naming the problem when the value or the configuration it needs is wrong.</summary>
    public static ClusterTarget Parse(string value, IConfiguration configuration)
    {
        var client = new HyperdClientOptions();
        configuration.GetSection(HyperdClientOptions.Section).Bind(client);
        string clusterId = configuration[$"{HyperdClientOptions.Section}:ClusterId"] ?? configuration["Hyperd:ClusterId"] ?? client.ClusterId;
        string serviceId = configuration[$"{HyperdClientOptions.Section}:ServiceId"] ?? configuration["Hyperd:ServiceId"] ?? client.ServiceId;
        string trimmed = value.Trim();
        string lower = trimmed.ToLowerInvariant();
        if (lower == "embedded")
        {
            return new ClusterTarget(ClusterKind.Embedded, 0, null, clusterId, serviceId);
        }

        if (lower == "azure")
        {
            string? connection = NonEmpty(client.AzureStorageConnectionString) ?? NonEmpty(configuration["Hyperd:Azure:ConnectionString"]);
            if (connection is null)
            {
                throw new CliException("--cluster azure needs a storage connection string: set Hyperd__Client__AzureStorageConnectionString (or "
                    + "Hyperd__Azure__ConnectionString, as 'source infra/.run/cluster.env' does).");
            }

            return new ClusterTarget(ClusterKind.Azure, 0, connection, clusterId, serviceId) { Tls = client.Tls };
        }

        if (lower == "localhost" || lower.StartsWith("localhost:", StringComparison.Ordinal))
        {
            int port = client.GatewayPort;
            if (lower.Length > "localhost".Length && (!int.TryParse(
                trimmed["localhost:".Length..],
                NumberStyles.None,
                CultureInfo.InvariantCulture,
                out port) || port is < 1 or > 65535))
            {
                throw new CliException($"--cluster '{value}': the gateway port must be a number from 1 to 65535.");
            }

            return new ClusterTarget(ClusterKind.Localhost, port, null, clusterId, serviceId) { Tls = client.Tls };
        }

        throw new CliException($"--cluster '{value}' is not a cluster: use {Usage}.");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

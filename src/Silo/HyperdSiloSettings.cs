using System.Net;
using System.Net.Sockets;
using HyperdOrleans.Client.Tls;
using Microsoft.Extensions.Configuration;

namespace HyperdOrleans.Silo;

/// <summary>
/// The multi-silo settings of the <c>Hyperd</c> configuration section (appsettings, or environment variables
/// such as <c>Hyperd__Azure__ConnectionString</c>), read and checked once at start-up so that a typo fails
/// the silo with a message naming the key instead of a silo that never joins.
/// </summary>
public sealed record HyperdSiloSettings(
    string ConnectionString,
    string IndexContainer,
    string StateContainer,
    string ClusterId,
    string ServiceId,
    int SiloPort,
    int GatewayPort,
    string? AdvertisedHost,
    string? SiloName,
    bool Dev,
    bool Kubernetes,
    MutualTlsOptions? Tls,
    bool ListenOnAdvertisedAddress = false)
{
    public const string Section = "Hyperd";
    public const string ConnectionStringKey = "Hyperd:Azure:ConnectionString";

    /// <summary>The settings, or null when no Azure connection string is configured (the embedded single-silo default).</summary>
    public static HyperdSiloSettings? Read(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var connectionString = config[ConnectionStringKey];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }
        return new HyperdSiloSettings(
            connectionString,
            IndexContainer: config["Hyperd:Azure:Container"] is { Length: > 0 } c ? c : "hyperd-index",
            StateContainer: config["Hyperd:Azure:StateContainer"] is { Length: > 0 } s ? s : "hyperd-grainstate",
            ClusterId: config["Hyperd:ClusterId"] is { Length: > 0 } cid ? cid : "hyperd",
            ServiceId: config["Hyperd:ServiceId"] is { Length: > 0 } sid ? sid : "hyperd",
            SiloPort: ReadPort(config, "Hyperd:SiloPort", 11111),
            GatewayPort: ReadPort(config, "Hyperd:GatewayPort", 30000),
            AdvertisedHost: config["Hyperd:AdvertisedIP"] is { Length: > 0 } ip ? ip : null,
            SiloName: config["Hyperd:SiloName"] is { Length: > 0 } name ? name : null,
            Dev: ReadBool(config, "Hyperd:Dev"),
            Kubernetes: ReadBool(config, "Hyperd:Kubernetes"),
            Tls: SiloTlsSettings.Read(config),
            ListenOnAdvertisedAddress: ReadBool(config, "Hyperd:ListenOnAdvertisedIP"));
    }

    /// <summary>
    /// The address other silos and clients dial: <see cref="AdvertisedHost"/> as an IP literal, or resolved as a
    /// host name (a compose service name has no fixed IP); loopback when unset.
    /// </summary>
    public IPAddress ResolveAdvertisedAddress()
    {
        if (AdvertisedHost is null)
        {
            return IPAddress.Loopback;
        }
        if (IPAddress.TryParse(AdvertisedHost, out var literal))
        {
            return literal;
        }
        var addresses = Dns.GetHostAddresses(AdvertisedHost);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"Hyperd:AdvertisedIP '{AdvertisedHost}' resolves to no address.");
    }

    private static int ReadPort(IConfiguration config, string key, int fallback)
    {
        var text = config[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        if (!int.TryParse(text, out var port) || port is < 1 or > 65535)
        {
            throw new InvalidOperationException($"{key} must be a TCP port (1-65535), got '{text}'.");
        }
        return port;
    }

    private static bool ReadBool(IConfiguration config, string key)
    {
        var text = config[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        return bool.TryParse(text, out var value)
            ? value
            : throw new InvalidOperationException($"{key} must be true or false, got '{text}'.");
    }
}
